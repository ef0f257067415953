/**
 * Jira's two time notations: timestamps like `2026-01-15T10:23:45.123+0000`
 * and durations like `1w 2d 3h 30m`. Durations use Jira's default time
 * tracking settings: a working day is 8 hours and a working week 5 days.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 8 * HOUR;
const WEEK = 5 * DAY;

const UNIT_SECONDS: Record<string, number> = { w: WEEK, d: DAY, h: HOUR, m: MINUTE };

/**
 * Formats epoch milliseconds the way Jira does (UTC, `+0000` offset, millis).
 * @see Jira Cloud REST v3 date-time fields, e.g. `IssueBean.fields.created`
 */
export function formatJiraDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Formats epoch milliseconds as a Jira date (`yyyy-MM-dd`, UTC). */
export function formatJiraDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const JIRA_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})([+-])(\d{2})(\d{2})$/;

/**
 * Parses Jira's strict request timestamp format (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`,
 * e.g. a worklog's `started`). Returns undefined for anything else, because
 * Jira rejects ISO variants such as a `Z` suffix there too.
 * @see Jira Cloud REST v3 `Worklog.started`
 */
export function parseJiraDateTime(value: string): number | undefined {
  const match = JIRA_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, local, sign, hours, minutes] = match;
  const ms = Date.parse(`${local ?? ''}${sign ?? '+'}${hours ?? '00'}:${minutes ?? '00'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const DURATION_PART = /^(\d+(?:\.\d+)?)([wdhm])$/;

/**
 * Parses a duration like `1h 30m`, `2d`, `1.5h` or a bare number of minutes
 * into seconds. Returns undefined when any part is malformed or the total
 * is not positive.
 * @see Jira Cloud REST v3 `Worklog.timeSpent`
 */
export function parseDuration(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const minutes = Number(trimmed);
    return minutes > 0 ? minutes * MINUTE : undefined;
  }
  const parts = trimmed.split(/\s+/);
  let seconds = 0;
  for (const part of parts) {
    const match = DURATION_PART.exec(part.toLowerCase());
    if (match === null) return undefined;
    const [, amount, unit] = match;
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? Number.NaN);
  }
  seconds = Math.round(seconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * Formats seconds as Jira's duration text, largest units first: 5400 → `1h 30m`.
 * @see Jira Cloud REST v3 `TimeTrackingDetails.timeSpent`
 */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds / MINUTE)) * MINUTE;
  const parts: string[] = [];
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  return parts.length === 0 ? '0m' : parts.join(' ');
}
