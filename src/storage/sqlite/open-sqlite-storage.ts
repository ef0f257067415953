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
import { GroupCommit } from './group-commit.js';
import { SqliteJiraLinkRepository } from './jira-link-repository.js';
import { SqliteOidcLoginRepository } from './oidc-login-repository.js';
import { openSqliteDatabase, type SqliteSynchronous } from './open-sqlite-database.js';
import { SqlitePurgeRepository } from './purge-repository.js';
import { SqliteSecretRepository } from './secret-repository.js';
import { SqliteSessionRepository } from './session-repository.js';
import { SqliteTokenRepository } from './token-repository.js';
import { SqliteUserRepository } from './user-repository.js';

export interface SqliteStorageOptions {
  /** The database file; created (with its directory, owner-only) when absent. */
  path: string;
  /** Default `full`; see `openSqliteDatabase`. */
  synchronous?: SqliteSynchronous;
}

/**
 * Opens a SQLite file as `Storage`, every port backed by statements prepared
 * once here. Writes are group-committed (see `group-commit.ts`): each write
 * resolves once the transaction holding it has committed. Throws `SchemaTooNewError` for a file written by a newer gateway.
 * @see https://www.sqlite.org/wal.html
 */
export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  const db = openSqliteDatabase(options.path, options.synchronous);
  try {
    const writer = new GroupCommit(db);
    // Reads the schema cookie from the file's first page: a trivial read that
    // still fails when the file is unreadable (I/O error, file replaced).
    const schemaVersion = db.prepare('PRAGMA schema_version').pluck();
    return {
      users: new SqliteUserRepository(db, writer),
      jiraLinks: new SqliteJiraLinkRepository(db, writer),
      oidcLogins: new SqliteOidcLoginRepository(db, writer),
      clients: new SqliteClientRepository(db, writer),
      codes: new SqliteCodeRepository(db, writer),
      grants: new SqliteGrantRepository(db, writer),
      tokens: new SqliteTokenRepository(db, writer),
      audit: new SqliteAuditRepository(db, writer),
      secrets: new SqliteSecretRepository(db, writer),
      counters: new SqliteCounterRepository(db, writer),
      sessions: new SqliteSessionRepository(db, writer),
      purge: new SqlitePurgeRepository(db, writer),
      ping: () => {
        try {
          // Under WAL a reader never waits on the writer, so this cannot stall.
          schemaVersion.get();
          return Promise.resolve();
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      close: () => {
        if (db.open) {
          writer.flush();
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
