/**
 * The servers under test, started on first use and shared by the scenarios
 * that need them:
 * - one Jira sandbox process;
 * - gateway processes over one SQLite file on disk (the default shape) and
 *   one over a file on /dev/shm (memory-backed, to compare with
 *   oidc-provider's in-memory storage), in the variants scenario 1 compares;
 * - a gateway process on PostgreSQL (STORAGE=postgres, the replicas' shape),
 *   on a throwaway cluster started as the tests start theirs
 *   (test/helpers/postgres-server.ts), with durability on;
 * - oidc-provider processes with in-memory and SQLite storage.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPostgresStorage } from '../../src/storage/postgres/open-postgres-storage.js';
import type { SqliteSynchronous } from '../../src/storage/sqlite/open-sqlite-database.js';
import { startPostgresServer, type PostgresServer } from '../../test/helpers/postgres-server.js';
import type { MintKind } from '../servers/ipc.js';
import { OIDC_PUBLIC_CLIENT, OIDC_RESOURCE_SERVER } from './constants.js';
import {
  createGatewayMinter,
  createStorageMinter,
  prepareGatewayDatabase,
  prepareGatewayStorage,
  type GatewayFixture,
  type Minter,
} from './gateway-fixture.js';
import { freePort, startServer, type ServerProcess } from './server-process.js';

/** Where a gateway's records live: a SQLite file on disk or on /dev/shm, or PostgreSQL. */
export type GatewayStore = 'disk' | 'shm' | 'postgres';

/** Records the minter writes to PostgreSQL at once (its pool's size). */
const POSTGRES_MINT_CONCURRENCY = 16;

/**
 * Gateway processes: `all` is `serve` (authorization server and /mcp, token
 * checked in-process); `mcp-cache`/`mcp-nocache` are `serve --role mcp`
 * checking by introspection at `all`, with the 15 s default cache or none;
 * `*-open` are the same apps with the always-succeeding check.
 */
export type GatewayVariant =
  'all' | 'all-open' | 'mcp-cache' | 'mcp-nocache' | 'mcp-open' | 'all-shm' | 'all-postgres';

/** A server that issues and introspects tokens, as scenarios 2 and 3 drive it. */
export interface AuthServerSide {
  label: string;
  url: string;
  process: ServerProcess;
  publicClientId: string;
  /** `Authorization` header value for /introspect. */
  introspectionAuthorization: string;
  mint(kind: MintKind, count: number): Promise<string[]>;
}

interface Store {
  fixture: GatewayFixture;
  minter: Minter;
  /** The port of the `all` gateway, whose URL is the issuer. */
  port: number;
}

const GATEWAY_ON: Record<GatewayStore, GatewayVariant> = {
  disk: 'all',
  shm: 'all-shm',
  postgres: 'all-postgres',
};

const GATEWAY_LABEL: Record<GatewayStore, string> = {
  disk: 'gateway, SQLite on disk',
  shm: 'gateway, SQLite on /dev/shm',
  postgres: 'gateway, PostgreSQL on disk',
};

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export class Lab {
  readonly #dirs: string[] = [];
  readonly #processes = new Map<string, Promise<ServerProcess>>();
  readonly #stores = new Map<GatewayStore, Promise<Store>>();
  #postgres: Promise<PostgresServer> | undefined;
  readonly #masterKey = randomBytes(32).toString('base64');
  readonly #rsSecret = randomBytes(32).toString('base64url');
  readonly #cpuProfileDir: string | undefined;
  /** SQLite's `synchronous` level, the same for the gateway and oidc-provider's SQLite adapter. */
  readonly sqliteSynchronous: SqliteSynchronous;

  constructor(options: { cpuProfileDir?: string; sqliteSynchronous?: SqliteSynchronous } = {}) {
    this.#cpuProfileDir = options.cpuProfileDir;
    this.sqliteSynchronous = options.sqliteSynchronous ?? 'full';
  }

  #tempDir(parent: string): string {
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(path.join(parent, 'jmg-bench-'));
    this.#dirs.push(dir);
    return dir;
  }

  #once(key: string, start: () => Promise<ServerProcess>): Promise<ServerProcess> {
    let started = this.#processes.get(key);
    if (started === undefined) {
      started = start();
      this.#processes.set(key, started);
    }
    return started;
  }

  sandbox(): Promise<ServerProcess> {
    return this.#once('sandbox', () =>
      startServer('sandbox', 'sandbox-server.ts', {
        env: { BENCH_SANDBOX_DB: path.join(this.#tempDir(tmpdir()), 'sandbox.db') },
      }),
    );
  }

  /**
   * The PostgreSQL cluster, started on first use, in the temp directory (the
   * same file system as the SQLite file on disk). Unlike the tests' cluster
   * it keeps `fsync` and full-page writes on, and commits as SQLite does in
   * this run: `synchronous = FULL` ↔ `synchronous_commit = on` (a commit
   * returns once its WAL is flushed), `NORMAL` ↔ `off` (a crash may lose the
   * last commits, never consistency); the default `shared_buffers`.
   * @see https://www.postgresql.org/docs/current/wal-async-commit.html
   */
  postgres(): Promise<PostgresServer> {
    this.#postgres ??= startPostgresServer({
      settings: {
        fsync: 'on',
        full_page_writes: 'on',
        synchronous_commit: this.sqliteSynchronous === 'full' ? 'on' : 'off',
        shared_buffers: '128MB',
      },
    });
    return this.#postgres;
  }

  /** The database of a store, prepared on first use, and the bench's minter on it. */
  store(kind: GatewayStore): Promise<Store> {
    let store = this.#stores.get(kind);
    if (store === undefined && kind === 'postgres') {
      store = (async () => {
        const databaseUrl = await (await this.postgres()).createMigratedDatabase();
        const port = await freePort();
        // The minter's own sessions skip waiting for their WAL flush, as the
        // SQLite minter skips its fsyncs: minting is not what is measured.
        const minterUrl = new URL(databaseUrl);
        minterUrl.searchParams.set('options', '-c synchronous_commit=off');
        const storage = await openPostgresStorage({
          connectionString: minterUrl.toString(),
          poolSize: POSTGRES_MINT_CONCURRENCY,
        });
        try {
          const fixture = {
            ...(await prepareGatewayStorage(storage, `http://127.0.0.1:${port}`)),
            dataDir: this.#tempDir(tmpdir()),
            databaseUrl,
          };
          return {
            fixture,
            minter: createStorageMinter(storage, fixture, POSTGRES_MINT_CONCURRENCY),
            port,
          };
        } catch (error) {
          await storage.close();
          throw error;
        }
      })();
      this.#stores.set(kind, store);
    } else if (store === undefined) {
      store = (async () => {
        const dir = this.#tempDir(kind === 'shm' ? '/dev/shm' : tmpdir());
        const port = await freePort();
        const fixture = await prepareGatewayDatabase(
          path.join(dir, 'gateway.db'),
          `http://127.0.0.1:${port}`,
        );
        return { fixture, minter: createGatewayMinter(fixture), port };
      })();
      this.#stores.set(kind, store);
    }
    return store;
  }

  gateway(variant: GatewayVariant): Promise<ServerProcess> {
    return this.#once(variant, async () => {
      const store = await this.store(
        variant === 'all-shm' ? 'shm' : variant === 'all-postgres' ? 'postgres' : 'disk',
      );
      const { fixture } = store;
      const role = variant.startsWith('mcp') ? 'mcp' : 'all';
      const env: Record<string, string> = {
        BENCH_DATA_DIR: fixture.dataDir,
        ...(fixture.databaseUrl === undefined ? {} : { BENCH_DATABASE_URL: fixture.databaseUrl }),
        BENCH_PUBLIC_URL: fixture.publicUrl,
        BENCH_PORT: String(
          variant === 'all' || variant === 'all-shm' || variant === 'all-postgres'
            ? store.port
            : await freePort(),
        ),
        BENCH_ROLE: role,
        BENCH_VERIFIER: variant.endsWith('open')
          ? 'allow-all'
          : role === 'mcp'
            ? 'introspection'
            : 'storage',
        BENCH_MASTER_KEY: this.#masterKey,
        BENCH_USER_ID: fixture.userId,
        BENCH_CLIENT_ID: fixture.publicClientId,
        BENCH_INTROSPECTION_CLIENT_ID: fixture.resourceServer.clientId,
        BENCH_INTROSPECTION_CLIENT_SECRET: fixture.resourceServer.clientSecret,
        BENCH_INTROSPECTION_CACHE_SECONDS: variant === 'mcp-nocache' ? '0' : '15',
        BENCH_SQLITE_SYNCHRONOUS: this.sqliteSynchronous,
      };
      env.BENCH_SANDBOX_URL = (await this.sandbox()).url;
      // The introspecting roles ask the `all` process, which must be up first.
      if (env.BENCH_VERIFIER === 'introspection') await this.gateway('all');
      return startServer(`gateway-${variant}`, 'gateway-server.ts', {
        env,
        ...(this.#cpuProfileDir === undefined ? {} : { cpuProfileDir: this.#cpuProfileDir }),
      });
    });
  }

  oidc(storage: 'memory' | 'sqlite'): Promise<ServerProcess> {
    return this.#once(`oidc-${storage}`, async () =>
      startServer(`oidc-provider-${storage}`, 'oidc-provider-server.ts', {
        env: {
          BENCH_PORT: String(await freePort()),
          BENCH_OIDC_STORAGE: storage,
          BENCH_OIDC_DB: path.join(this.#tempDir(tmpdir()), 'oidc.db'),
          BENCH_RS_SECRET: this.#rsSecret,
          BENCH_SQLITE_SYNCHRONOUS: this.sqliteSynchronous,
        },
        ...(this.#cpuProfileDir === undefined ? {} : { cpuProfileDir: this.#cpuProfileDir }),
      }),
    );
  }

  /** The gateway on a store as a token issuer. */
  async gatewaySide(kind: GatewayStore): Promise<AuthServerSide> {
    const store = await this.store(kind);
    const process = await this.gateway(GATEWAY_ON[kind]);
    return {
      label: GATEWAY_LABEL[kind],
      url: process.url,
      process,
      publicClientId: store.fixture.publicClientId,
      introspectionAuthorization: basic(
        store.fixture.resourceServer.clientId,
        store.fixture.resourceServer.clientSecret,
      ),
      mint: (mintKind, count) => store.minter.mint(mintKind, count),
    };
  }

  async oidcSide(storage: 'memory' | 'sqlite'): Promise<AuthServerSide> {
    const process = await this.oidc(storage);
    return {
      label: storage === 'memory' ? 'oidc-provider, in memory' : 'oidc-provider, SQLite on disk',
      url: process.url,
      process,
      publicClientId: OIDC_PUBLIC_CLIENT,
      introspectionAuthorization: basic(OIDC_RESOURCE_SERVER, this.#rsSecret),
      mint: (kind, count) => process.mint(kind, count),
    };
  }

  async close(): Promise<void> {
    const processes = await Promise.allSettled([...this.#processes.values()]);
    await Promise.all(
      processes.map((p) => (p.status === 'fulfilled' ? p.value.stop() : Promise.resolve())),
    );
    for (const store of await Promise.allSettled([...this.#stores.values()])) {
      if (store.status === 'fulfilled') await store.value.minter.close();
    }
    // After every gateway and minter has let go of its connections.
    const postgres = await this.#postgres?.catch(() => undefined);
    await postgres?.stop();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}
