/**
 * The PostgreSQL schema as an ordered list of steps, applied by the gateway
 * itself at start-up. `schema_migrations` holds one row per applied step.
 * Steps are append-only: a step that has shipped is never edited, a change
 * is a new step at the end.
 *
 * The layout of every table is documented in `docs/storage-schema.md`.
 */
import type { Pool } from 'pg';
import type { Clock } from '../../clock.js';
import { inTransaction, rows } from './postgres-client.js';

export interface PostgresMigration {
  /** What the step does, for error messages and the schema doc. */
  description: string;
  sql: string;
}

const GENESIS = '0'.repeat(64);

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    // The SQLite schema as it stands after its eighth step, in one step:
    // PostgreSQL starts where SQLite's history ended. Times are BIGINT epoch
    // milliseconds (the injected clock's, never now()); JSON is kept as TEXT
    // so the audit chain hashes exactly the bytes it stored.
    description: 'initial schema',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        disabled      BOOLEAN NOT NULL,
        created_at    BIGINT NOT NULL,
        oidc_issuer   TEXT,
        oidc_subject  TEXT,
        email         TEXT,
        display_name  TEXT
      );
      -- NULLs are distinct in a UNIQUE index: local users never collide.
      CREATE UNIQUE INDEX users_by_identity ON users (oidc_issuer, oidc_subject);

      CREATE TABLE clients (
        client_id                  TEXT PRIMARY KEY,
        kind                       TEXT NOT NULL CHECK (kind IN ('oauth', 'resource_server')),
        secret_hash                TEXT,
        secret_expires_at          BIGINT,
        client_name                TEXT,
        redirect_uris              TEXT NOT NULL,
        grant_types                TEXT NOT NULL,
        response_types             TEXT NOT NULL,
        token_endpoint_auth_method TEXT NOT NULL
          CHECK (token_endpoint_auth_method IN ('none', 'client_secret_basic', 'client_secret_post')),
        scope                      TEXT,
        client_uri                 TEXT,
        logo_uri                   TEXT,
        source                     TEXT NOT NULL CHECK (source IN ('dcr', 'cli', 'cimd')),
        created_at                 BIGINT NOT NULL
      );

      CREATE TABLE authorization_codes (
        code_hash      TEXT PRIMARY KEY,
        client_id      TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        resource       TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        grant_id       TEXT NOT NULL,
        created_at     BIGINT NOT NULL,
        expires_at     BIGINT NOT NULL,
        consumed_at    BIGINT
      );
      CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);
      CREATE INDEX authorization_codes_by_client ON authorization_codes (client_id);

      CREATE TABLE grants (
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        resource       TEXT NOT NULL,
        created_at     BIGINT NOT NULL,
        expires_at     BIGINT NOT NULL,
        revoked_at     BIGINT,
        revoked_reason TEXT,
        kind           TEXT CHECK (kind IN ('oauth', 'personal')),
        label          TEXT,
        last_used_at   BIGINT
      );
      CREATE INDEX grants_by_user ON grants (user_id);
      CREATE INDEX grants_by_client ON grants (client_id);
      CREATE INDEX grants_by_expiry ON grants (expires_at);
      CREATE INDEX grants_by_revocation ON grants (revoked_at) WHERE revoked_at IS NOT NULL;

      CREATE TABLE tokens (
        token_hash     TEXT PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
        -- No foreign key: the token endpoint writes a grant and its tokens in
        -- parallel (src/oauth/token-grants.ts), which a pool sends on two
        -- connections, so the tokens may commit first. A token is usable only
        -- through a JOIN on its grant, as on DynamoDB; purge deletes a grant's
        -- tokens before the grant.
        grant_id       TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        resource       TEXT NOT NULL,
        issued_at      BIGINT NOT NULL,
        expires_at     BIGINT NOT NULL,
        revoked_at     BIGINT,
        rotated_at     BIGINT,
        parent_hash    TEXT,
        successor_hash TEXT
      );
      CREATE INDEX tokens_by_grant ON tokens (grant_id);
      CREATE INDEX tokens_by_expiry ON tokens (expires_at);
      CREATE INDEX tokens_by_parent ON tokens (parent_hash) WHERE parent_hash IS NOT NULL;

      CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      CREATE TABLE secrets (
        name       TEXT PRIMARY KEY,
        ciphertext BYTEA NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE counters (
        key        TEXT PRIMARY KEY,
        count      BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX counters_by_expiry ON counters (expires_at);

      CREATE TABLE oidc_logins (
        id_hash       TEXT PRIMARY KEY,
        state         TEXT NOT NULL,
        nonce         TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        request       TEXT NOT NULL,
        created_at    BIGINT NOT NULL,
        expires_at    BIGINT NOT NULL
      );
      CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);

      CREATE TABLE jira_links (
        user_id           TEXT PRIMARY KEY,
        link_id           TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('atlassian-oauth', 'personal-token')),
        status            TEXT NOT NULL CHECK (status IN ('active', 'broken')),
        version           BIGINT NOT NULL,
        ciphertext        BYTEA NOT NULL,
        account_id        TEXT NOT NULL,
        display_name      TEXT NOT NULL,
        email             TEXT,
        site_url          TEXT NOT NULL,
        cloud_id          TEXT,
        access_expires_at BIGINT,
        lease_owner       TEXT,
        lease_until       BIGINT,
        created_at        BIGINT NOT NULL,
        updated_at        BIGINT NOT NULL,
        broken_at         BIGINT
      );

      CREATE TABLE jira_link_states (
        state_hash TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL,
        return_to  TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX jira_link_states_by_expiry ON jira_link_states (expires_at);

      -- The audit trail: a hash chain from the first event on (no unchained
      -- history here). Appenders serialise on the one audit_chain row.
      CREATE TABLE audit_events (
        seq        BIGINT PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        at         BIGINT NOT NULL,
        type       TEXT NOT NULL,
        outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
        user_id    TEXT,
        username   TEXT,
        client_id  TEXT,
        grant_id   TEXT,
        request_id TEXT,
        ip         TEXT,
        detail     TEXT,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
      );
      CREATE INDEX audit_events_by_time ON audit_events (at);

      CREATE TABLE audit_chain (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        anchor_seq  BIGINT NOT NULL,
        anchor_hash TEXT NOT NULL,
        anchor_at   BIGINT,
        purged      BIGINT NOT NULL,
        head_seq    BIGINT NOT NULL,
        head_hash   TEXT NOT NULL
      );
      INSERT INTO audit_chain (id, anchor_seq, anchor_hash, anchor_at, purged, head_seq, head_hash)
        VALUES (1, 0, '${GENESIS}', NULL, 0, 0, '${GENESIS}');

      -- The trail must survive a compromised or buggy caller: the database
      -- itself refuses to rewrite history. Retention is the one way out:
      -- only events the anchor already covers may be deleted.
      CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'TRUNCATE') THEN
          RAISE EXCEPTION 'audit_events is append-only';
        ELSIF TG_OP = 'DELETE' THEN
          IF OLD.seq > (SELECT anchor_seq FROM audit_chain WHERE id = 1) THEN
            RAISE EXCEPTION 'audit_events is append-only';
          END IF;
          RETURN OLD;
        ELSIF NEW.seq <= (SELECT head_seq FROM audit_chain WHERE id = 1) THEN
          RAISE EXCEPTION 'audit_events is append-only';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_events_append_only BEFORE INSERT OR UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

      CREATE FUNCTION audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'audit_chain is permanent';
        END IF;
        IF NEW.anchor_seq < OLD.anchor_seq OR NEW.head_seq < OLD.head_seq
           OR NEW.purged < OLD.purged OR NEW.anchor_seq > NEW.head_seq THEN
          RAISE EXCEPTION 'audit_chain only moves forward';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION audit_chain_guard();
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
        FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_guard();
    `,
  },
];

/** Thrown when the database was migrated by a newer version of this code. */
export class PostgresSchemaTooNewError extends Error {
  constructor(databaseVersion: number, knownVersion: number) {
    super(
      `database schema version ${databaseVersion} is newer than this code supports (${knownVersion}); upgrade the gateway`,
    );
    this.name = 'PostgresSchemaTooNewError';
  }
}

/**
 * One number for every gateway sharing a database: the key of the advisory
 * lock migrations hold ("jmgw" in ASCII), so replicas starting together
 * take turns and the second finds the work done.
 */
export const MIGRATION_LOCK_KEY = 0x6a6d6777;

/**
 * Brings the database up to the newest schema and returns how many steps
 * it applied. Everything runs in ONE transaction holding a transaction-level
 * advisory lock: replicas starting at the same moment queue on the lock,
 * and each re-reads `schema_migrations` once it holds it, so no step runs
 * twice; a failed step rolls back with its version row, leaving no trace.
 * A database newer than `migrations` is refused rather than used with a
 * schema this code does not understand.
 * @see https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 */
export async function applyPostgresMigrations(
  pool: Pool,
  clock: Clock,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version     INTEGER PRIMARY KEY,
         description TEXT NOT NULL,
         applied_at  BIGINT NOT NULL
       )`,
    );
    const [row] = await rows<{ version: number | null }>(
      client,
      'SELECT max(version) AS version FROM schema_migrations',
    );
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new PostgresSchemaTooNewError(current, migrations.length);
    }
    let applied = 0;
    for (const [index, migration] of migrations.entries()) {
      const target = index + 1;
      if (target <= current) continue;
      try {
        await client.query(migration.sql);
      } catch (error) {
        throw new Error(`migration ${target} (${migration.description}) failed`, {
          cause: error,
        });
      }
      await client.query(
        'INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)',
        [target, migration.description, clock.now()],
      );
      applied += 1;
    }
    return applied;
  });
}
