/**
 * `node --import tsx bench/lambda-lazy-kms.ts [runs]`: what loading the AWS
 * Encryption SDK on first use (src/entry/lambda-cipher.ts) saves at a Lambda
 * cold start. Each function's real bundle ("lazy") is compared with the same
 * bundle whose entry also imports the KMS cipher statically ("eager", the
 * shape before the lazy cipher). Both are built with the CDK app's esbuild
 * options; each run is a fresh `node` process importing one bundle, and the
 * runs alternate between the variants so machine load hits both alike. The
 * figure is the process's CPU time (user + system) spent in the import,
 * which a loaded machine distorts less than wall time. Median of `runs`
 * (default 11).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES, REPO_ROOT } from '../infra/lambda-bundling.js';
import type { GatewayFunction } from '../infra/routes.js';

const RUNS = Number(process.argv[2] ?? 11);
const OUT_DIR = path.join(REPO_ROOT, 'node_modules/.cache/lambda-lazy-kms');
const IMPORT_SCRIPT =
  "const c0 = process.cpuUsage(); await import('./index.mjs'); const c = process.cpuUsage(c0); console.log(((c.user + c.system) / 1000).toFixed(1))";

type Variant = 'lazy' | 'eager';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function bundle(fn: GatewayFunction, variant: Variant): Promise<number> {
  const dir = path.join(OUT_DIR, `${fn}-${variant}`);
  mkdirSync(dir, { recursive: true });
  let entry = LAMBDA_ENTRIES[fn];
  if (variant === 'eager') {
    entry = path.join(OUT_DIR, `${fn}-eager-entry.ts`);
    writeFileSync(
      entry,
      `export * from ${JSON.stringify(LAMBDA_ENTRIES[fn])};\nexport { createKmsCipher } from ${JSON.stringify(path.join(REPO_ROOT, 'src/crypto/kms-cipher.ts'))};\n`,
    );
  }
  const outfile = path.join(dir, 'index.mjs');
  await build({
    ...esbuildOptions(fn, outfile),
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    metafile: false,
  });
  return statSync(outfile).size;
}

function importCpuMs(fn: GatewayFunction, variant: Variant): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
    cwd: path.join(OUT_DIR, `${fn}-${variant}`),
    encoding: 'utf8',
  });
  return Number(out.trim());
}

const rows: string[] = [];
for (const fn of ['oauth', 'mcp'] as const) {
  const bytes = { lazy: await bundle(fn, 'lazy'), eager: await bundle(fn, 'eager') };
  const times: Record<Variant, number[]> = { lazy: [], eager: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const variant of ['lazy', 'eager'] as const) times[variant].push(importCpuMs(fn, variant));
  }
  for (const variant of ['lazy', 'eager'] as const) {
    rows.push(
      `| ${fn} | ${variant} | ${String(bytes[variant])} | ${median(times[variant]).toFixed(1)} | ${times[variant].join(', ')} |`,
    );
  }
}
console.log(
  `Node ${process.version}; ${String(RUNS)} runs per variant; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at the end.\n`,
);
console.log('| function | KMS SDK | bundle (bytes) | import CPU, median (ms) | all runs (ms) |');
console.log('|---|---|---:|---:|---|');
for (const row of rows) console.log(row);
