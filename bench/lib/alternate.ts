/**
 * Measures several sides of a comparison in one run, interleaved: run 1 in
 * order A B C, run 2 in order C B A, and so on. Whatever else the machine
 * is doing drifts over minutes; interleaving spreads that drift over every
 * side instead of charging it to whichever ran last.
 */
import type { LoadResult } from './load.js';
import { median } from './stats.js';

/** Calls `measure` for every side, `runs` times, alternating the order. */
export async function alternate<T>(
  sides: readonly string[],
  runs: number,
  measure: (side: string, run: number) => Promise<T>,
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(sides.map((side) => [side, []]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const value = await measure(side, run);
      results.get(side)?.push(value);
    }
  }
  return results;
}

/** The medians of several bursts of one side. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Summed over all bursts. */
  errors: number;
  requests: number;
  runs: number;
}

export function summarize(results: readonly LoadResult[]): Summary {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    requests: results.reduce((sum, r) => sum + r.ok, 0),
    runs: results.length,
  };
}

/**
 * The median over runs of `a[i].rps / b[i].rps`: each ratio compares two
 * bursts measured back to back.
 */
export function pairedRatio(a: readonly LoadResult[], b: readonly LoadResult[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x !== undefined && y !== undefined && y.rps > 0) ratios.push(x.rps / y.rps);
  }
  return median(ratios);
}
