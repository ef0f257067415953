import type { Pool } from 'pg';
import type { GrantRecord, GrantRepository } from '../ports.js';
import { GRANT_COLUMNS, toGrant, toGrantRow, type GrantRow } from '../sql-rows/grant-row.js';
import { conflictOr, rows } from './postgres-client.js';

/**
 * Grants: one user's consent to one client, the parent of every token issued
 * under it. Revoking the grant ends all of its tokens, because token lookups
 * join the grant, on every replica at once.
 * @see RFC 7009 §2.1
 */
export class PostgresGrantRepository implements GrantRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async create(grant: GrantRecord): Promise<void> {
    const row = toGrantRow(grant);
    try {
      await this.#pool.query(
        `INSERT INTO grants (${GRANT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          row.id,
          row.user_id,
          row.client_id,
          row.scopes,
          row.resource,
          row.created_at,
          row.expires_at,
          row.revoked_at,
          row.revoked_reason,
          row.kind,
          row.label,
          row.last_used_at,
        ],
      );
    } catch (error) {
      conflictOr(error, 'grant id taken');
    }
  }

  async get(id: string): Promise<GrantRecord | undefined> {
    const [row] = await rows<GrantRow>(
      this.#pool,
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE id = $1`,
      [id],
    );
    return row === undefined ? undefined : toGrant(row);
  }

  async listByUser(userId: string): Promise<GrantRecord[]> {
    return (
      await rows<GrantRow>(
        this.#pool,
        `SELECT ${GRANT_COLUMNS} FROM grants WHERE user_id = $1 ORDER BY created_at, id COLLATE "C"`,
        [userId],
      )
    ).map(toGrant);
  }

  async listAll(): Promise<GrantRecord[]> {
    return (
      await rows<GrantRow>(
        this.#pool,
        `SELECT ${GRANT_COLUMNS} FROM grants ORDER BY created_at, id COLLATE "C"`,
      )
    ).map(toGrant);
  }

  /**
   * Idempotent: SET expressions read the row as it was, so the reason is
   * written only with the first revocation time.
   * @see RFC 7009 §2.2
   */
  async revoke(id: string, now: number, reason: string): Promise<boolean> {
    const result = await this.#pool.query(
      `UPDATE grants
       SET revoked_at = coalesce(revoked_at, $2),
           revoked_reason = CASE WHEN revoked_at IS NULL THEN $3 ELSE revoked_reason END
       WHERE id = $1`,
      [id, now, reason],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * One conditional UPDATE: at most one write per grant per `minIntervalMs`.
   * @see RFC 7662 §2.2 (what a resource server learns of a token's use)
   */
  async touch(id: string, now: number, minIntervalMs: number): Promise<void> {
    await this.#pool.query(
      `UPDATE grants SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`,
      [id, now, now - minIntervalMs],
    );
  }
}
