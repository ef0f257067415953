/**
 * `npm run bench:lambda`: the size of each Lambda function's bundle and how
 * long Node takes to import it cold, printed as the Markdown table of the
 * "Lambda bundles" section of BENCHMARKS.md.
 *
 * Each bundle is built with the CDK app's own esbuild options
 * (infra/lambda-bundling.ts: ESM, minified, node22 target, AWS SDK bundled,
 * only `@node-rs/argon2` external) into node_modules/.cache/lambda-bundles/,
 * where the native module resolves from the repository's node_modules. The
 * import time is that of a fresh `node` process running
 * `await import('./index.mjs')`: module evaluation only, since the handlers
 * build their app lazily on the first invocation. Median of 5 runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, REPO_ROOT } from '../infra/lambda-bundling.js';
import type { GatewayFunction } from '../infra/routes.js';

const RUNS = 5;
const OUT_DIR = path.join(REPO_ROOT, 'node_modules/.cache/lambda-bundles');
const IMPORT_SCRIPT =
  "const t0 = performance.now(); await import('./index.mjs'); console.log((performance.now() - t0).toFixed(1))";

interface Row {
  fn: GatewayFunction;
  bytes: number;
  gzipBytes: number;
  inputs: number;
  importMs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

async function measure(fn: GatewayFunction): Promise<Row> {
  const dir = path.join(OUT_DIR, fn);
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, 'index.mjs');
  const result = await build({ ...esbuildOptions(fn, outfile), absWorkingDir: REPO_ROOT });
  const code = readFileSync(outfile);
  const importMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
      cwd: dir,
      encoding: 'utf8',
    });
    importMs.push(Number(out.trim()));
  }
  return {
    fn,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile?.inputs ?? {}).length,
    importMs,
  };
}

async function main(): Promise<void> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const rows: Row[] = [];
  for (const fn of ['oauth', 'mcp'] as const) rows.push(await measure(fn));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Machine: ${availableParallelism()} CPUs (nproc), ${cpu}; Node ${process.version}; esbuild ${
      (
        JSON.parse(
          readFileSync(path.join(REPO_ROOT, 'node_modules/esbuild/package.json'), 'utf8'),
        ) as {
          version: string;
        }
      ).version
    }; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end of the run.`,
    '',
    '| function | entry | bundle (bytes) | bundle (KiB) | gzip -9 (KiB) | modules bundled | cold import, median of 5 (ms) | all 5 runs (ms) |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.fn} | \`src/entry/lambda-${r.fn}.ts\` | ${r.bytes} | ${kib(r.bytes)} | ${kib(r.gzipBytes)} | ${r.inputs} | ${median(r.importMs).toFixed(1)} | ${r.importMs.map((ms) => ms.toFixed(1)).join(', ')} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
