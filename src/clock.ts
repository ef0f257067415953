/**
 * Time source, injected everywhere expiry is decided so tests move time
 * instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real wall clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and benchmarks. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Whole seconds since the epoch, as OAuth's `exp`/`iat` use. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
