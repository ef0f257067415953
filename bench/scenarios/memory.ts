/**
 * Scenario 5: the gateway's memory under scenario 1's load (the in-process
 * check, `serve`) for a minute. The resident set is sampled once a second
 * from /proc; the peak is the kernel's high-water mark (VmHWM). RSS alone
 * cannot tell retained memory from garbage not yet collected or from
 * memory V8 and the allocator keep for later, so every 10 s the gateway
 * also runs a full collection and reports its heap (ipc.ts `heap`): the
 * verdict is on that.
 */
import { runLoad } from '../lib/load.js';
import type { Lab } from '../lib/lab.js';
import { ms, rps, table } from '../lib/markdown.js';
import type { Plan, Progress, ScenarioReport } from '../lib/plan.js';
import { expectOk } from '../lib/requests.js';
import type { HeapSample } from '../lib/server-process.js';
import { median, slope } from '../lib/stats.js';
import { isGoodToolResult, toolCalls } from './authorization-overhead.js';
import { finishReport, startClock } from './report-parts.js';

/**
 * The collected heap grows when its linear trend over the run adds more
 * than this share of its median size (single samples move by a few MiB
 * with what happens to be live at that instant).
 */
export const GROWTH_THRESHOLD = 0.05;
const HEAP_EVERY_MS = 10_000;

export interface MemoryData {
  rssSamples: { second: number; rssMiB: number }[];
  heapSamples: { second: number; heapUsedMiB: number }[];
  startRssMiB: number;
  endRssMiB: number;
  peakRssMiB: number;
  rssTrendMiBPerMinute: number;
  heapStartMiB: number;
  heapEndMiB: number;
  heapTrendMiBPerMinute: number;
  heapCollected: boolean;
  growing: boolean;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

/** Runs scenario 5. */
export async function memory(lab: Lab, plan: Plan, progress: Progress): Promise<ScenarioReport> {
  const clock = startClock();
  const store = await lab.store('disk');
  const tokens = await store.minter.mint('access', plan.tokenPool);
  const server = await lab.gateway('all');
  const next = toolCalls(tokens);
  await expectOk('tools/call', server.url, next(), isGoodToolResult);
  progress('scenario 5: warming up');
  await runLoad({
    url: server.url,
    connections: plan.connections,
    seconds: plan.memoryWarmupSeconds,
    next,
  });

  progress(`scenario 5: ${plan.memorySeconds} s of load, sampling RSS and the collected heap`);
  const rssSamples: MemoryData['rssSamples'] = [];
  const heapSamples: MemoryData['heapSamples'] = [];
  const started = performance.now();
  const since = (): number => (performance.now() - started) / 1000;
  const recordHeap = (heap: HeapSample, second: number): HeapSample => {
    heapSamples.push({ second, heapUsedMiB: heap.heapUsedMiB });
    return heap;
  };
  const first = recordHeap(await server.heap(), 0);
  const sampleRss = (): void => {
    rssSamples.push({ second: since(), rssMiB: server.memory().rssMiB });
  };
  sampleRss();
  const rssTimer = setInterval(sampleRss, 1000);
  const heapTimer = setInterval(() => {
    const second = since();
    void server.heap().then((heap) => recordHeap(heap, second));
  }, HEAP_EVERY_MS);
  const result = await runLoad({
    url: server.url,
    connections: plan.connections,
    seconds: plan.memorySeconds,
    next,
  }).finally(() => {
    clearInterval(rssTimer);
    clearInterval(heapTimer);
  });
  sampleRss();
  const peak = server.memory().peakRssMiB;
  const last = recordHeap(await server.heap(), since());
  heapSamples.sort((a, b) => a.second - b.second);

  // The first ten seconds are still settling (JIT, SQLite page cache).
  const settled = rssSamples.filter((s) => s.second >= Math.min(10, plan.memorySeconds / 3));
  const perMinute = (xs: number[], ys: number[]): number => slope(xs, ys) * 60;
  const data: MemoryData = {
    rssSamples,
    heapSamples,
    startRssMiB: rssSamples[0]?.rssMiB ?? Number.NaN,
    endRssMiB: rssSamples.at(-1)?.rssMiB ?? Number.NaN,
    peakRssMiB: peak,
    rssTrendMiBPerMinute: perMinute(
      settled.map((s) => s.second),
      settled.map((s) => s.rssMiB),
    ),
    heapStartMiB: first.heapUsedMiB,
    heapEndMiB: last.heapUsedMiB,
    heapTrendMiBPerMinute: perMinute(
      heapSamples.map((s) => s.second),
      heapSamples.map((s) => s.heapUsedMiB),
    ),
    heapCollected: first.collected && last.collected,
    growing: false,
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    errors: result.errors,
    requests: result.ok,
  };
  const heapMedian = median(heapSamples.map((h) => h.heapUsedMiB));
  data.growing =
    (data.heapTrendMiBPerMinute / 60) * plan.memorySeconds > GROWTH_THRESHOLD * heapMedian;
  return finishReport(clock, {
    id: 5,
    title: 'Memory under sustained load',
    markdown: memoryMarkdown(data, plan),
    data,
    errors: data.errors,
  });
}

function memoryMarkdown(data: MemoryData, plan: Plan): string {
  const mib = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  const trend = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(2)} MiB/min`;
  const perThousand =
    ((data.heapTrendMiBPerMinute / 60) * plan.memorySeconds * 1024 * 1000) / data.requests;
  const heapMedian = median(data.heapSamples.map((s) => s.heapUsedMiB));
  return [
    `The \`serve\` gateway (in-process check) under scenario 1's load, ${plan.connections} connections for ${plan.memorySeconds} s after a ${plan.memoryWarmupSeconds} s warm-up. RSS sampled every second from /proc; every ${HEAP_EVERY_MS / 1000} s the gateway runs a full garbage collection and reports \`heapUsed\`. Verdict: the heap grows when its linear trend over the run adds more than ${GROWTH_THRESHOLD * 100}% of its median.`,
    '',
    table(
      ['req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
      [
        [
          rps(data.rps),
          ms(data.p50),
          ms(data.p99),
          data.requests.toLocaleString('en-US'),
          String(data.errors),
        ],
      ],
    ),
    '',
    table(
      ['memory', 'start', 'end', 'peak', 'trend', 'verdict'],
      [
        [
          'RSS (MiB)',
          mib(data.startRssMiB),
          mib(data.endRssMiB),
          `${mib(data.peakRssMiB)} (VmHWM)`,
          `${trend(data.rssTrendMiBPerMinute)} after 10 s`,
          'memory kept by V8 and the allocator, not a verdict',
        ],
        [
          `heap after a full GC (MiB)${data.heapCollected ? '' : ' — **no GC available**'}`,
          mib(data.heapStartMiB),
          mib(data.heapEndMiB),
          `median ${mib(heapMedian)}`,
          `${trend(data.heapTrendMiBPerMinute)} (${perThousand.toFixed(0)} KiB per 1,000 requests)`,
          data.growing
            ? `**grows** (> ${GROWTH_THRESHOLD * 100}%)`
            : `steady (within ${GROWTH_THRESHOLD * 100}%)`,
        ],
      ],
    ),
  ].join('\n');
}
