import type { Pool } from 'pg';
import type { SessionRecord, SessionRepository } from '../ports.js';
import { rows } from './postgres-client.js';

interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/**
 * Browser login sessions at the authorization server, stored by the hash of
 * the cookie value; any replica can read a session another one created.
 * @see RFC 6749 §3.1
 */
export class PostgresSessionRepository implements SessionRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async create(session: SessionRecord): Promise<void> {
    await this.#pool.query(
      'INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [session.idHash, session.userId, session.createdAt, session.expiresAt],
    );
  }

  /** The session when unexpired at `now`; an expired one reads as absent. */
  async get(idHash: string, now: number): Promise<SessionRecord | undefined> {
    const [row] = await rows<SessionRow>(
      this.#pool,
      `SELECT id_hash, user_id, created_at, expires_at FROM sessions
       WHERE id_hash = $1 AND expires_at > $2`,
      [idHash, now],
    );
    return row === undefined
      ? undefined
      : {
          idHash: row.id_hash,
          userId: row.user_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        };
  }

  async delete(idHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  /**
   * Ends every session of a user, e.g. when the account is disabled or its
   * password changes.
   * @see RFC 6749 §3.1
   */
  async deleteByUser(userId: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }
}
