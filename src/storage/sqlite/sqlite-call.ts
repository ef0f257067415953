/**
 * better-sqlite3 is synchronous; the ports are asynchronous. This adapts one
 * to the other so that every failure, including a constraint violation,
 * arrives as a rejected promise (never a synchronous throw out of an
 * `async`-typed method) and in the error vocabulary of the ports.
 */
import Database from 'better-sqlite3';
import { ConflictError } from '../ports.js';

const UNIQUENESS_CODES: ReadonlySet<string> = new Set([
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

/**
 * Maps a uniqueness violation to `ConflictError`; other errors pass through.
 * The driver's message names only the table and column, never a value, so
 * it is safe to keep.
 * @see https://www.sqlite.org/rescode.html#constraint_unique
 */
export function translateSqliteError(error: unknown): Error {
  if (error instanceof Database.SqliteError && UNIQUENESS_CODES.has(error.code)) {
    return new ConflictError(error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs synchronous driver work and settles a promise with its result.
 * @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
 */
export function sqliteCall<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(translateSqliteError(error));
  }
}
