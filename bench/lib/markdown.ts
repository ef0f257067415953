/** Markdown tables and number formats for the report. */

/** A GitHub-flavoured Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Requests per second, whole. */
export const rps = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';

/** Milliseconds with two decimals. */
export const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Milliseconds with three decimals (microsecond resolution). */
export const ms3 = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');

/** A signed difference in milliseconds. */
export const deltaMs = (n: number): string =>
  Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}` : 'n/a';

/** A ratio such as 0.93× or 1.52×. */
export const ratio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

/** A share as a percentage with one decimal. */
export const percent = (n: number): string =>
  Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : 'n/a';

/** Load averages as "a / b / c". */
export const loads = (values: readonly number[]): string =>
  values.map((v) => v.toFixed(2)).join(' / ');
