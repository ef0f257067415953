import type Database from 'better-sqlite3';
import type { CounterRepository } from '../ports.js';
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
