/**
 * Scenario 1: what the token check costs a tool call. `tools/call
 * jira_get_issue` against the sandbox, through the full gateway, against
 * the same app whose token check always succeeds; for the in-process check
 * and for introspection with its cache on and off. Each side is measured
 * under load (throughput, p50, p99 at `connections`) and alone (one
 * connection: the latency the check adds to a single call).
 */
import { z } from 'zod';
import { alternate, pairedRatio, summarize, type Summary } from '../lib/alternate.js';
import { ISSUE_KEY } from '../lib/constants.js';
import type { Lab, GatewayVariant } from '../lib/lab.js';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/load.js';
import type { Plan, Progress, ScenarioReport } from '../lib/plan.js';
import { expectOk, toolCall } from '../lib/requests.js';
import { median, percentile } from '../lib/stats.js';
import { overheadMarkdown } from './authorization-overhead-report.js';
import { finishReport, startClock } from './report-parts.js';

interface Comparison {
  label: string;
  checked: GatewayVariant;
  open: GatewayVariant;
}

const COMPARISONS: readonly Comparison[] = [
  { label: 'in-process check (`serve`, one process)', checked: 'all', open: 'all-open' },
  { label: 'introspection, cache on (15 s)', checked: 'mcp-cache', open: 'mcp-open' },
  { label: 'introspection, cache off', checked: 'mcp-nocache', open: 'mcp-open' },
  // Two processes with no check at all: how far apart two sides measure
  // when nothing differs but the process (the noise floor of the ratios).
  {
    label: 'control: no check on either side (`all` vs `mcp` role)',
    checked: 'all-open',
    open: 'mcp-open',
  },
];

interface SideRuns {
  loaded: LoadResult[];
  single: LoadResult[];
  /** p50 and p99 of the check's own duration inside the server, per run (ms). */
  checkLoaded: Percentiles[];
  checkSingle: Percentiles[];
}

interface Percentiles {
  p50: number;
  p99: number;
  count: number;
}

function percentilesOf(durations: number[]): Percentiles {
  const sorted = [...durations].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
}

const medianOf = (runs: readonly Percentiles[], key: 'p50' | 'p99'): number =>
  median(runs.map((r) => r[key]));

export interface OverheadRow {
  label: string;
  checked: { loaded: Summary; single: Summary };
  open: { loaded: Summary; single: Summary };
  /** Median over runs of checked/open throughput. */
  throughputRatio: number;
  /** 1 − throughputRatio. */
  cost: number;
  addedP50: number;
  addedP99: number;
  addedSingleP50: number;
  addedSingleP99: number;
  /** The check's own duration inside the gateway (ms): medians over runs of p50/p99. */
  check: {
    loaded: { p50: number; p99: number };
    single: { p50: number; p99: number };
    count: number;
  };
  openCheck: { loaded: { p50: number; p99: number } };
  /** Throughput of every loaded run, in the order measured. */
  runRps: { checked: number[]; open: number[] };
}

/** A generator of tool calls cycling through a pool of bearer tokens. */
export function toolCalls(tokens: readonly string[]): () => LoadRequest {
  let i = 0;
  return () => {
    i += 1;
    return toolCall(tokens[i % tokens.length] ?? '', i);
  };
}

const TOOL_RESULT = z.object({
  result: z.object({
    isError: z.boolean().optional(),
    structuredContent: z.object({ key: z.string() }),
  }),
});

/** Whether a `tools/call` answer is the issue itself (not a JSON-RPC or tool error). */
export function isGoodToolResult(body: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return false;
  }
  const parsed = TOOL_RESULT.safeParse(json);
  return (
    parsed.success &&
    parsed.data.result.isError !== true &&
    parsed.data.result.structuredContent.key === ISSUE_KEY
  );
}

/** Runs scenario 1. */
export async function authorizationOverhead(
  lab: Lab,
  plan: Plan,
  progress: Progress,
): Promise<ScenarioReport> {
  const clock = startClock();
  const store = await lab.store('disk');
  const tokens = await store.minter.mint('access', plan.tokenPool);
  const variants = [...new Set(COMPARISONS.flatMap((c) => [c.checked, c.open]))];
  progress(`scenario 1: starting ${variants.length} gateway processes`);
  const servers = new Map(
    await Promise.all(variants.map(async (v) => [v, await lab.gateway(v)] as const)),
  );
  const next = toolCalls(tokens);
  const url = (v: GatewayVariant): string => servers.get(v)?.url ?? '';

  const rows: OverheadRow[] = [];
  let errors = 0;
  for (const comparison of COMPARISONS) {
    const sides = [comparison.checked, comparison.open];
    for (const side of sides) {
      await expectOk(`tools/call on ${side}`, url(side), next(), isGoodToolResult);
      progress(`scenario 1: warming up ${side}`);
      await runLoad({
        url: url(side),
        connections: plan.connections,
        seconds: plan.warmupSeconds,
        next,
      });
    }
    const measured = await alternate<SideRuns>(sides, plan.overheadRuns, async (side, run) => {
      progress(`scenario 1: ${comparison.label}, ${side}, run ${run + 1}/${plan.overheadRuns}`);
      const server = servers.get(side as GatewayVariant);
      if (server === undefined) throw new Error(`no server ${side}`);
      await server.checkTimings();
      const loaded = await runLoad({
        url: server.url,
        connections: plan.connections,
        seconds: plan.overheadSeconds,
        next,
      });
      const checkLoaded = percentilesOf(await server.checkTimings());
      const single = await runLoad({
        url: server.url,
        connections: 1,
        seconds: plan.latencySeconds,
        next,
      });
      const checkSingle = percentilesOf(await server.checkTimings());
      return {
        loaded: [loaded],
        single: [single],
        checkLoaded: [checkLoaded],
        checkSingle: [checkSingle],
      };
    });
    const flat = (side: string): SideRuns => {
      const runs = measured.get(side) ?? [];
      return {
        loaded: runs.flatMap((r) => r.loaded),
        single: runs.flatMap((r) => r.single),
        checkLoaded: runs.flatMap((r) => r.checkLoaded),
        checkSingle: runs.flatMap((r) => r.checkSingle),
      };
    };
    const checked = flat(comparison.checked);
    const open = flat(comparison.open);
    const throughputRatio = pairedRatio(checked.loaded, open.loaded);
    const diff = (a: LoadResult[], b: LoadResult[], key: 'p50' | 'p99'): number =>
      median(a.map((r) => r[key])) - median(b.map((r) => r[key]));
    const row: OverheadRow = {
      label: comparison.label,
      checked: { loaded: summarize(checked.loaded), single: summarize(checked.single) },
      open: { loaded: summarize(open.loaded), single: summarize(open.single) },
      throughputRatio,
      cost: 1 - throughputRatio,
      addedP50: diff(checked.loaded, open.loaded, 'p50'),
      addedP99: diff(checked.loaded, open.loaded, 'p99'),
      addedSingleP50: diff(checked.single, open.single, 'p50'),
      addedSingleP99: diff(checked.single, open.single, 'p99'),
      check: {
        loaded: {
          p50: medianOf(checked.checkLoaded, 'p50'),
          p99: medianOf(checked.checkLoaded, 'p99'),
        },
        single: {
          p50: medianOf(checked.checkSingle, 'p50'),
          p99: medianOf(checked.checkSingle, 'p99'),
        },
        count: [...checked.checkLoaded, ...checked.checkSingle].reduce((n, r) => n + r.count, 0),
      },
      runRps: { checked: checked.loaded.map((r) => r.rps), open: open.loaded.map((r) => r.rps) },
      openCheck: {
        loaded: { p50: medianOf(open.checkLoaded, 'p50'), p99: medianOf(open.checkLoaded, 'p99') },
      },
    };
    errors += row.checked.loaded.errors + row.open.loaded.errors;
    errors += row.checked.single.errors + row.open.single.errors;
    rows.push(row);
  }

  const markdown = overheadMarkdown(rows, plan);

  return finishReport(clock, {
    id: 1,
    title: 'Authorization overhead',
    markdown,
    data: rows,
    errors,
  });
}
