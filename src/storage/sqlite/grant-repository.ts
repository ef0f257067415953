import type Database from 'better-sqlite3';
import type { GrantRecord, GrantRepository } from '../ports.js';
import { GRANT_COLUMNS, toGrant, toGrantRow, type GrantRow } from '../sql-rows/grant-row.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

/**
 * Grants: one user's consent to one client, the parent of every token issued
 * under it. Revoking the grant ends all of its tokens, because token lookups
 * join the grant.
 * @see RFC 7009 §2.1
 */
export class SqliteGrantRepository implements GrantRepository {
  readonly #insert;
  readonly #get;
  readonly #byUser;
  readonly #all;
  readonly #revoke;
  readonly #touch;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[GrantRow]>(
      `INSERT INTO grants (${GRANT_COLUMNS})
       VALUES (@id, @user_id, @client_id, @scopes, @resource, @created_at, @expires_at,
         @revoked_at, @revoked_reason, @kind, @label, @last_used_at)`,
    );
    this.#get = db.prepare<[string], GrantRow>(`SELECT ${GRANT_COLUMNS} FROM grants WHERE id = ?`);
    this.#byUser = db.prepare<[string], GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE user_id = ? ORDER BY created_at, id`,
    );
    this.#all = db.prepare<[], GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM grants ORDER BY created_at, id`,
    );
    // SET expressions read the row's old values, so the reason is only
    // written together with the first revocation time.
    this.#revoke = db.prepare<[{ id: string; now: number; reason: string }]>(
      `UPDATE grants
       SET revoked_at = coalesce(revoked_at, @now),
           revoked_reason = CASE WHEN revoked_at IS NULL THEN @reason ELSE revoked_reason END
       WHERE id = @id`,
    );
    this.#touch = db.prepare<[{ id: string; now: number; floor: number }]>(
      `UPDATE grants SET last_used_at = @now
       WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @floor)`,
    );
  }

  create(grant: GrantRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run(toGrantRow(grant));
    });
  }

  get(id: string): Promise<GrantRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(id);
      return row === undefined ? undefined : toGrant(row);
    });
  }

  listByUser(userId: string): Promise<GrantRecord[]> {
    return sqliteCall(() => this.#byUser.all(userId).map(toGrant));
  }

  listAll(): Promise<GrantRecord[]> {
    return sqliteCall(() => this.#all.all().map(toGrant));
  }

  /**
   * Idempotent: a second revocation keeps the first time and reason.
   * @see RFC 7009 §2.2
   */
  revoke(id: string, now: number, reason: string): Promise<boolean> {
    return this.#writer.write(() => this.#revoke.run({ id, now, reason }).changes > 0);
  }

  /**
   * One conditional UPDATE: at most one write per grant per `minIntervalMs`.
   * @see RFC 7662 §2.2 (what a resource server learns of a token's use)
   */
  touch(id: string, now: number, minIntervalMs: number): Promise<void> {
    return this.#writer.write(() => {
      this.#touch.run({ id, now, floor: now - minIntervalMs });
    });
  }
}
