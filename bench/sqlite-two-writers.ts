/**
 * Two processes writing one SQLite file through the adapter (group commit),
 * as `serve --role oauth` and `serve --role mcp` do when they share a file:
 * does each get its share, and how long does a write wait at worst?
 *
 *   node --import tsx bench/sqlite-two-writers.ts [--seconds 5] [--work-us 0,50,200]
 *
 * Each process runs 8 concurrent writers appending audit events; before
 * each write a writer spends `work-us` microseconds of CPU, standing for the
 * rest of a request (parsing, JSON, HTTP). 0 is the worst case: processes
 * that do nothing but write. Prints one line per process and setting.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSqliteStorage } from '../src/storage/sqlite/open-sqlite-storage.js';

interface Outcome {
  perSecond: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

async function writeFor(file: string, seconds: number, workUs: number): Promise<Outcome> {
  const storage = openSqliteStorage({ path: file });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const work = (): void => {
    const until = performance.now() + workUs / 1000;
    while (performance.now() < until) {
      // stands for the CPU a request spends outside storage
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async (_, writer) => {
      for (let i = 0; performance.now() < end; i += 1) {
        work();
        const started = performance.now();
        try {
          await storage.audit.append({
            id: `aud_${String(process.pid)}_${String(writer)}_${String(i)}`,
            at: Date.now(),
            type: 'tool.called',
            outcome: 'success',
            detail: { tool: 'jira_get_issue' },
          });
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  await storage.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.floor(latencies.length * q)] ?? 0;
  return {
    perSecond: Math.round((latencies.length - errors) / seconds),
    errors,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      'work-us': { type: 'string', default: '0,50,200' },
    },
  });
  const seconds = Number(values.seconds);
  if (values.child !== undefined) {
    const [file, workUs] = values.child.split('|');
    const outcome = await writeFor(String(file), seconds, Number(workUs));
    process.send?.(outcome);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  for (const workUs of values['work-us'].split(',').map(Number)) {
    const dir = mkdtempSync(path.join(tmpdir(), 'jmg-two-writers-'));
    const file = path.join(dir, 'shared.db');
    // Create and migrate the file once, before the two processes race.
    await openSqliteStorage({ path: file }).close();
    const outcomes = await Promise.all(
      [1, 2].map(
        (n) =>
          new Promise<Outcome & { process: number }>((resolve, reject) => {
            const child = fork(
              self,
              ['--child', `${file}|${String(workUs)}`, '--seconds', String(seconds)],
              {
                execArgv: ['--import', 'tsx'],
              },
            );
            child.once('message', (m) => {
              resolve({ process: n, ...(m as Outcome) });
            });
            child.once('error', reject);
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    for (const o of outcomes) {
      process.stdout.write(
        `work ${String(workUs)} µs/write, process ${String(o.process)}: ${String(o.perSecond)} writes/s, ` +
          `p50 ${o.p50.toFixed(2)} ms, p99 ${o.p99.toFixed(2)} ms, max ${o.max.toFixed(1)} ms, errors ${String(o.errors)}\n`,
      );
    }
  }
}

await main();
