import { ConfigError, loadConfig, SETTINGS_HELP, type Config } from '../config/config.js';
import { UsageError } from './args.js';
import { runAdminCommand, ADMIN_COMMANDS } from './admin-commands.js';
import { runServe, SERVE_USAGE } from './serve.js';

/** Where a command reads and writes; the real process or a test. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

export const PROGRAM = 'jira-mcp-gateway';

function settingsTable(): string {
  const width = Math.max(...SETTINGS_HELP.map(([name]) => name.length));
  return SETTINGS_HELP.map(
    ([name, meaning, fallback]) => `  ${name.padEnd(width)}  ${meaning} (default: ${fallback})`,
  ).join('\n');
}

export const MAIN_USAGE = `Usage: ${PROGRAM} <command> [options]

A remote MCP server for Jira behind its own OAuth 2.1 authorization server.

Commands:
  serve [--role all|oauth|mcp]      run the gateway (default command of npm start)
${ADMIN_COMMANDS.map((c) => `  ${c.usage.padEnd(32)}  ${c.summary}`).join('\n')}

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
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(MAIN_USAGE);
      return command === undefined ? 2 : 0;
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
      io.stderr(`${PROGRAM}: ${error.message}\nRun '${PROGRAM} ${command ?? ''} --help' for usage.\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`${PROGRAM}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Loads configuration for a command from the environment and its flags. */
export function configFor(io: CliIo, flags: Record<string, string>): Config {
  return loadConfig(io.env, flags);
}
