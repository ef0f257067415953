import type { Pool } from 'pg';
import type { ExternalIdentity, UserRecord, UserRepository } from '../ports.js';
import { changes, conflictOr, rows } from './postgres-client.js';
import {
  USER_COLUMNS,
  toUser as toUserRecord,
  type UserRow as SqlUserRow,
} from '../sql-rows/user-row.js';

/** PostgreSQL returns the BOOLEAN `disabled` column as a JavaScript boolean. */
type UserRow = SqlUserRow<boolean>;

function toUser(row: UserRow): UserRecord {
  return toUserRecord(row, row.disabled);
}

/**
 * Accounts in `users`; the UNIQUE constraints (username, id, the
 * (issuer, subject) pair) decide a race between two replicas creating one account.
 * @see docs/storage-schema.md#postgresql
 */
export class PostgresUserRepository implements UserRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async create(user: UserRecord): Promise<void> {
    try {
      await this.#pool.query(
        `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          user.id,
          user.username,
          user.passwordHash,
          user.disabled,
          user.createdAt,
          user.identity?.issuer ?? null,
          user.identity?.subject ?? null,
          user.email ?? null,
          user.name ?? null,
        ],
      );
    } catch (error) {
      conflictOr(error, 'username, user id or identity taken');
    }
  }

  async getById(id: string): Promise<UserRecord | undefined> {
    const [row] = await rows<UserRow>(
      this.#pool,
      `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
      [id],
    );
    return row === undefined ? undefined : toUser(row);
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const [row] = await rows<UserRow>(
      this.#pool,
      `SELECT ${USER_COLUMNS} FROM users WHERE username = $1`,
      [username],
    );
    return row === undefined ? undefined : toUser(row);
  }

  async getByIdentity(identity: ExternalIdentity): Promise<UserRecord | undefined> {
    const [row] = await rows<UserRow>(
      this.#pool,
      `SELECT ${USER_COLUMNS} FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`,
      [identity.issuer, identity.subject],
    );
    return row === undefined ? undefined : toUser(row);
  }

  async list(): Promise<UserRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    return (
      await rows<UserRow>(
        this.#pool,
        `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, id COLLATE "C"`,
      )
    ).map(toUser);
  }

  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return (
      (await changes(this.#pool, 'UPDATE users SET disabled = $1 WHERE username = $2', [
        disabled,
        username,
      ])) > 0
    );
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    return (
      (await changes(this.#pool, 'UPDATE users SET password_hash = $1 WHERE username = $2', [
        passwordHash,
        username,
      ])) > 0
    );
  }

  async count(): Promise<number> {
    const [row] = await rows<{ n: number }>(this.#pool, 'SELECT count(*) AS n FROM users');
    return row?.n ?? 0;
  }
}
