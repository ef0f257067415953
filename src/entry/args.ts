import { parseArgs, type ParseArgsConfig } from 'node:util';
import { flagToKey } from '../config/config.js';

/** The program name used in usage and error messages. */
export const PROGRAM = 'jira-mcp-gateway';

/** Flags every command accepts: they override the matching environment variable. */
export const CONFIG_FLAGS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
  'log-level': { type: 'string' },
  role: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  /** Config overrides from flags, keyed like environment variables. */
  configFlags: Record<string, string>;
}

/** A mistake in how the command was called: usage is printed, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses argv with strict flags; unknown flags are a {@link UsageError}. */
export function parseCommand(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...CONFIG_FLAGS, ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const configFlags: Record<string, string> = {};
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const flag of Object.keys(CONFIG_FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') configFlags[flagToKey(flag)] = value;
  }
  return {
    positionals: parsed.positionals,
    values,
    configFlags,
  };
}
