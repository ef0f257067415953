import { ToolUsageError } from './tool-definition.js';

/** Jira's default time tracking: a day is 8 hours, a week 5 days. */
const HOUR = 3600;
const DAY = 8 * HOUR;
const WEEK = 5 * DAY;

/** `1w 2d 3h 30m` (any subset, in this order, spaces optional). */
export const DURATION_PATTERN =
  /^\s*(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*m)?\s*$/i;

/**
 * Parses a Jira duration such as `1h 30m` into seconds, with Jira's default
 * working-time units (1d = 8h, 1w = 5d).
 * @see Jira Cloud platform REST API v3, addWorklog (timeSpent)
 */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (match === null || text.trim() === '') {
    throw new ToolUsageError(
      'invalid_arguments',
      `"${text.slice(0, 40)}" is not a duration; write it like "1h 30m", "45m", "2d" or "1w 2d".`,
    );
  }
  const [, w, d, h, m] = match;
  const seconds =
    Number(w ?? 0) * WEEK +
    Number(d ?? 0) * DAY +
    Math.round(Number(h ?? 0) * HOUR) +
    Number(m ?? 0) * 60;
  if (seconds < 60) {
    throw new ToolUsageError('invalid_arguments', 'The time spent must be at least one minute.');
  }
  return seconds;
}
