/**
 * Keeps the benchmark harness from rotting: runs `bench/run.ts --quick`
 * for one scenario (introspection: the gateway on SQLite and on a throwaway
 * PostgreSQL cluster, and oidc-provider, each in its own process, driven by
 * autocannon) and checks that it produced numbers and no failed request.
 * It measures nothing worth reading.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '../..');

const SUMMARY = z.object({
  rps: z.number(),
  p50: z.number(),
  p99: z.number(),
  errors: z.number(),
  requests: z.number(),
  runs: z.number(),
});

const RESULTS = z.object({
  plan: z.literal('quick'),
  machine: z.object({ cpus: z.number().int().positive(), node: z.string() }),
  scenarios: z.object({
    '3': z.object({
      id: z.literal(3),
      errors: z.number(),
      markdown: z.string(),
      loadBefore: z.array(z.number()).length(3),
      data: z.object({
        sides: z.array(z.object({ key: z.string(), label: z.string(), summary: SUMMARY })),
        ratios: z.array(z.object({ label: z.string(), value: z.number() })),
      }),
    }),
  }),
});

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench/run.ts'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench:quick (bench/run.ts --quick --scenario 3)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-bench-smoke-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'measures introspection on the gateway (SQLite, PostgreSQL) and oidc-provider with no failed request',
    // A hang guard: initdb and four processes on a shared two-core machine.
    { timeout: 150_000 },
    async () => {
      const json = path.join(dir, 'results.json');
      const run = await runBench(['--quick', '--scenario', '3', '--json', json]);
      expect(run.stderr).not.toMatch(/bench failed/);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('### 3. Introspection');

      const results = RESULTS.parse(JSON.parse(readFileSync(json, 'utf8')));
      const scenario = results.scenarios['3'];
      expect(scenario.errors).toBe(0);
      expect(scenario.data.sides.map((s) => s.key)).toEqual([
        'gateway-disk',
        'gateway-postgres',
        'oidc-memory',
      ]);
      expect(scenario.data.sides.map((s) => s.label)).toEqual([
        'gateway, SQLite on disk',
        'gateway, PostgreSQL on disk',
        'oidc-provider, in memory',
      ]);
      expect(scenario.markdown).toContain('`synchronous_commit = on`');
      for (const side of scenario.data.sides) {
        expect(side.summary.errors).toBe(0);
        expect(side.summary.requests).toBeGreaterThan(0);
        expect(side.summary.rps).toBeGreaterThan(0);
        expect(side.summary.p50).toBeGreaterThan(0);
        expect(side.summary.p99).toBeGreaterThanOrEqual(side.summary.p50);
      }
      expect(scenario.data.ratios.map((r) => r.label)).toEqual([
        'defaults: gateway on disk vs oidc-provider in memory',
        'replicas: gateway on PostgreSQL vs oidc-provider in memory',
      ]);
      for (const ratio of scenario.data.ratios) expect(ratio.value).toBeGreaterThan(0);
    },
  );
});
