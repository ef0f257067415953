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
  {
    // Refresh tokens presented again within the reuse interval get siblings;
    // the parent remembers which child was exchanged first (see ports.ts).
    description: 'refresh-token parents and successors',
    sql: `
      ALTER TABLE tokens ADD COLUMN parent_hash TEXT;
      ALTER TABLE tokens ADD COLUMN successor_hash TEXT;
    `,
  },
  {
    description: 'audit hash chain, retention anchor, purge indexes',
    sql: `
      -- Events before this step stay unchained: the anchor starts after them.
      ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit_events ADD COLUMN hash TEXT;

      -- One row: the anchor (events up to anchor_seq are purged or predate
      -- the chain; the next one links to anchor_hash) and the head (the
      -- newest event, kept apart from the events so removing the newest ones
      -- is detected).
      CREATE TABLE audit_chain (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        anchor_seq  INTEGER NOT NULL,
        anchor_hash TEXT NOT NULL,
        anchor_at   INTEGER,
        purged      INTEGER NOT NULL,
        head_seq    INTEGER NOT NULL,
        head_hash   TEXT NOT NULL
      ) STRICT;
      INSERT INTO audit_chain (id, anchor_seq, anchor_hash, anchor_at, purged, head_seq, head_hash)
        SELECT 1, COALESCE(MAX(seq), 0), '${'0'.repeat(64)}', NULL, 0,
               COALESCE(MAX(seq), 0), '${'0'.repeat(64)}'
        FROM audit_events;
      CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
        BEGIN SELECT RAISE(ABORT, 'audit_chain is permanent'); END;
      CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE ON audit_chain
        WHEN NEW.anchor_seq < OLD.anchor_seq OR NEW.head_seq < OLD.head_seq
          OR NEW.purged < OLD.purged OR NEW.anchor_seq > NEW.head_seq
        BEGIN SELECT RAISE(ABORT, 'audit_chain only moves forward'); END;

      -- Retention is the one way out of the trail: only events the anchor
      -- already covers may be deleted, and the anchor moves in the same
      -- transaction (src/storage/sqlite/audit-repository.ts).
      DROP TRIGGER audit_events_no_delete;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        WHEN OLD.seq > (SELECT anchor_seq FROM audit_chain WHERE id = 1)
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_append_only BEFORE INSERT ON audit_events
        WHEN NEW.seq IS NULL OR NEW.seq <= (SELECT head_seq FROM audit_chain WHERE id = 1)
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

      -- Purges find what expired through these instead of scanning tables.
      CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);
      CREATE INDEX tokens_by_expiry ON tokens (expires_at);
      CREATE INDEX tokens_by_parent ON tokens (parent_hash) WHERE parent_hash IS NOT NULL;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      CREATE INDEX counters_by_expiry ON counters (expires_at);
      CREATE INDEX grants_by_expiry ON grants (expires_at);
      CREATE INDEX grants_by_revocation ON grants (revoked_at) WHERE revoked_at IS NOT NULL;
    `,
  },
  {
    description: 'users from an OpenID provider, and sign-ins in flight',
    sql: `
      ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
      ALTER TABLE users ADD COLUMN oidc_subject TEXT;
      ALTER TABLE users ADD COLUMN email TEXT;
      ALTER TABLE users ADD COLUMN display_name TEXT;
      -- One account per (issuer, sub); local users (both NULL) never collide,
      -- as NULLs are distinct in a UNIQUE index.
      CREATE UNIQUE INDEX users_by_identity ON users (oidc_issuer, oidc_subject);

      CREATE TABLE oidc_logins (
        id_hash       TEXT PRIMARY KEY,
        state         TEXT NOT NULL,
        nonce         TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        request       TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);
    `,
  },
  // Steps 6 to 8 were reserved in advance (account page, personal access
  // tokens, per-person Jira links) so their authors could work in parallel.
  {
    description: 'account page: when a grant was last used',
    // NULL: not used since this step (or never); written at most once a minute per grant.
    sql: `ALTER TABLE grants ADD COLUMN last_used_at INTEGER;`,
  },
  {
    description: 'personal access tokens: the kind and name of a grant',
    sql: `
      -- NULL kind is an OAuth grant (every grant made before this step).
      ALTER TABLE grants ADD COLUMN kind TEXT CHECK (kind IN ('oauth', 'personal'));
      ALTER TABLE grants ADD COLUMN label TEXT;
    `,
  },
  {
    description: 'per-person Jira links, and links to Atlassian in flight',
    sql: `
      CREATE TABLE jira_links (
        user_id           TEXT PRIMARY KEY,
        -- Random per link (set at every link and re-link): versions restart after an unlink.
        link_id           TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('atlassian-oauth', 'personal-token')),
        status            TEXT NOT NULL CHECK (status IN ('active', 'broken')),
        version           INTEGER NOT NULL,
        ciphertext        BLOB NOT NULL,
        account_id        TEXT NOT NULL,
        display_name      TEXT NOT NULL,
        email             TEXT,
        site_url          TEXT NOT NULL,
        cloud_id          TEXT,
        access_expires_at INTEGER,
        lease_owner       TEXT,
        lease_until       INTEGER,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        broken_at         INTEGER
      ) STRICT;

      CREATE TABLE jira_link_states (
        state_hash TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL,
        return_to  TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX jira_link_states_by_expiry ON jira_link_states (expires_at);
    `,
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
