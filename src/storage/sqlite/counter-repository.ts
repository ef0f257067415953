import type Database from 'better-sqlite3';
import type { CounterRepository, CounterReservation } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

/**
 * Fixed-window counters for rate limits and login throttling. The window
 * starts at the first increment and ends at the `expiresAt` given then; an
 * increment at or after that end starts a new window at 1.
 * @see RFC 6585 §4
 */
export class SqliteCounterRepository implements CounterRepository {
  readonly #increment;
  readonly #reserve;
  readonly #current;
  readonly #release;
  readonly #get;
  readonly #reset;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    // One upsert, so concurrent increments (from any process) never lose a count.
    this.#increment = db
      .prepare<[{ key: string; now: number; expires_at: number }], number>(
        `INSERT INTO counters (key, count, expires_at) VALUES (@key, 1, @expires_at)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN counters.expires_at <= @now THEN 1 ELSE counters.count + 1 END,
           expires_at = CASE WHEN counters.expires_at <= @now
                             THEN excluded.expires_at ELSE counters.expires_at END
         RETURNING count`,
      )
      .pluck();
    // The same upsert, but the update happens only while the window has room:
    // the check and the add are one statement under the write lock, so no
    // number of concurrent callers (in any process) can pass the limit.
    this.#reserve = db.prepare<
      [{ key: string; now: number; expires_at: number; limit: number }],
      { count: number; expires_at: number }
    >(
      `INSERT INTO counters (key, count, expires_at) VALUES (@key, 1, @expires_at)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN counters.expires_at <= @now THEN 1 ELSE counters.count + 1 END,
         expires_at = CASE WHEN counters.expires_at <= @now
                           THEN excluded.expires_at ELSE counters.expires_at END
       WHERE counters.expires_at <= @now OR counters.count < @limit
       RETURNING count, expires_at`,
    );
    this.#current = db.prepare<[string], { count: number; expires_at: number }>(
      'SELECT count, expires_at FROM counters WHERE key = ?',
    );
    this.#release = db.prepare<[{ key: string; window_end: number }]>(
      `UPDATE counters SET count = count - 1
       WHERE key = @key AND expires_at = @window_end AND count > 0`,
    );
    this.#get = db.prepare<[string, number], { count: number; expires_at: number }>(
      'SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?',
    );
    this.#reset = db.prepare<[string]>('DELETE FROM counters WHERE key = ?');
  }

  increment(key: string, now: number, expiresAt: number): Promise<number> {
    return this.#writer.write(() => {
      const count = this.#increment.get({ key, now, expires_at: expiresAt });
      if (count === undefined) {
        // An upsert with RETURNING always yields the row it wrote.
        throw new Error('counter upsert returned no row');
      }
      return count;
    });
  }

  /** One conditional upsert; a refusal reads the full window in the same transaction. */
  reserve(key: string, now: number, expiresAt: number, limit: number): Promise<CounterReservation> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Promise.reject(new RangeError('limit must be a positive integer'));
    }
    return this.#writer.write((): CounterReservation => {
      const row = this.#reserve.get({ key, now, expires_at: expiresAt, limit });
      if (row !== undefined) return { reserved: true, count: row.count, expiresAt: row.expires_at };
      const full = this.#current.get(key);
      if (full === undefined) {
        // The upsert only skips a row that exists; nothing deletes it in between.
        throw new Error('counter reservation found no row');
      }
      return { reserved: false, count: full.count, expiresAt: full.expires_at };
    });
  }

  release(key: string, windowEnd: number): Promise<void> {
    return this.#writer.write(() => {
      this.#release.run({ key, window_end: windowEnd });
    });
  }

  /** The current window; an expired one reads as absent. */
  get(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(key, now);
      return row === undefined ? undefined : { count: row.count, expiresAt: row.expires_at };
    });
  }

  reset(key: string): Promise<void> {
    return this.#writer.write(() => {
      this.#reset.run(key);
    });
  }
}
