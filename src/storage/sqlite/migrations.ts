/**
 * The SQLite schema as an ordered list of steps. `PRAGMA user_version` holds
 * how many steps a database file has applied. Steps are append-only: a step
 * that has shipped is never edited, a change is a new step at the end.
 *
 * The layout of every table is documented in `docs/storage-schema.md`.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** What the step does, for error messages and the schema doc. */
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'initial schema',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
        created_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE clients (
        client_id                  TEXT PRIMARY KEY,
        kind                       TEXT NOT NULL CHECK (kind IN ('oauth', 'resource_server')),
        secret_hash                TEXT,
        secret_expires_at          INTEGER,
        client_name                TEXT,
        redirect_uris              TEXT NOT NULL CHECK (json_valid(redirect_uris)),
        grant_types                TEXT NOT NULL CHECK (json_valid(grant_types)),
        response_types             TEXT NOT NULL CHECK (json_valid(response_types)),
        token_endpoint_auth_method TEXT NOT NULL
          CHECK (token_endpoint_auth_method IN ('none', 'client_secret_basic', 'client_secret_post')),
        scope                      TEXT,
        client_uri                 TEXT,
        logo_uri                   TEXT,
        source                     TEXT NOT NULL CHECK (source IN ('dcr', 'cli', 'cimd')),
        created_at                 INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE authorization_codes (
        code_hash      TEXT PRIMARY KEY,
        client_id      TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        resource       TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        grant_id       TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        consumed_at    INTEGER
      ) STRICT;

      CREATE TABLE grants (
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        resource       TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        revoked_at     INTEGER,
        revoked_reason TEXT
      ) STRICT;
      CREATE INDEX grants_by_user ON grants (user_id);
      CREATE INDEX grants_by_client ON grants (client_id);

      CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
        grant_id   TEXT NOT NULL REFERENCES grants (id),
        client_id  TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        scopes     TEXT NOT NULL,
        resource   TEXT NOT NULL,
        issued_at  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        rotated_at INTEGER
      ) STRICT;
      CREATE INDEX tokens_by_grant ON tokens (grant_id);

      CREATE TABLE audit_events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        at         INTEGER NOT NULL,
        type       TEXT NOT NULL,
        outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
        user_id    TEXT,
        username   TEXT,
        client_id  TEXT,
        grant_id   TEXT,
        request_id TEXT,
        ip         TEXT,
        detail     TEXT CHECK (detail IS NULL OR json_valid(detail))
      ) STRICT;
      CREATE INDEX audit_events_by_time ON audit_events (at);
      -- The trail must survive a compromised or buggy caller: the database
      -- itself refuses to rewrite history.
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        ciphertext BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE counters (
        key        TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    description: 'login sessions',
    sql: `
      CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user_id);
    `,
  },
  // Steps 3-5 are reserved while three changes land in parallel; each is
  // replaced by its real step (an unused reservation becomes a no-op step).
  {
    description: 'RESERVED-3 refresh-token successors',
    sql: ``,
  },
  {
    description: 'RESERVED-4 audit chain and purge',
    sql: ``,
  },
  {
    description: 'RESERVED-5 users from an OpenID provider',
    sql: ``,
  },
];

/** Thrown when a database file was written by a newer version of this code. */
export class SchemaTooNewError extends Error {
  constructor(fileVersion: number, knownVersion: number) {
    super(
      `database schema version ${fileVersion} is newer than this code supports (${knownVersion}); upgrade the gateway`,
    );
    this.name = 'SchemaTooNewError';
  }
}

function userVersion(db: Database.Database): number {
  const value = db.pragma('user_version', { simple: true });
  if (typeof value !== 'number') {
    throw new Error('PRAGMA user_version did not return a number');
  }
  return value;
}

/**
 * Brings the file up to the newest schema and returns how many steps it
 * applied. Each step runs in its own IMMEDIATE transaction together with the
 * `user_version` bump, so a failed step leaves no trace, and the version is
 * re-read under the write lock, so two processes opening a fresh file at the
 * same moment do not both apply a step. A file newer than `migrations` is
 * refused rather than used with a schema this code does not understand.
 * @see https://www.sqlite.org/pragma.html#pragma_user_version
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const initial = userVersion(db);
  if (initial > migrations.length) {
    throw new SchemaTooNewError(initial, migrations.length);
  }
  let applied = 0;
  migrations.forEach((migration, index) => {
    const target = index + 1;
    const step = db.transaction(() => {
      const current = userVersion(db);
      if (current > migrations.length) {
        throw new SchemaTooNewError(current, migrations.length);
      }
      if (current >= target) {
        return false;
      }
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new Error(`migration ${target} (${migration.description}) failed`, { cause: error });
      }
      // user_version lives in the file header, which is written through the
      // same transaction, so it commits or rolls back with the step.
      db.pragma(`user_version = ${target}`);
      return true;
    });
    if (step.immediate()) {
      applied += 1;
    }
  });
  return applied;
}
