/**
 * How long and how hard the fuzz suites run, and how to replay a failure.
 *
 * By default every property runs a small, fixed number of cases inside a
 * time budget, so the whole fuzz folder stays well under a minute and a half
 * on a 2-core CI machine. The seed changes on every run (fast-check's
 * default), so CI explores new inputs each time; a failure prints the seed
 * and the path of the shrunk counterexample.
 *
 * Environment (test-only, read nowhere in src/):
 * - `FUZZ_SEED=<int>`: fix the seed (replay a CI failure, or compare runs);
 * - `FUZZ_PATH=<path>`: with FUZZ_SEED, replay exactly the reported case
 *   (fast-check's `path`), skipping straight to the shrunk counterexample;
 * - `FUZZ_RUNS=<n>`: cases per property for a longer local run; the time
 *   budget then grows to match (about 1 s per 10 cases, at least the default).
 *
 * Reproduce a CI failure:
 *   FUZZ_SEED=123 FUZZ_PATH="4:1:0" npx vitest run test/fuzz/oauth-endpoints.fuzz.test.ts -t '<test name>'
 * Longer exploration:
 *   FUZZ_RUNS=2000 npx vitest run test/fuzz/
 */
import fc from 'fast-check';

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

const SEED = envInteger('FUZZ_SEED');
const RUNS = envInteger('FUZZ_RUNS');
const PATH = process.env['FUZZ_PATH'];

/** Longest a single request (or tool call) may take before the case counts as a hang. */
export const REQUEST_HANG_MS = 5_000;

export interface FuzzBudget {
  /** Cases per property when FUZZ_RUNS is not set. */
  runs: number;
  /** Wall-clock budget of the property (cases and shrinking) when FUZZ_RUNS is not set. */
  timeMs: number;
}

/** The fast-check parameters of one property. */
export function fuzzParameters<T>(budget: FuzzBudget): fc.Parameters<T> {
  const runs = RUNS ?? budget.runs;
  const timeMs = RUNS === undefined ? budget.timeMs : Math.max(budget.timeMs, RUNS * 100);
  return {
    numRuns: runs,
    ...(SEED === undefined ? {} : { seed: SEED }),
    ...(SEED !== undefined && PATH !== undefined && PATH !== '' ? { path: PATH } : {}),
    // The per-case guard of a hang that still yields to the event loop; a
    // blocked loop is caught by the elapsed-time check of each request.
    // Shrinking runs inside the same budget: an interrupted shrink still
    // reports the smallest counterexample found so far.
    plugins: [fc.timeout(REQUEST_HANG_MS * 2), fc.interruptAfterTimeLimit(timeMs)],
  };
}

/** The vitest timeout of a test that runs one property with `budget`. */
export function fuzzTestTimeout(budget: FuzzBudget): number {
  const timeMs = RUNS === undefined ? budget.timeMs : Math.max(budget.timeMs, RUNS * 100);
  return timeMs + REQUEST_HANG_MS * 6;
}
