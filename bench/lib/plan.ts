/**
 * How long and how hard each scenario runs. The full plan keeps the whole
 * benchmark near ten minutes on two cores; the quick plan is a smoke run
 * that only proves the harness still works.
 */
export interface Plan {
  name: 'full' | 'quick';
  /** Measured runs per side (results are medians over them). */
  runs: number;
  /**
   * Runs per side in scenario 1, whose two sides differ by a few percent:
   * more, shorter pairs keep a burst of someone else's work on a shared
   * machine from deciding the ratio.
   */
  overheadRuns: number;
  /** Length of a throughput burst in scenario 1. */
  overheadSeconds: number;
  /** Concurrent connections of a throughput burst. */
  connections: number;
  warmupSeconds: number;
  /** Length of a throughput burst. */
  seconds: number;
  /** Length of a single-connection (unloaded latency) burst in scenario 1. */
  latencySeconds: number;
  /** Requests of a token-endpoint warm-up (single-use credentials, so a count). */
  warmupAmount: number;
  /** Scenario 5's sustained load, and the warm-up before it (the heap settles first). */
  memorySeconds: number;
  memoryWarmupSeconds: number;
  /** Dances per run in scenario 4. */
  dances: number;
  /** Distinct bearer tokens scenario 1 and 3 cycle through. */
  tokenPool: number;
}

export const FULL_PLAN: Plan = {
  name: 'full',
  runs: 3,
  overheadRuns: 12,
  overheadSeconds: 2,
  connections: 8,
  warmupSeconds: 3,
  seconds: 5,
  latencySeconds: 1,
  warmupAmount: 1000,
  memorySeconds: 60,
  memoryWarmupSeconds: 15,
  dances: 40,
  tokenPool: 50,
};

export const QUICK_PLAN: Plan = {
  name: 'quick',
  runs: 1,
  overheadRuns: 1,
  overheadSeconds: 1,
  connections: 4,
  warmupSeconds: 0.5,
  seconds: 1,
  latencySeconds: 0.5,
  warmupAmount: 50,
  memorySeconds: 3,
  memoryWarmupSeconds: 0.5,
  dances: 2,
  tokenPool: 5,
};

/** What every scenario hands back: its part of the report and its raw numbers. */
export interface ScenarioReport {
  id: number;
  title: string;
  /** Markdown (### level and below) for BENCHMARKS.md. */
  markdown: string;
  /** Load averages (1, 5, 15 min) when the scenario started and ended. */
  loadBefore: number[];
  loadAfter: number[];
  seconds: number;
  /** Every number the markdown shows, for bench/results/*.json. */
  data: unknown;
  /** Requests that failed (non-2xx or connection errors) in measured runs. */
  errors: number;
}

/** Prints progress to stderr (stdout is kept for the report in --quick mode). */
export type Progress = (line: string) => void;
