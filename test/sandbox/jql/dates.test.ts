import { describe, expect, it } from 'vitest';
import { evaluateDateFunction, parseDateValue } from '../../../src/sandbox/jql/dates.js';
import { textMatches } from '../../../src/sandbox/jql/text-match.js';

// Saturday 2026-01-31 12:00 UTC.
const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

describe('JQL date values', () => {
  it('parses absolute dates in both separators, with an optional time, as UTC', () => {
    expect(iso(parseDateValue('2026-01-15', NOW))).toBe('2026-01-15T00:00:00.000Z');
    expect(iso(parseDateValue('2026/1/5 09:30', NOW))).toBe('2026-01-05T09:30:00.000Z');
  });

  it('rejects impossible dates and times instead of rolling them over', () => {
    expect(parseDateValue('2026-02-30', NOW)).toBeUndefined();
    expect(parseDateValue('2026-01-31 24:00', NOW)).toBeUndefined();
    expect(parseDateValue('2026-01/31', NOW)).toBeUndefined();
    expect(parseDateValue('yesterday', NOW)).toBeUndefined();
  });

  it('parses periods: minutes, hours, days, weeks, calendar months and years, combined', () => {
    expect(iso(parseDateValue('-30m', NOW))).toBe('2026-01-31T11:30:00.000Z');
    expect(iso(parseDateValue('-12h', NOW))).toBe('2026-01-31T00:00:00.000Z');
    expect(iso(parseDateValue('-1w 2d', NOW))).toBe('2026-01-22T12:00:00.000Z');
    expect(iso(parseDateValue('4w 2d', NOW))).toBe('2026-03-02T12:00:00.000Z');
    expect(iso(parseDateValue('-1M', NOW))).toBe('2025-12-31T12:00:00.000Z');
    expect(iso(parseDateValue('+1y', NOW))).toBe('2027-01-31T12:00:00.000Z');
  });
});

describe('JQL date functions', () => {
  it('start and end of day, week (Monday to Sunday), month and year', () => {
    expect(iso(evaluateDateFunction('startOfDay', [], NOW))).toBe('2026-01-31T00:00:00.000Z');
    expect(iso(evaluateDateFunction('endOfDay', [], NOW))).toBe('2026-01-31T23:59:59.999Z');
    expect(iso(evaluateDateFunction('startOfWeek', [], NOW))).toBe('2026-01-26T00:00:00.000Z');
    expect(iso(evaluateDateFunction('endOfWeek', [], NOW))).toBe('2026-02-01T23:59:59.999Z');
    expect(iso(evaluateDateFunction('startOfMonth', [], NOW))).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(evaluateDateFunction('endOfMonth', [], NOW))).toBe('2026-01-31T23:59:59.999Z');
    expect(iso(evaluateDateFunction('startOfYear', [], NOW))).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(evaluateDateFunction('now', [], NOW))).toBe('2026-01-31T12:00:00.000Z');
  });

  it("shifts by an argument in the function's unit, or in the unit it names", () => {
    expect(iso(evaluateDateFunction('startOfDay', ['-1'], NOW))).toBe('2026-01-30T00:00:00.000Z');
    expect(iso(evaluateDateFunction('startOfMonth', ['-1'], NOW))).toBe('2025-12-01T00:00:00.000Z');
    expect(iso(evaluateDateFunction('startOfDay', ['-1w'], NOW))).toBe('2026-01-24T00:00:00.000Z');
  });

  it('rejects a malformed argument and arguments to now()', () => {
    expect(evaluateDateFunction('startOfDay', ['soon'], NOW)).toBeUndefined();
    expect(evaluateDateFunction('now', ['1d'], NOW)).toBeUndefined();
  });
});

describe('JQL text matching (~)', () => {
  it('needs every word, in any order and case', () => {
    expect(textMatches('Order confirmation email sent twice', 'EMAIL order')).toBe(true);
    expect(textMatches('Order confirmation email sent twice', 'email refund')).toBe(false);
  });

  it('matches simple English inflections both ways', () => {
    expect(textMatches('Render saved cards', 'card')).toBe(true);
    expect(textMatches('Address form crashes', 'crash')).toBe(true);
    expect(textMatches('Two edge case', 'cases')).toBe(true);
  });

  it('supports a trailing * as a prefix match and inner quotes as a phrase', () => {
    expect(textMatches('Observability and alerting', 'observ*')).toBe(true);
    expect(textMatches('pay with a saved card', '"saved card"')).toBe(true);
    expect(textMatches('card was saved', '"saved card"')).toBe(false);
  });

  it('matches nothing for an empty query', () => {
    expect(textMatches('anything', '   ')).toBe(false);
  });
});
