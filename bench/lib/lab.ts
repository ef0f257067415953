/**
 * The servers under test, started on first use and shared by the scenarios
 * that need them:
 * - one Jira sandbox process;
 * - gateway processes over one SQLite file on disk (the default shape) and
 *   one over a file on /dev/shm (memory-backed, to compare with
 *   oidc-provider's in-memory storage), in the variants scenario 1 compares;
 * - oidc-provider processes with in-memory and SQLite storage.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqliteSynchronous } from '../../src/storage/sqlite/open-sqlite-database.js';
import type { MintKind } from '../servers/ipc.js';
import { OIDC_PUBLIC_CLIENT, OIDC_RESOURCE_SERVER } from './constants.js';
import {
  createGatewayMinter,
  prepareGatewayDatabase,
  type GatewayFixture,
  type Minter,
} from './gateway-fixture.js';
import { freePort, startServer, type ServerProcess } from './server-process.js';

/** Where a gateway's SQLite file lives. */
export type GatewayStore = 'disk' | 'shm';

/**
 * Gateway processes: `all` is `serve` (authorization server and /mcp, token
 * checked in-process); `mcp-cache`/`mcp-nocache` are `serve --role mcp`
 * checking by introspection at `all`, with the 15 s default cache or none;
 * `*-open` are the same apps with the always-succeeding check.
 */
export type GatewayVariant =
  'all' | 'all-open' | 'mcp-cache' | 'mcp-nocache' | 'mcp-open' | 'all-shm';

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

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export class Lab {
  readonly #dirs: string[] = [];
  readonly #processes = new Map<string, Promise<ServerProcess>>();
  readonly #stores = new Map<GatewayStore, Promise<Store>>();
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

  /** The database of a store, prepared on first use, and the bench's minter on it. */
  store(kind: GatewayStore): Promise<Store> {
    let store = this.#stores.get(kind);
    if (store === undefined) {
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
      const store = await this.store(variant === 'all-shm' ? 'shm' : 'disk');
      const { fixture } = store;
      const role = variant.startsWith('mcp') ? 'mcp' : 'all';
      const env: Record<string, string> = {
        BENCH_DATA_DIR: path.dirname(fixture.databasePath),
        BENCH_PUBLIC_URL: fixture.publicUrl,
        BENCH_PORT: String(
          variant === 'all' || variant === 'all-shm' ? store.port : await freePort(),
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
    const process = await this.gateway(kind === 'shm' ? 'all-shm' : 'all');
    return {
      label: kind === 'shm' ? 'gateway, SQLite on /dev/shm' : 'gateway, SQLite on disk',
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
      if (store.status === 'fulfilled') store.value.minter.close();
    }
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}
