import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatJiraDateTime,
  parseDuration,
  parseJiraDateTime,
} from '../../src/sandbox/jira-time.js';

describe('Jira durations (8h day, 5d week)', () => {
  it('parses units, combinations, decimals and bare minutes', () => {
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('2d')).toBe(2 * 8 * 3600);
    expect(parseDuration('1w')).toBe(5 * 8 * 3600);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('90')).toBe(5400);
    expect(parseDuration(' 1W 1D ')).toBe(6 * 8 * 3600);
  });

  it('rejects malformed and non-positive durations', () => {
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('1x')).toBeUndefined();
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('formats largest units first and omits zeros', () => {
    expect(formatDuration(5400)).toBe('1h 30m');
    expect(formatDuration(5 * 8 * 3600 + 3600)).toBe('1w 1h');
    expect(formatDuration(0)).toBe('0m');
  });
});

describe('Jira timestamps', () => {
  it('formats UTC with a +0000 offset and milliseconds', () => {
    expect(formatJiraDateTime(Date.UTC(2026, 0, 15, 10, 23, 45, 123))).toBe(
      '2026-01-15T10:23:45.123+0000',
    );
  });

  it('parses only the strict request format, honouring the offset', () => {
    expect(parseJiraDateTime('2026-01-15T10:23:45.123+0200')).toBe(
      Date.UTC(2026, 0, 15, 8, 23, 45, 123),
    );
    expect(parseJiraDateTime('2026-01-15T10:23:45.123Z')).toBeUndefined();
    expect(parseJiraDateTime('2026-01-15')).toBeUndefined();
  });
});
