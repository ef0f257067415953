import type Database from 'better-sqlite3';
import type { SessionRecord, SessionRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

const COLUMNS = 'id_hash, user_id, created_at, expires_at';

function toSession(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Browser login sessions at the authorization server, stored by the hash of
 * the cookie value.
 * @see RFC 6749 §3.1
 */
export class SqliteSessionRepository implements SessionRepository {
  readonly #insert;
  readonly #get;
  readonly #delete;
  readonly #deleteByUser;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[SessionRow]>(
      `INSERT INTO sessions (${COLUMNS}) VALUES (@id_hash, @user_id, @created_at, @expires_at)`,
    );
    this.#get = db.prepare<[string, number], SessionRow>(
      `SELECT ${COLUMNS} FROM sessions WHERE id_hash = ? AND expires_at > ?`,
    );
    this.#delete = db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?');
    this.#deleteByUser = db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?');
  }

  create(session: SessionRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run({
        id_hash: session.idHash,
        user_id: session.userId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      });
    });
  }

  /** The session when unexpired at `now`; an expired one reads as absent. */
  get(idHash: string, now: number): Promise<SessionRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(idHash, now);
      return row === undefined ? undefined : toSession(row);
    });
  }

  delete(idHash: string): Promise<void> {
    return this.#writer.write(() => {
      this.#delete.run(idHash);
    });
  }

  /**
   * Ends every session of a user, e.g. when the account is disabled or its
   * password changes.
   * @see RFC 6749 §3.1
   */
  deleteByUser(userId: string): Promise<void> {
    return this.#writer.write(() => {
      this.#deleteByUser.run(userId);
    });
  }
}
