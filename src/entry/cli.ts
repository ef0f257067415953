import { ConfigError, SETTINGS_HELP } from '../config/config.js';
import { MasterKeyError } from '../crypto/master-key.js';
import { SchemaTooNewError } from '../storage/sqlite/migrations.js';
import { PROGRAM, UsageError } from './args.js';
import { runAdminCommand, ADMIN_COMMANDS } from './admin-commands.js';
import { runServe, SERVE_USAGE } from './serve.js';

import type { CliIo } from './io.js';

export { PROGRAM } from './args.js';
export type { CliIo } from './io.js';

/** One line per setting; a setting without a default shows none rather than an empty one. */
function settingsTable(): string {
  const width = Math.max(...SETTINGS_HELP.map(([name]) => name.length));
  return SETTINGS_HELP.map(([name, meaning, fallback]) => {
    // `(all)` in the table reads `(default: all)` here, not `(default: (all))`.
    const value = fallback.trim().replace(/^\((.*)\)$/, '$1');
    const shown = value === '' ? '' : ` (default: ${value})`;
    return `  ${name.padEnd(width)}  ${meaning}${shown}`;
  }).join('\n');
}

const COMMAND_WIDTH = 32;

/** A command and its summary in two columns; a long usage puts its summary on the next line. */
function commandLine(usage: string, summary: string): string {
  return usage.length <= COMMAND_WIDTH
    ? `  ${usage.padEnd(COMMAND_WIDTH)}  ${summary}`
    : `  ${usage}\n  ${' '.repeat(COMMAND_WIDTH)}  ${summary}`;
}

export const MAIN_USAGE = `Usage: ${PROGRAM} <command> [options]

A remote MCP server for Jira behind its own OAuth 2.1 authorization server.

Commands:
${commandLine('serve [--role all|oauth|mcp]', 'run the gateway (what `npm start` runs)')}
${ADMIN_COMMANDS.map((c) => commandLine(c.usage, c.summary)).join('\n')}

Options for every command (each overrides the environment variable of the same name):
  --data-dir DIR  --port N  --host ADDR  --public-url URL  --log-level LEVEL  --role ROLE
  -h, --help      show help for a command

Settings (environment variables):
${settingsTable()}
`;

/**
 * Runs one CLI invocation and returns its exit code: 0 success, 1 failure,
 * 2 usage error. Never prints a secret unless the command exists to show one
 * once (a new client secret, the first admin password).
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      // Called wrongly: usage goes to stderr so it never pollutes piped output.
      io.stderr(MAIN_USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(MAIN_USAGE);
      return 0;
    }
    if (command === 'serve') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout(SERVE_USAGE);
        return 0;
      }
      return await runServe(rest, io);
    }
    return await runAdminCommand(command, rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      // An unknown command has no help of its own; point at the program's.
      const helpFor = isKnownCommand(command)
        ? `${PROGRAM} ${command} --help`
        : `${PROGRAM} --help`;
      io.stderr(`${PROGRAM}: ${error.message}\nRun '${helpFor}' for usage.\n`);
      return 2;
    }
    // The operator can fix these (a setting, the key file's mode, an old
    // binary): say what is wrong instead of failing as an unexpected error.
    if (
      error instanceof ConfigError ||
      error instanceof MasterKeyError ||
      error instanceof SchemaTooNewError
    ) {
      io.stderr(`${PROGRAM}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function isKnownCommand(command: string | undefined): boolean {
  return (
    command === 'serve' ||
    ADMIN_COMMANDS.some(
      (c) => command !== undefined && (c.name === command || c.name.startsWith(`${command} `)),
    )
  );
}
