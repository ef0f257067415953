/**
 * The PostgreSQL adapter: one database shared by any number of gateway
 * replicas behind a load balancer. Every atomic operation is decided inside
 * PostgreSQL (a conditional `UPDATE … RETURNING`, an upsert, or a
 * transaction holding row locks), never by state in this process, because
 * another replica may be running the same operation right now.
 */
import pg from 'pg';
import { SYSTEM_CLOCK, type Clock } from '../../clock.js';
import type { Storage } from '../ports.js';
import { PostgresAuditRepository } from './audit-repository.js';
import { PostgresClientRepository } from './client-repository.js';
import { PostgresCodeRepository } from './code-repository.js';
import { PostgresCounterRepository } from './counter-repository.js';
import { PostgresGrantRepository } from './grant-repository.js';
import { PostgresJiraLinkRepository } from './jira-link-repository.js';
import { applyPostgresMigrations } from './migrations.js';
import { PostgresOidcLoginRepository } from './oidc-login-repository.js';
import { PG_TYPES } from './postgres-client.js';
import { PostgresPurgeRepository } from './purge-repository.js';
import { PostgresSecretRepository } from './secret-repository.js';
import { PostgresSessionRepository } from './session-repository.js';
import { PostgresTokenRepository } from './token-repository.js';
import { PostgresUserRepository } from './user-repository.js';

export interface PostgresStorageOptions {
  /**
   * A libpq-style URL, `postgres://user:password@host:5432/db?sslmode=verify-full`.
   * TLS is configured in it, as `pg` reads it: `sslmode` (`disable`,
   * `no-verify`, `require`/`verify-ca`/`verify-full`: all verify the
   * certificate and host name), `sslrootcert`, `sslcert`, `sslkey` (file paths).
   */
  connectionString: string;
  /** Connections this process keeps at most (default 10). */
  poolSize?: number;
  /** Time of the migration records; defaults to the wall clock. */
  clock?: Clock;
  /** How long to wait for a connection before a query fails (ms, default 10 000). */
  connectionTimeoutMs?: number;
  /**
   * How long the server lets a session sit idle inside a transaction before
   * ending it (ms, default 60 000): a stuck replica cannot hold the audit
   * chain's row lock, or any other, for ever.
   */
  idleInTransactionTimeoutMs?: number;
}

/** A PostgreSQL store: the ports plus a round trip to the server (readiness). */
export type PostgresStorage = Storage & { ping(): Promise<void> };

const DEFAULT_POOL_SIZE = 10;

/** The pool settings every gateway connection uses (exported for tests). */
export function poolConfig(options: PostgresStorageOptions): pg.PoolConfig {
  return {
    connectionString: options.connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    types: PG_TYPES,
    application_name: 'jira-mcp-gateway',
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    // No statement runs for long; one that does holds a connection and maybe locks.
    statement_timeout: 30_000,
  };
}

function makePool(options: PostgresStorageOptions): pg.Pool {
  const pool = new pg.Pool(poolConfig(options));
  // An idle connection the server drops (restart, failover) must not crash
  // the process; the pool discards it and the next query opens another.
  pool.on('error', () => undefined);
  return pool;
}

function storageOn(pool: pg.Pool): PostgresStorage {
  let closed: Promise<void> | undefined;
  return {
    users: new PostgresUserRepository(pool),
    jiraLinks: new PostgresJiraLinkRepository(pool),
    oidcLogins: new PostgresOidcLoginRepository(pool),
    clients: new PostgresClientRepository(pool),
    codes: new PostgresCodeRepository(pool),
    grants: new PostgresGrantRepository(pool),
    tokens: new PostgresTokenRepository(pool),
    audit: new PostgresAuditRepository(pool),
    secrets: new PostgresSecretRepository(pool),
    counters: new PostgresCounterRepository(pool),
    sessions: new PostgresSessionRepository(pool),
    purge: new PostgresPurgeRepository(pool),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => {
      // Idempotent: pool.end() rejects when called twice.
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * Connects, brings the schema up to date (see `applyPostgresMigrations`:
 * safe when several replicas start at once), and returns `Storage` on a
 * connection pool. Rejects, with the pool closed, when the server cannot be
 * reached or the schema is newer than this code.
 * @see https://node-postgres.com/apis/pool
 */
export async function openPostgresStorage(
  options: PostgresStorageOptions,
): Promise<PostgresStorage> {
  const pool = makePool(options);
  try {
    await applyPostgresMigrations(pool, options.clock ?? SYSTEM_CLOCK);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return storageOn(pool);
}

/**
 * `Storage` on a new pool, without touching the server until a port is
 * used: for a database another process has already migrated (a second
 * replica in a test, a tool sharing the pool settings).
 * @see https://node-postgres.com/apis/pool
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  return storageOn(makePool(options));
}
