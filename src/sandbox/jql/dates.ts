/**
 * JQL date values and date functions. The sandbox's users all live in UTC,
 * so absolute dates and day/week/month boundaries are UTC. Weeks start on
 * Monday (ISO 8601). Relative periods use calendar units (a week is 7
 * days), unlike time tracking's 5-day working week.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Jira's message for an unparseable date. */
export function invalidDateMessage(value: string, field: string): string {
  return (
    `Date value '${value}' for field '${field}' is invalid. Valid formats include: ` +
    "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
  );
}

const ABSOLUTE = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;
const PERIOD_PART = /(\d+)\s*([yMwWdDhHm])/g;
const PERIOD = /^([+-]?)\s*((?:\d+\s*[yMwWdDhHm]\s*)+)$/;

/**
 * Parses a JQL date value: `yyyy-MM-dd`, `yyyy/MM/dd`, either with ` HH:mm`,
 * or a period relative to `now` such as `-7d`, `-2w`, `-12h`, `4w 2d`, `-1M`.
 * Returns epoch milliseconds, or undefined when the value is not a date.
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Created
 */
export function parseDateValue(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  const absolute = ABSOLUTE.exec(trimmed);
  if (absolute !== null) {
    const [, y, , mo, d, h, mi] = absolute;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0)] as const;
    const ms = Date.UTC(...parts);
    const back = new Date(ms);
    // Date.UTC rolls 2026-02-31 over to March; Jira rejects it, so do we.
    const valid =
      back.getUTCFullYear() === parts[0] &&
      back.getUTCMonth() === parts[1] &&
      back.getUTCDate() === parts[2] &&
      parts[3] < 24;
    return valid ? ms : undefined;
  }
  const period = PERIOD.exec(trimmed);
  if (period === null) return undefined;
  const sign = period[1] === '-' ? -1 : 1;
  return shift(now, period[2] ?? '', sign);
}

/** Moves `from` by a period text like `4w 2d`, forward (1) or back (-1). */
function shift(from: number, periodText: string, sign: number): number {
  let at = from;
  for (const match of periodText.matchAll(PERIOD_PART)) {
    const amount = Number(match[1]) * sign;
    const unit = match[2] ?? 'd';
    at = shiftUnit(at, amount, unit);
  }
  return at;
}

function shiftUnit(at: number, amount: number, unit: string): number {
  const date = new Date(at);
  switch (unit) {
    case 'y':
      date.setUTCFullYear(date.getUTCFullYear() + amount);
      return date.getTime();
    case 'M':
      date.setUTCMonth(date.getUTCMonth() + amount);
      return date.getTime();
    case 'w':
    case 'W':
      return at + amount * 7 * DAY;
    case 'd':
    case 'D':
      return at + amount * DAY;
    case 'h':
    case 'H':
      return at + amount * HOUR;
    default:
      return at + amount * MINUTE;
  }
}

export const DATE_FUNCTIONS = new Set([
  'now',
  'startofday',
  'endofday',
  'startofweek',
  'endofweek',
  'startofmonth',
  'endofmonth',
  'startofyear',
  'endofyear',
]);

const FUNCTION_UNITS: Record<string, string> = { day: 'd', week: 'w', month: 'M', year: 'y' };

/**
 * Evaluates `now()`, `startOfDay()`, `endOfWeek("-1")` and friends. The
 * optional argument shifts the result, in the function's own unit unless
 * it names one (`startOfDay(-1w)`). Returns undefined for a bad argument.
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-functions/#startOfDay--
 */
export function evaluateDateFunction(
  name: string,
  args: readonly string[],
  now: number,
): number | undefined {
  const lower = name.toLowerCase();
  if (lower === 'now') return args.length === 0 ? now : undefined;
  const match = /^(start|end)of(day|week|month|year)$/.exec(lower);
  if (match === null || args.length > 1) return undefined;
  const [, edge, unitName] = match;
  const unit = FUNCTION_UNITS[unitName ?? ''] ?? 'd';
  let base = now;
  const arg = args[0];
  if (arg !== undefined) {
    const shifted = /^([+-]?)(\d+)([yMwdhm]?)$/.exec(arg.trim());
    if (shifted === null) return undefined;
    const amount = Number(shifted[2]) * (shifted[1] === '-' ? -1 : 1);
    base = shiftUnit(
      now,
      amount,
      shifted[3] === '' || shifted[3] === undefined ? unit : shifted[3],
    );
  }
  const start = startOf(base, unitName ?? 'day');
  return edge === 'start' ? start : startOf(shiftUnit(start, 1, unit), unitName ?? 'day') - 1;
}

function startOf(at: number, unitName: string): number {
  const date = new Date(at);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (unitName) {
    case 'week': {
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      return dayStart - sinceMonday * DAY;
    }
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(date.getUTCFullYear(), 0, 1);
    default:
      return dayStart;
  }
}
