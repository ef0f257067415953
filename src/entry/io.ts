import { loadConfig, type Config } from '../config/config.js';

/** Where a command reads and writes; the real process or a test. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

export { PROGRAM } from './args.js';

/** Loads configuration for a command from the environment and its flags. */
export function configFor(io: CliIo, flags: Record<string, string>): Config {
  return loadConfig(io.env, flags);
}
