/**
 * Opens one SQLite connection the way every part of the adapter expects it:
 * private file, WAL journal, foreign keys, busy timeout, newest schema.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrations.js';

/** How long a writer waits for another connection's write lock before failing. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * SQLite's `synchronous` level in WAL mode. `full`: the WAL is synced at
 * every commit, so an acknowledged write (a revocation, an audit event)
 * survives power loss; group commit (group-commit.ts) shares that sync among
 * the writes of one turn. `normal`: synced only at checkpoints; it survives a
 * crash of the process, but power loss may undo the last commits.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 */
export type SqliteSynchronous = 'full' | 'normal';

/**
 * Creates the file readable by its owner only before SQLite opens it: it
 * holds password hashes and encrypted secrets. SQLite gives the `-wal` and
 * `-shm` files the same permissions as the database file.
 */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, '', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) {
      throw error;
    }
  }
}

/**
 * Opens (creating and migrating as needed) the database file. WAL lets
 * readers in other processes proceed while one writes; the busy timeout
 * makes concurrent writers queue instead of failing with SQLITE_BUSY;
 * foreign keys are off by default in SQLite and must be enabled per
 * connection. Throws `SchemaTooNewError` for a file written by a newer
 * gateway, and closes the connection on any failure.
 * @see https://www.sqlite.org/wal.html
 * @see https://www.sqlite.org/foreignkeys.html#fk_enable
 */
export function openSqliteDatabase(
  file: string,
  synchronous: SqliteSynchronous = 'full',
): Database.Database {
  createPrivateFile(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    // Migrate (or refuse a newer file) before switching the journal mode, so
    // a refused file is left exactly as it was found.
    applyMigrations(db);
    db.pragma('journal_mode = WAL');
    // Set explicitly: left alone, it would depend on whether this connection
    // created the file (FULL) or found it in WAL mode already (NORMAL).
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
