/**
 * What every administrative command shares: its shape, how it marks the
 * audit events it records, and how it prints tables safely.
 */
import type { Config } from '../config/config.js';
import type { parseCommand } from './args.js';
import type { CliIo } from './io.js';
import type { LocalRuntime } from './runtime.js';

export interface AdminCommand {
  /** `group verb`, e.g. `user add`; a single word for a command without verbs (`purge`). */
  name: string;
  usage: string;
  summary: string;
  /** More for the command's own `--help`: options, effects, what to do next. */
  details?: string;
  options: Parameters<typeof parseCommand>[1];
  /** Number of required positional arguments. */
  arity: number;
  run(
    rt: LocalRuntime,
    args: string[],
    values: Record<string, string | boolean | undefined>,
    io: CliIo,
    config: Config,
  ): Promise<number>;
}

/** The origin recorded on audit events that an administrator caused from the CLI. */
export const CLI_ORIGIN = { ip: 'cli' } as const;

/**
 * An ISO 8601 time, or `-` when there is none.
 * @see https://www.rfc-editor.org/rfc/rfc3339
 */
export function date(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

// C0/C1 controls and bidi overrides. Client names and audit detail come from
// the network (dynamic client registration, failed logins); printed raw they
// could drive the operator's terminal (ANSI escapes) or reorder what it shows.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Shows unprintable characters as `\uXXXX`, which also reads back from a JSON string.
 * @see https://www.unicode.org/reports/tr9/
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Left-aligned columns, two spaces apart, every cell made printable.
 * @see https://www.unicode.org/reports/tr9/
 */
export function table(cells: string[][]): string {
  if (cells.length === 0) return '';
  const rows = cells.map((r) => r.map(printable));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
