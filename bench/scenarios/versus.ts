/**
 * The comparison scenarios 2 and 3 share: the gateway (SQLite on disk, on
 * /dev/shm, and PostgreSQL) against oidc-provider (in memory, and SQLite on
 * disk), measured in one run with the sides alternated, and the ratios that
 * pair like with like.
 */
import { alternate, pairedRatio, summarize, type Summary } from '../lib/alternate.js';
import type { AuthServerSide, Lab } from '../lib/lab.js';
import type { LoadResult } from '../lib/load.js';
import { ms, ratio, rps, table } from '../lib/markdown.js';
import type { Plan, Progress } from '../lib/plan.js';

export const SIDE_KEYS = [
  'gateway-disk',
  'gateway-shm',
  'gateway-postgres',
  'oidc-memory',
  'oidc-sqlite',
] as const;
export type SideKey = (typeof SIDE_KEYS)[number];

/**
 * The sides a plan compares: all five, or (quick) the default shapes only:
 * the gateway on SQLite and on PostgreSQL, oidc-provider in memory.
 */
export function sideKeys(plan: Plan): readonly SideKey[] {
  return plan.name === 'quick' ? ['gateway-disk', 'gateway-postgres', 'oidc-memory'] : SIDE_KEYS;
}

/** Starts (or reuses) the servers of the plan's sides, in parallel. */
export async function startSides(lab: Lab, plan: Plan): Promise<Map<SideKey, AuthServerSide>> {
  const start = (key: SideKey): Promise<AuthServerSide> => {
    switch (key) {
      case 'gateway-disk':
        return lab.gatewaySide('disk');
      case 'gateway-shm':
        return lab.gatewaySide('shm');
      case 'gateway-postgres':
        return lab.gatewaySide('postgres');
      case 'oidc-memory':
        return lab.oidcSide('memory');
      case 'oidc-sqlite':
        return lab.oidcSide('sqlite');
    }
  };
  const keys = sideKeys(plan);
  const sides = await Promise.all(keys.map(start));
  return new Map(keys.map((key, i) => [key, sides[i] as AuthServerSide]));
}

/** Which pairs the report shows, gateway first. */
export const PAIRS: readonly { label: string; ours: SideKey; theirs: SideKey }[] = [
  { label: 'same storage kind: SQLite file on disk', ours: 'gateway-disk', theirs: 'oidc-sqlite' },
  { label: 'memory: /dev/shm SQLite vs in-memory', ours: 'gateway-shm', theirs: 'oidc-memory' },
  {
    label: 'defaults: gateway on disk vs oidc-provider in memory',
    ours: 'gateway-disk',
    theirs: 'oidc-memory',
  },
  {
    label: 'replicas: gateway on PostgreSQL vs oidc-provider in memory',
    ours: 'gateway-postgres',
    theirs: 'oidc-memory',
  },
  {
    label: 'durable storage: gateway on PostgreSQL vs oidc-provider on SQLite',
    ours: 'gateway-postgres',
    theirs: 'oidc-sqlite',
  },
];

export interface VersusResult {
  sides: { key: SideKey; label: string; summary: Summary; runs: LoadResult[] }[];
  ratios: { label: string; value: number }[];
  errors: number;
}

/**
 * Warms every side up, then measures them `plan.runs` times, alternated.
 * `measure` runs one burst against one side.
 */
export async function versus(
  sides: Map<SideKey, AuthServerSide>,
  plan: Plan,
  progress: Progress,
  what: string,
  measure: (side: AuthServerSide, warmup: boolean) => Promise<LoadResult>,
): Promise<VersusResult> {
  const get = (key: string): AuthServerSide => {
    const side = sides.get(key as SideKey);
    if (side === undefined) throw new Error(`no side ${key}`);
    return side;
  };
  const keys = [...sides.keys()];
  for (const key of keys) {
    progress(`${what}: warming up ${key}`);
    await measure(get(key), true);
  }
  const measured = await alternate(keys, plan.runs, (key, run) => {
    progress(`${what}: ${key}, run ${run + 1}/${plan.runs}`);
    return measure(get(key), false);
  });
  const runsOf = (key: SideKey): LoadResult[] => measured.get(key) ?? [];
  const result: VersusResult = {
    sides: keys.map((key) => ({
      key,
      label: get(key).label,
      summary: summarize(runsOf(key)),
      runs: runsOf(key),
    })),
    ratios: PAIRS.filter((pair) => sides.has(pair.ours) && sides.has(pair.theirs)).map((pair) => ({
      label: pair.label,
      value: pairedRatio(runsOf(pair.ours), runsOf(pair.theirs)),
    })),
    errors: 0,
  };
  result.errors = result.sides.reduce((sum, s) => sum + s.summary.errors, 0);
  return result;
}

/** The two tables of one comparison. */
export function versusMarkdown(result: VersusResult, target: number): string {
  return [
    table(
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
      result.sides.map((s) => [
        s.label,
        rps(s.summary.rps),
        ms(s.summary.p50),
        ms(s.summary.p99),
        String(s.summary.errors),
      ]),
    ),
    '',
    table(
      ['gateway / oidc-provider throughput', 'ratio', `target ≥ ${target}×`],
      result.ratios.map((r) => [r.label, ratio(r.value), r.value >= target ? 'met' : '**missed**']),
    ),
  ].join('\n');
}

/** How the PostgreSQL side was set up, when the run has one (a sentence, or ''). */
export function postgresNote(lab: Lab, sides: Map<SideKey, AuthServerSide>): string {
  if (!sides.has('gateway-postgres')) return '';
  const commit = lab.sqliteSynchronous === 'full' ? 'on' : 'off';
  return ` PostgreSQL: a throwaway cluster on this machine and file system (Debian's binaries, \`fsync = on\`, \`synchronous_commit = ${commit}\` to match SQLite's level, default pool of 10 connections in the gateway).`;
}
