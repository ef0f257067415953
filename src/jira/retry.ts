/**
 * When to retry a Jira call and how long to wait first.
 */

/** Waits `ms` milliseconds; injected so tests never really wait. */
export type Sleep = (ms: number) => Promise<void>;

/**
 * The real sleep.
 * @see RFC 9110 §10.2.3
 */
export const REAL_SLEEP: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Parses `Retry-After` as delay-seconds or an HTTP-date, relative to `nowMs`.
 * Returns whole seconds (never negative), or `undefined` when absent or
 * malformed, so a garbled header falls back to our own backoff.
 * @see RFC 9110 §10.2.3
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  // Only the IMF-fixdate family has a comma after the weekday; Date.parse
  // would otherwise accept odd strings like "5 s" as dates.
  if (!/^[A-Za-z]{3,9},/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export interface BackoffOptions {
  /** The first retry waits around this long. */
  baseDelayMs: number;
  /** No single wait exceeds this. */
  maxDelayMs: number;
  /** Uniform in [0, 1); injected for deterministic tests. */
  random: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential step plus a
 * random half, so synchronized clients spread out but never retry at once.
 * `retry` is 0 for the first retry.
 * @see RFC 9110 §15.5.30 (429), §15.6.4 (503)
 */
export function backoffDelayMs(retry: number, options: BackoffOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + options.random() * (step / 2));
}

/**
 * Statuses Jira uses for "not now, try again": rate limited and overloaded.
 * @see RFC 9110 §15.5.30, §15.6.4
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}
