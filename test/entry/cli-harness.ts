import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../src/entry/cli.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../src/storage/ports.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How many times the command read standard input. */
  stdinReads: number;
}

export interface RunOptions {
  /** Standard input; absent means reading it fails the command. */
  stdin?: string;
  /** Extra environment variables (on top of DATA_DIR and LOG_LEVEL). */
  env?: Record<string, string>;
}

/** One fresh DATA_DIR and the CLI run in-process against it. */
export interface CliHarness {
  dir: string;
  databasePath: string;
  run(argv: string[], options?: RunOptions): Promise<CliRun>;
  /** Everything any command printed so far, stdout and stderr. */
  allOutput(): string;
  /**
   * Opens the same SQLite file the commands use, runs `use`, closes it. Each
   * command opens and closes its own connection, so none is held across runs.
   */
  withStorage<T>(use: (storage: Storage) => Promise<T>): Promise<T>;
  /** The bytes of every file in DATA_DIR after folding the WAL into the database. */
  dataBytes(): Buffer;
  close(): void;
}

/** A CLI harness over a fresh temp directory. */
export function createCliHarness(): CliHarness {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-cli-'));
  const databasePath = path.join(dir, 'gateway.db');
  const outputs: string[] = [];
  return {
    dir,
    databasePath,
    async run(argv, options = {}) {
      let stdout = '';
      let stderr = '';
      let stdinReads = 0;
      const code = await runCli(argv, {
        env: { DATA_DIR: dir, LOG_LEVEL: 'silent', ...options.env },
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        readStdin: () => {
          stdinReads += 1;
          return options.stdin === undefined
            ? Promise.reject(new Error('this test gives the command no standard input'))
            : Promise.resolve(options.stdin);
        },
      });
      outputs.push(stdout, stderr);
      return { code, stdout, stderr, stdinReads };
    },
    allOutput: () => outputs.join('\n'),
    async withStorage(use) {
      const storage = openSqliteStorage({ path: databasePath });
      try {
        return await use(storage);
      } finally {
        await storage.close();
      }
    },
    dataBytes() {
      const db = new Database(databasePath);
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      return Buffer.concat(readdirSync(dir).map((name) => readFileSync(path.join(dir, name))));
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How many times `needle` occurs in `haystack`. */
export function occurrences(haystack: string | Buffer, needle: string): number {
  let count = 0;
  let at = haystack.indexOf(needle);
  while (at !== -1) {
    count += 1;
    at = haystack.indexOf(needle, at + 1);
  }
  return count;
}

/**
 * The characters of `text` a terminal would act on instead of showing: C0
 * controls other than newline, DEL, C1 controls and bidi overrides.
 */
export function unprintable(text: string): string[] {
  return Array.from(text).filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && c !== '\n') ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}
