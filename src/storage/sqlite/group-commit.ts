/**
 * Group commit for one SQLite connection: the writes made during one turn of
 * the event loop share one transaction, committed when the turn ends.
 *
 * Why: a commit, not the statement, is most of what a small write costs
 * (writing the changed pages to the WAL, and now and then a checkpoint with
 * an fsync). A token request makes several writes (consume the code, create
 * the grant, store the tokens, audit); with many requests in flight,
 * committing them together makes each one cheaper without weakening what a
 * caller is told: a write's promise settles only after the transaction that
 * holds it has committed, so no response is sent on the strength of a write
 * that could still be lost to a crash of the process.
 *
 * The rules that keep this safe:
 * - A write runs at once, synchronously, inside the open transaction (begun
 *   `IMMEDIATE`, so the write lock is taken before the first write and an
 *   atomic `consume…`/`rotate…` decision is still made by one statement that
 *   no other connection can interleave with).
 * - A write that fails is undone by SQLite alone (a statement rolls back on
 *   error; multi-statement work uses better-sqlite3 transaction functions,
 *   which become savepoints inside the open transaction) and rejects only its
 *   own promise. If SQLite had to abandon the whole transaction (I/O error,
 *   disk full), every write of the batch is rejected.
 * - A failed COMMIT rolls the batch back and rejects every write in it.
 * - Reads do not wait: on this connection they already see the batch.
 * - `flush()` commits at once; closing the storage calls it first.
 * - Before a batch begins, the open batches of every other connection in
 *   this process are committed: SQLite allows one writer per file, and a
 *   second connection of the same process (a CLI command or test next to a
 *   server) would otherwise wait for a lock that only this thread, which it
 *   blocks, could release.
 * @see https://www.sqlite.org/lang_transaction.html
 * @see https://www.sqlite.org/lang_savepoint.html
 * @see https://www.sqlite.org/wal.html
 */
import type Database from 'better-sqlite3';
import { translateSqliteError } from './sqlite-call.js';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Thrown to the writes of a batch that SQLite (or a failed commit) rolled back. */
export class BatchRolledBackError extends Error {
  constructor(cause: unknown) {
    super('the storage transaction was rolled back', { cause });
    this.name = 'BatchRolledBackError';
  }
}

export class GroupCommit {
  /** The instances of this process with a batch open. */
  static readonly #open = new Set<GroupCommit>();

  /** Commits every open batch of this process (before opening another connection's write). */
  static flushAll(): void {
    for (const batch of [...GroupCommit.#open]) batch.flush();
  }

  readonly #db: Database.Database;
  #waiters: Waiter[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** A failed COMMIT whose ROLLBACK failed too: the open transaction must never commit. */
  #poisoned = false;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Runs `work` (synchronous driver calls that write) in the current batch.
   * Its promise resolves with `work`'s result once the batch has committed,
   * or rejects with `BatchRolledBackError` if the batch is lost. When `work`
   * itself fails, the promise rejects at once with its error (a uniqueness
   * violation as `ConflictError`), and nothing of it is kept.
   */
  write<T>(work: () => T): Promise<T> {
    try {
      this.#begin();
    } catch (error) {
      return Promise.reject(translateSqliteError(error));
    }
    let result: T;
    try {
      result = work();
    } catch (error) {
      if (!this.#db.inTransaction) {
        // SQLite abandoned the whole transaction: nothing of this batch is kept.
        this.#settle(new BatchRolledBackError(error));
      }
      return Promise.reject(translateSqliteError(error));
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiters.push({
        resolve: () => {
          resolve(result);
        },
        reject,
      });
    });
  }

  /** Commits the open batch now (before closing, or where a caller cannot wait a turn). */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    this.#commit();
  }

  #begin(): void {
    if (this.#scheduled !== undefined) {
      if (this.#db.inTransaction && !this.#poisoned) return;
      // The batch's transaction ended without a COMMIT from here (SQLite
      // rolled it back after a failed read, say): reject its writes first.
      this.flush();
    }
    GroupCommit.flushAll();
    if (this.#db.inTransaction) {
      // Left open by a failed commit whose rollback failed too: its writes
      // were rejected, so it is rolled back, never committed. If that fails
      // again, this write fails with it.
      this.#db.exec('ROLLBACK');
      this.#poisoned = false;
      GroupCommit.#open.delete(this);
    }
    this.#db.exec('BEGIN IMMEDIATE');
    GroupCommit.#open.add(this);
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      this.#commit();
    });
  }

  #commit(): void {
    if (!this.#db.inTransaction) {
      this.#poisoned = false;
      // No batch, or its transaction ended without us: then its writes are lost.
      if (this.#waiters.length > 0) {
        this.#settle(new BatchRolledBackError(new Error('the transaction ended before COMMIT')));
      } else {
        GroupCommit.#open.delete(this);
      }
      return;
    }
    if (this.#poisoned) {
      this.#rollback();
      this.#settle(new BatchRolledBackError(new Error('an earlier COMMIT failed')));
      return;
    }
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#rollback();
      this.#settle(new BatchRolledBackError(error));
      return;
    }
    this.#settle(undefined);
  }

  /** Rolls the open transaction back; if that fails, marks it never to be committed. */
  #rollback(): void {
    if (!this.#db.inTransaction) return;
    try {
      this.#db.exec('ROLLBACK');
      this.#poisoned = false;
    } catch {
      // Reported through the waiters' BatchRolledBackError; the next write retries it.
      this.#poisoned = true;
    }
  }

  #settle(error: Error | undefined): void {
    if (!this.#db.inTransaction) GroupCommit.#open.delete(this);
    const waiters = this.#waiters;
    this.#waiters = [];
    if (error !== undefined && this.#scheduled !== undefined && !this.#db.inTransaction) {
      // The batch is gone; the next write begins a new one.
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
