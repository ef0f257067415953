import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/mcp/tools/worklog-duration.js';

describe('jira_add_worklog durations (Jira time tracking units)', () => {
  it('reads w/d/h/m with 1d = 8h and 1w = 5d', () => {
    expect(parseDuration('1h 30m')).toBe(5_400);
    expect(parseDuration('45m')).toBe(2_700);
    expect(parseDuration('2d')).toBe(57_600);
    expect(parseDuration('1w 1d 1h 1m')).toBe(144_000 + 28_800 + 3_600 + 60);
    expect(parseDuration('1.5h')).toBe(5_400);
  });

  it('refuses text that is not a duration, and less than a minute', () => {
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration');
    expect(() => parseDuration('30m 1h')).toThrow('is not a duration');
    expect(() => parseDuration('0m')).toThrow('at least one minute');
  });
});
