import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from '../../src/jira/retry.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('Retry-After parsing (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120);
  });

  it('reads an IMF-fixdate relative to now, rounding up', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', NOW)).toBe(5);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', NOW + 500)).toBe(5);
  });

  it('treats a date in the past as zero', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores absent and malformed values', () => {
    for (const value of [null, '', 'soon', '-1', '1.5', '5 s', '2026-01-01']) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});

describe('Exponential backoff with jitter', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 10_000 };

  it('doubles the step and keeps the wait within [step/2, step]', () => {
    expect([0, 1, 2, 3].map((r) => backoffDelayMs(r, { ...options, random: () => 0 }))).toEqual([
      250, 500, 1000, 2000,
    ]);
    expect(
      [0, 1, 2, 3].map((r) => backoffDelayMs(r, { ...options, random: () => 0.9999 })),
    ).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(20, { ...options, random: () => 0.9999 })).toBe(10_000);
  });

  it('retries only 429 and 503', () => {
    expect([400, 404, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 503]);
  });
});
