/**
 * The SQLite adapter: one file holds every record of a local or
 * split-services deployment. Several processes may open the same file at
 * once (the oauth and mcp roles); every atomic operation is therefore decided
 * by a conditional statement inside SQLite, never by state in this process.
 */
import type { Storage } from '../ports.js';
import { SqliteAuditRepository } from './audit-repository.js';
import { SqliteClientRepository } from './client-repository.js';
import { SqliteCodeRepository } from './code-repository.js';
import { SqliteCounterRepository } from './counter-repository.js';
import { SqliteGrantRepository } from './grant-repository.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteSecretRepository } from './secret-repository.js';
import { SqliteSessionRepository } from './session-repository.js';
import { SqliteTokenRepository } from './token-repository.js';
import { SqliteUserRepository } from './user-repository.js';

export interface SqliteStorageOptions {
  /** The database file; created (with its directory, owner-only) when absent. */
  path: string;
}

/**
 * Opens a SQLite file as `Storage`, every port backed by statements prepared
 * once here. Throws `SchemaTooNewError` for a file written by a newer gateway.
 * @see https://www.sqlite.org/wal.html
 */
export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  const db = openSqliteDatabase(options.path);
  try {
    return {
      users: new SqliteUserRepository(db),
      clients: new SqliteClientRepository(db),
      codes: new SqliteCodeRepository(db),
      grants: new SqliteGrantRepository(db),
      tokens: new SqliteTokenRepository(db),
      audit: new SqliteAuditRepository(db),
      secrets: new SqliteSecretRepository(db),
      counters: new SqliteCounterRepository(db),
      sessions: new SqliteSessionRepository(db),
      close: () => {
        if (db.open) {
          db.close();
        }
        return Promise.resolve();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
