/**
 * The benchmark entry: `npm run bench` (node --import tsx bench/run.ts).
 *
 *   --quick          a short smoke run; prints the report, writes nothing
 *   --scenario N     only scenario N (repeatable: --scenario 2 --scenario 3)
 *   --json FILE      also write the raw results of this run to FILE
 *   --no-write       do not update BENCHMARKS.md and bench/results/latest.json
 *   --profile        write V8 CPU profiles of the servers to bench/profiles/
 *   --render-only    measure nothing; rewrite BENCHMARKS.md from bench/results/latest.json
 *
 * Scenarios: 1 authorization overhead, 2 token endpoint, 3 introspection,
 * 4 the whole dance, 5 memory (runs right after 1 when both are chosen).
 * See bench/README.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab } from './lib/lab.js';
import {
  FULL_PLAN,
  QUICK_PLAN,
  type Plan,
  type Progress,
  type ScenarioReport,
} from './lib/plan.js';
import { describeMachine, renderBlock, writeSection, type Results } from './lib/report.js';
import { BENCH_ROOT } from './lib/server-process.js';
import { authorizationOverhead } from './scenarios/authorization-overhead.js';
import { wholeDance } from './scenarios/dance.js';
import { introspectionEndpoint } from './scenarios/introspection.js';
import { memory } from './scenarios/memory.js';
import { tokenEndpoint } from './scenarios/token-endpoint.js';
import { startSides } from './scenarios/versus.js';

type Scenario = (lab: Lab, plan: Plan, progress: Progress) => Promise<ScenarioReport>;

/** In the order they run: memory follows scenario 1 while its processes are warm. */
const SCENARIOS: readonly [number, Scenario][] = [
  [1, authorizationOverhead],
  [5, memory],
  [2, tokenEndpoint],
  [3, introspectionEndpoint],
  [4, wholeDance],
];

const SCENARIO_ONE_VARIANTS = ['all', 'all-open', 'mcp-cache', 'mcp-nocache', 'mcp-open'] as const;

/**
 * Starts every server the chosen scenarios use, before any is measured:
 * all of them then run the code of one moment, even when the working tree
 * changes during the run (and startup costs no scenario any time).
 */
async function startServers(lab: Lab, plan: Plan, ids: ReadonlySet<number>): Promise<void> {
  const starting: Promise<unknown>[] = [];
  if (ids.has(1) || ids.has(5)) starting.push(...SCENARIO_ONE_VARIANTS.map((v) => lab.gateway(v)));
  if (ids.has(2) || ids.has(3)) starting.push(startSides(lab, plan));
  if (ids.has(4)) starting.push(lab.gateway('all'));
  await Promise.all(starting);
}

const RESULTS_FILE = path.join(BENCH_ROOT, 'results', 'latest.json');
const BENCHMARKS_FILE = path.resolve(BENCH_ROOT, '..', 'BENCHMARKS.md');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true },
      json: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      'sqlite-synchronous': { type: 'string', default: 'full' },
    },
  });
  if (values['render-only']) {
    const saved = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
    writeSection(BENCHMARKS_FILE, renderBlock(saved));
    return 0;
  }
  const sqliteSynchronous = values['sqlite-synchronous'];
  if (sqliteSynchronous !== 'full' && sqliteSynchronous !== 'normal') {
    throw new Error('--sqlite-synchronous is full or normal');
  }
  const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
  const chosen = new Set((values.scenario ?? []).map(Number));
  for (const id of chosen) {
    if (!SCENARIOS.some(([n]) => n === id)) throw new Error(`no scenario ${String(id)} (1-5)`);
  }
  const selected = SCENARIOS.filter(([id]) => chosen.size === 0 || chosen.has(id));
  const write = !values.quick && !values['no-write'];
  const progress: Progress = (line) =>
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

  const machine = describeMachine();
  const loadAtStart = loadavg();
  const load = loadAtStart[0] ?? 0;
  progress(
    `${plan.name} plan, scenarios ${selected.map(([id]) => id).join(', ')}; load average ${load.toFixed(2)} on ${machine.cpus} cores`,
  );
  if (load > machine.cpus)
    progress('warning: the machine is busy; absolute numbers will be pessimistic');

  let cpuProfileDir: string | undefined;
  if (values.profile) {
    cpuProfileDir = path.join(
      BENCH_ROOT,
      'profiles',
      new Date().toISOString().replace(/[:.]/g, '-'),
    );
    mkdirSync(cpuProfileDir, { recursive: true });
  }
  const lab = new Lab({
    sqliteSynchronous,
    ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
  });
  const reports: ScenarioReport[] = [];
  const failed: number[] = [];
  try {
    progress('starting the servers under test');
    await startServers(lab, plan, new Set(selected.map(([id]) => id)));
    for (const [id, scenario] of selected) {
      try {
        reports.push(await scenario(lab, plan, progress));
      } catch (error) {
        // The other scenarios' numbers are still worth keeping.
        failed.push(id);
        progress(
          `scenario ${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  } finally {
    await lab.close();
  }

  const previous: Results | undefined =
    write && existsSync(RESULTS_FILE)
      ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results)
      : undefined;
  const results: Results = {
    machine,
    plan: plan.name,
    loadAtStart,
    scenarios: { ...(previous?.scenarios ?? {}) },
  };
  const finishedAt = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  for (const report of reports) {
    results.scenarios[String(report.id)] = { ...report, finishedAt, sqliteSynchronous };
  }

  const thisRun: Results = {
    machine,
    plan: plan.name,
    loadAtStart,
    scenarios: Object.fromEntries(
      reports.map((r) => [String(r.id), { ...r, finishedAt, sqliteSynchronous }]),
    ),
  };
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(thisRun, null, 2));
  if (write) {
    mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2));
    writeSection(BENCHMARKS_FILE, renderBlock(results));
    progress(
      `wrote ${path.relative(process.cwd(), BENCHMARKS_FILE)} and ${path.relative(process.cwd(), RESULTS_FILE)}`,
    );
  } else {
    process.stdout.write(`${renderBlock(thisRun)}\n`);
  }
  if (cpuProfileDir !== undefined) progress(`CPU profiles in ${cpuProfileDir}`);
  const errors = reports.reduce((sum, r) => sum + r.errors, 0);
  if (errors > 0) progress(`${errors} requests failed during measured runs`);
  if (failed.length > 0) progress(`scenarios that did not finish: ${failed.join(', ')}`);
  return errors > 0 || failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
