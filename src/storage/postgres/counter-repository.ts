import type { Pool } from 'pg';
import type { CounterRepository, CounterReservation } from '../ports.js';
import { inTransaction, rows } from './postgres-client.js';

interface WindowRow {
  count: number;
  expires_at: number;
}

const UPSERT = `INSERT INTO counters AS c (key, count, expires_at) VALUES ($1, 1, $3)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN c.expires_at <= $2 THEN 1 ELSE c.count + 1 END,
    expires_at = CASE WHEN c.expires_at <= $2 THEN excluded.expires_at ELSE c.expires_at END`;

/**
 * Fixed-window counters for rate limits and login throttling. The window
 * starts at the first increment and ends at the `expiresAt` given then; an
 * increment at or after that end starts a new window at 1. Every decision
 * is one `INSERT … ON CONFLICT DO UPDATE`: PostgreSQL locks the conflicting
 * row and evaluates the update against its latest committed version, so
 * concurrent callers on any number of replicas queue on the row.
 * @see RFC 6585 §4
 */
export class PostgresCounterRepository implements CounterRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async increment(key: string, now: number, expiresAt: number): Promise<number> {
    const [row] = await rows<WindowRow>(this.#pool, `${UPSERT} RETURNING c.count`, [
      key,
      now,
      expiresAt,
    ]);
    if (row === undefined) throw new Error('counter upsert returned no row');
    return row.count;
  }

  /**
   * The upsert updates only while the window has room (its WHERE is checked
   * under the row lock). A refused upsert still locks the row, so the read
   * of the full window that follows, in the same transaction, reports it
   * as the refusal saw it.
   */
  async reserve(
    key: string,
    now: number,
    expiresAt: number,
    limit: number,
  ): Promise<CounterReservation> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError('limit must be a positive integer');
    }
    return inTransaction(this.#pool, async (tx): Promise<CounterReservation> => {
      const [row] = await rows<WindowRow>(
        tx,
        `${UPSERT} WHERE c.expires_at <= $2 OR c.count < $4 RETURNING c.count, c.expires_at`,
        [key, now, expiresAt, limit],
      );
      if (row !== undefined) return { reserved: true, count: row.count, expiresAt: row.expires_at };
      const [full] = await rows<WindowRow>(
        tx,
        'SELECT count, expires_at FROM counters WHERE key = $1',
        [key],
      );
      if (full === undefined) throw new Error('counter reservation found no row');
      return { reserved: false, count: full.count, expiresAt: full.expires_at };
    });
  }

  async release(key: string, windowEnd: number): Promise<void> {
    await this.#pool.query(
      `UPDATE counters SET count = count - 1
       WHERE key = $1 AND expires_at = $2 AND count > 0`,
      [key, windowEnd],
    );
  }

  /** The current window; an expired one reads as absent. */
  async get(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined> {
    const [row] = await rows<WindowRow>(
      this.#pool,
      'SELECT count, expires_at FROM counters WHERE key = $1 AND expires_at > $2',
      [key, now],
    );
    return row === undefined ? undefined : { count: row.count, expiresAt: row.expires_at };
  }

  async reset(key: string): Promise<void> {
    await this.#pool.query('DELETE FROM counters WHERE key = $1', [key]);
  }
}
