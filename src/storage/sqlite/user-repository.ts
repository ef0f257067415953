import type Database from 'better-sqlite3';
import type { ExternalIdentity, UserRecord, UserRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';
import {
  USER_COLUMNS,
  toUser as toUserRecord,
  type UserRow as SqlUserRow,
} from '../sql-rows/user-row.js';

/** SQLite has no BOOLEAN: `disabled` is stored as INTEGER 0/1. */
type UserRow = SqlUserRow<number>;

function toUser(row: UserRow): UserRecord {
  return toUserRecord(row, row.disabled === 1);
}

/**
 * Accounts in the `users` table: local ones, and people from an OpenID
 * provider (unique by `oidc_issuer`, `oidc_subject`). Usernames are unique
 * as given (byte for byte); normalising them is the accounts module's decision.
 * @see docs/storage-schema.md#users
 */
export class SqliteUserRepository implements UserRepository {
  readonly #insert;
  readonly #byId;
  readonly #byUsername;
  readonly #byIdentity;
  readonly #all;
  readonly #setDisabled;
  readonly #setPasswordHash;
  readonly #count;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[UserRow]>(
      `INSERT INTO users (${USER_COLUMNS})
       VALUES (@id, @username, @password_hash, @disabled, @created_at,
               @oidc_issuer, @oidc_subject, @email, @display_name)`,
    );
    this.#byId = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
    this.#byUsername = db.prepare<[string], UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE username = ?`,
    );
    this.#byIdentity = db.prepare<[string, string], UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`,
    );
    this.#all = db.prepare<[], UserRow>(
      `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, id`,
    );
    this.#setDisabled = db.prepare<[number, string]>(
      'UPDATE users SET disabled = ? WHERE username = ?',
    );
    this.#setPasswordHash = db.prepare<[string, string]>(
      'UPDATE users SET password_hash = ? WHERE username = ?',
    );
    this.#count = db.prepare<[], number>('SELECT count(*) FROM users').pluck();
  }

  create(user: UserRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        disabled: user.disabled ? 1 : 0,
        created_at: user.createdAt,
        oidc_issuer: user.identity?.issuer ?? null,
        oidc_subject: user.identity?.subject ?? null,
        email: user.email ?? null,
        display_name: user.name ?? null,
      });
    });
  }

  getById(id: string): Promise<UserRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#byId.get(id);
      return row === undefined ? undefined : toUser(row);
    });
  }

  getByUsername(username: string): Promise<UserRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#byUsername.get(username);
      return row === undefined ? undefined : toUser(row);
    });
  }

  getByIdentity(identity: ExternalIdentity): Promise<UserRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#byIdentity.get(identity.issuer, identity.subject);
      return row === undefined ? undefined : toUser(row);
    });
  }

  list(): Promise<UserRecord[]> {
    return sqliteCall(() => this.#all.all().map(toUser));
  }

  setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return this.#writer.write(() => this.#setDisabled.run(disabled ? 1 : 0, username).changes > 0);
  }

  setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    return this.#writer.write(() => this.#setPasswordHash.run(passwordHash, username).changes > 0);
  }

  count(): Promise<number> {
    return sqliteCall(() => this.#count.get() ?? 0);
  }
}
