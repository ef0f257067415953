/**
 * Group commit for one SQLite connection: the writes asked for during one
 * turn of the event loop run together, in one transaction, when the turn
 * ends.
 *
 * Why: a commit, not the statement, is most of what a small write costs
 * (writing the changed pages to the WAL, with `synchronous = FULL` an fsync,
 * and now and then a checkpoint). A token request makes several writes
 * (consume the code, create the grant, store the tokens, audit); with many
 * requests in flight, committing them together makes each one cheaper
 * without weakening what a caller is told: a write's promise resolves only
 * after the transaction that holds it has committed, so no response is sent
 * on the strength of a write that could still be lost to a crash.
 *
 * How:
 * - `write(work)` queues `work` (synchronous driver calls) and returns at
 *   once. At the end of the turn (`setImmediate`) the queue runs in order
 *   between `BEGIN IMMEDIATE` and `COMMIT`, in one synchronous stretch: the
 *   write lock is held only while the batch runs, never across turns, so
 *   other processes writing the same file get their turn as before, and
 *   reads never see uncommitted rows.
 * - Atomic `consume…`/`rotate…` decisions are still made by one statement
 *   (or savepoint) under the write lock, so one caller wins across
 *   processes.
 * - A `work` that throws rejects only its own promise; the rest of its
 *   batch commits. What it wrote is undone when the failure is SQLite's (a
 *   statement rolls back on error; the repositories' multi-statement work
 *   uses better-sqlite3 transaction functions, which become savepoints
 *   here). A `work` must not catch a SQLite error and go on, nor throw
 *   after a statement succeeded: that statement would stay, as it would
 *   have in autocommit.
 * - If SQLite abandons the whole transaction (I/O error, disk full), or
 *   `COMMIT` fails, every write of the batch is rejected and nothing of it
 *   is kept. A transaction found open at the start of a batch (left by a
 *   rollback that failed) is rolled back, never committed.
 * - `flush()` runs the queue at once; closing the storage calls it first.
 * @see https://www.sqlite.org/lang_transaction.html
 * @see https://www.sqlite.org/lang_savepoint.html
 * @see https://www.sqlite.org/wal.html
 */
import type Database from 'better-sqlite3';
import { translateSqliteError } from './sqlite-call.js';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
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
  readonly #db: Database.Database;
  #queue: Queued[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** True while a batch runs: a `flush()` from inside it must not start another. */
  #running = false;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Runs `work` (synchronous driver calls that write) in this turn's batch.
   * Resolves with `work`'s result once the batch has committed; rejects with
   * `work`'s own error (a uniqueness violation as `ConflictError`), or with
   * `BatchRolledBackError` when the batch is lost.
   */
  write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= setImmediate(() => {
        this.#scheduled = undefined;
        this.#run();
      });
    });
  }

  /**
   * Runs and commits the queued writes now (before closing the connection).
   * Called from inside a batch (by a `work`), it does nothing: that batch
   * commits when it ends, and writes queued meanwhile run in the next one.
   */
  flush(): void {
    if (this.#running) return;
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    this.#run();
  }

  #run(): void {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#running = true;
    try {
      this.#runBatch(batch);
    } finally {
      this.#running = false;
    }
  }

  #runBatch(batch: Queued[]): void {
    try {
      // Left open by a failed rollback: what it holds was already rejected.
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      const failure = translateSqliteError(error);
      for (const queued of batch) queued.reject(failure);
      return;
    }
    const done: { queued: Queued; value: unknown }[] = [];
    const failed: { queued: Queued; error: Error }[] = [];
    for (const [index, queued] of batch.entries()) {
      let cause: unknown;
      try {
        done.push({ queued, value: queued.work() });
      } catch (error) {
        cause = error;
        failed.push({ queued, error: translateSqliteError(error) });
      }
      if (!this.#db.inTransaction) {
        // SQLite abandoned the transaction: the writes so far are gone, and
        // the ones after are not run.
        const lost = new BatchRolledBackError(cause ?? new Error('the transaction ended early'));
        for (const rest of batch.slice(index + 1)) rest.reject(lost);
        settle(done, failed, lost);
        return;
      }
    }
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      try {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      } catch {
        // The next batch rolls it back before it begins.
      }
      settle(done, failed, new BatchRolledBackError(error));
      return;
    }
    settle(done, failed, undefined);
  }
}

/**
 * Settles a batch's writes: each failed one with its own error; the others
 * with their results, or with `lost` when the batch did not commit.
 */
function settle(
  done: readonly { queued: Queued; value: unknown }[],
  failed: readonly { queued: Queued; error: Error }[],
  lost: BatchRolledBackError | undefined,
): void {
  for (const d of done) {
    if (lost === undefined) d.queued.resolve(d.value);
    else d.queued.reject(lost);
  }
  for (const f of failed) f.queued.reject(f.error);
}
