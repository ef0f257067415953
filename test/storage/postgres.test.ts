import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import {
  applyPostgresMigrations,
  POSTGRES_MIGRATIONS,
  PostgresSchemaTooNewError,
} from '../../src/storage/postgres/migrations.js';
import {
  createPostgresStorage,
  openPostgresStorage,
  poolConfig,
  type PostgresStorage,
} from '../../src/storage/postgres/open-postgres-storage.js';
import type {
  GrantRecord,
  RotateRefreshResult,
  Storage,
  TokenRecord,
} from '../../src/storage/ports.js';
import { freePort } from '../helpers/gateway-process.js';
import {
  sharedPostgresServer,
  stopSharedPostgresServer,
  type PostgresServer,
} from '../helpers/postgres-server.js';
import { describeStorageContract } from './contract.js';
import { aCode, aGrant, aToken, DAY, T0 } from './contract/records.js';

let server: PostgresServer | undefined;

/** A one-connection pool of the test's own; a dropped database's goodbye is not a failure. */
function testPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  return pool;
}

beforeAll(async () => {
  server = await sharedPostgresServer();
});

afterAll(async () => {
  await stopSharedPostgresServer();
});

describeStorageContract('PostgreSQL', async () => {
  if (server === undefined) throw new Error('the server is started in beforeAll');
  const db = server;
  const url = await db.createMigratedDatabase();
  const storage = await openPostgresStorage({ connectionString: url, poolSize: 4 });
  const peers: Storage[] = [];
  return {
    storage,
    // A peer is another replica: its own pool, its own connections.
    openPeer: () => {
      const peer = createPostgresStorage({ connectionString: url, poolSize: 4 });
      peers.push(peer);
      return peer;
    },
    cleanup: async () => {
      await Promise.all(peers.map((peer) => peer.close()));
      await storage.close();
      await db.dropDatabase(url);
    },
  };
});

/**
 * What the contract cannot show: several gateway replicas, each with its own
 * pool of connections, deciding on the same rows at the same moment, and
 * the migrations they all run at start-up.
 */
describe('PostgreSQL adapter: replicas sharing one database (ports.ts: atomic consume/rotate)', () => {
  const REPLICAS = 4;
  const TARGETS = 40;
  let url: string;
  let replicas: PostgresStorage[];

  beforeEach(async () => {
    if (server === undefined) throw new Error('the server is started in beforeAll');
    url = await server.createMigratedDatabase();
    replicas = Array.from({ length: REPLICAS }, () =>
      createPostgresStorage({ connectionString: url, poolSize: 5 }),
    );
  });

  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await server?.dropDatabase(url);
  });

  const replica = (i: number): PostgresStorage => {
    const chosen = replicas[i % REPLICAS];
    if (chosen === undefined) throw new Error('no replica');
    return chosen;
  };

  it(`redeems each of ${TARGETS} codes exactly once when ${REPLICAS} replicas race 5 times each`, async () => {
    const codes = Array.from({ length: TARGETS }, () => aCode());
    for (const code of codes) await replica(0).codes.save(code);
    const results = await Promise.all(
      codes.flatMap((code) =>
        Array.from({ length: 5 * REPLICAS }, (_, i) =>
          replica(i).codes.consume(code.codeHash, T0 + 1),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(TARGETS);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(
      TARGETS * (5 * REPLICAS - 1),
    );
  });

  /** Seeds one refresh token per target, then every replica presents each of them at once. */
  async function raceRefresh(reuseIntervalMs: number): Promise<
    {
      grant: GrantRecord;
      refresh: TokenRecord;
      results: RotateRefreshResult[];
      offered: string[];
    }[]
  > {
    const families = [];
    for (let i = 0; i < TARGETS; i += 1) {
      const grant = aGrant();
      const refresh = aToken(grant, { kind: 'refresh', expiresAt: T0 + 30 * DAY });
      await replica(0).grants.create(grant);
      await replica(0).tokens.save([refresh]);
      families.push({ grant, refresh });
    }
    return Promise.all(
      families.map(async ({ grant, refresh }) => {
        const offers = Array.from({ length: REPLICAS }, () =>
          aToken(grant, {
            kind: 'refresh',
            issuedAt: T0 + 1,
            expiresAt: T0 + 30 * DAY,
            parentHash: refresh.tokenHash,
          }),
        );
        const results = await Promise.all(
          offers.map((offer, i) =>
            replica(i).tokens.rotateRefresh(refresh.tokenHash, T0 + 1, [offer], reuseIntervalMs),
          ),
        );
        return { grant, refresh, results, offered: offers.map((o) => o.tokenHash) };
      }),
    );
  }

  it(`rotates each of ${TARGETS} refresh tokens exactly once when ${REPLICAS} replicas present it at once`, async () => {
    for (const { grant, refresh, results, offered } of await raceRefresh(0)) {
      expect(results.map((r) => r.status).sort()).toStrictEqual([
        'ok',
        ...Array<string>(REPLICAS - 1).fill('reused'),
      ]);
      const winner = offered[results.findIndex((r) => r.status === 'ok')];
      const stored = (await replica(1).tokens.listByGrant(grant.id)).map((t) => t.tokenHash);
      expect(stored.sort()).toStrictEqual([refresh.tokenHash, winner].sort());
    }
  });

  it(`gives every replica tokens within the reuse interval, and exactly one sibling wins the next exchange`, async () => {
    for (const { grant, refresh, results, offered } of await raceRefresh(60_000)) {
      expect(results.map((r) => r.status).sort()).toStrictEqual([
        'ok',
        ...Array<string>(REPLICAS - 1).fill('reissued'),
      ]);
      const stored = (await replica(2).tokens.listByGrant(grant.id)).map((t) => t.tokenHash);
      expect(stored.sort()).toStrictEqual([refresh.tokenHash, ...offered].sort());
      // Each replica now exchanges its own sibling at once: one wins, the rest are superseded.
      const next = await Promise.all(
        offered.map((hash, i) =>
          replica(i).tokens.rotateRefresh(hash, T0 + 2, [
            aToken(grant, { kind: 'refresh', issuedAt: T0 + 2, parentHash: hash }),
          ]),
        ),
      );
      expect(next.map((r) => r.status).sort()).toStrictEqual([
        'ok',
        ...Array<string>(REPLICAS - 1).fill('reused'),
      ]);
      for (const result of next) {
        if (result.status === 'reused') expect(result.reason).toBe('superseded');
      }
    }
  });

  it('reserves exactly 5 of 80 login attempts made through 4 replicas', async () => {
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        replica(i).counters.reserve('login:user:alice', T0, T0 + DAY, 5),
      ),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(5);
    expect(results.filter((r) => !r.reserved)).toHaveLength(75);
    expect(await replica(3).counters.get('login:user:alice', T0)).toStrictEqual({
      count: 5,
      expiresAt: T0 + DAY,
    });
  });

  it('keeps one unbroken audit chain when 4 replicas append 100 events at once', async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        replica(n).audit.append({
          id: `aud_${n}`,
          at: T0 + n,
          type: 'tool.called',
          outcome: 'success',
        }),
      ),
    );
    expect(await verifyAuditChain(replica(1).audit)).toMatchObject({
      ok: true,
      checked: 100,
      firstSeq: 1,
      lastSeq: 100,
    });
    expect((await replica(2).audit.chainState()).head).toMatchObject({ seq: 100 });
  });

  it('stores tokens written at the same time as their grant (token endpoint order), and hides them until the grant exists', async () => {
    // src/oauth/token-grants.ts writes a grant and its tokens in parallel; a
    // pool sends them on two connections, so the tokens may commit first.
    const pairs = Array.from({ length: 30 }, () => {
      const grant = aGrant();
      return {
        grant,
        tokens: [aToken(grant, { kind: 'access' }), aToken(grant, { kind: 'refresh' })],
      };
    });
    await Promise.all(
      pairs.map(({ grant, tokens }) =>
        Promise.all([replica(0).grants.create(grant), replica(0).tokens.save(tokens)]),
      ),
    );
    for (const { tokens } of pairs) {
      expect(
        await replica(1).tokens.findActive(tokens[0]?.tokenHash ?? '', 'access', T0 + 1),
      ).toBeDefined();
    }
    const orphan = aToken(aGrant(), { kind: 'access' });
    await replica(0).tokens.save([orphan]);
    expect(await replica(1).tokens.findActive(orphan.tokenHash, 'access', T0 + 1)).toBeUndefined();
  });

  it('ends a gateway session left idle inside a transaction, so a stuck replica cannot hold the audit chain', async () => {
    // A connection made with the gateway's own pool settings takes the
    // chain's row lock and never finishes, like a process paused mid-transaction.
    const stuck = new pg.Pool(
      poolConfig({ connectionString: url, idleInTransactionTimeoutMs: 300 }),
    );
    stuck.on('error', () => undefined);
    const session = await stuck.connect();
    session.on('error', () => undefined);
    try {
      await replica(0).audit.append({
        id: 'aud_first',
        type: 'tool.called',
        outcome: 'success',
        at: T0,
      });
      await session.query('BEGIN');
      await session.query('SELECT * FROM audit_chain WHERE id = 1 FOR UPDATE');
      await replica(1).audit.append({
        id: 'aud_second',
        type: 'tool.called',
        outcome: 'success',
        at: T0 + 1,
      });
      expect((await replica(2).audit.chainState()).head).toMatchObject({ seq: 2 });
    } finally {
      session.release(true);
      await stuck.end();
    }
  });

  it('makes a revocation through one replica visible to the next check on another', async () => {
    const grant = aGrant();
    const access = aToken(grant, { kind: 'access' });
    await replica(0).grants.create(grant);
    await replica(0).tokens.save([access]);
    expect(await replica(1).tokens.findActive(access.tokenHash, 'access', T0 + 1)).toBeDefined();
    expect(await replica(0).grants.revoke(grant.id, T0 + 2, 'user_revoked')).toBe(true);
    expect(await replica(1).tokens.findActive(access.tokenHash, 'access', T0 + 3)).toBeUndefined();
  });
});

describe('PostgreSQL migrations (src/storage/postgres/migrations.ts)', () => {
  it('applies every step exactly once when 5 replicas start on an empty database at once', async () => {
    if (server === undefined) throw new Error('the server is started in beforeAll');
    const url = await server.createDatabase();
    const pools = Array.from({ length: 5 }, () => testPool(url));
    try {
      const applied = await Promise.all(
        pools.map((pool) => applyPostgresMigrations(pool, { now: () => T0 })),
      );
      expect(applied.sort()).toStrictEqual([0, 0, 0, 0, POSTGRES_MIGRATIONS.length]);
      const [first] = pools;
      if (first === undefined) throw new Error('no pool');
      const { rows } = await first.query<{ version: number; applied_at: string }>(
        'SELECT version, applied_at FROM schema_migrations ORDER BY version',
      );
      expect(rows).toStrictEqual(
        POSTGRES_MIGRATIONS.map((_, i) => ({ version: i + 1, applied_at: String(T0) })),
      );
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await server.dropDatabase(url);
    }
  });

  it('refuses a database migrated by a newer gateway, and leaves it as it was', async () => {
    if (server === undefined) throw new Error('the server is started in beforeAll');
    const url = await server.createMigratedDatabase();
    const pool = testPool(url);
    try {
      await pool.query(
        `INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, 'future', 0)`,
        [POSTGRES_MIGRATIONS.length + 1],
      );
      await expect(openPostgresStorage({ connectionString: url })).rejects.toThrow(
        PostgresSchemaTooNewError,
      );
    } finally {
      await pool.end();
      await server.dropDatabase(url);
    }
  });

  it('rolls back a failing step with its version row, so a fixed gateway can run it again', async () => {
    if (server === undefined) throw new Error('the server is started in beforeAll');
    const url = await server.createDatabase();
    const pool = testPool(url);
    try {
      const broken = [
        { description: 'one', sql: 'CREATE TABLE one (id INTEGER)' },
        { description: 'two', sql: 'CREATE TABLE two (id NO_SUCH_TYPE)' },
      ];
      await expect(applyPostgresMigrations(pool, { now: () => T0 }, broken)).rejects.toThrow(
        'migration 2 (two) failed',
      );
      const { rows } = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_tables WHERE tablename IN ('one', 'schema_migrations')",
      );
      expect(rows).toStrictEqual([{ n: '0' }]);
    } finally {
      await pool.end();
      await server.dropDatabase(url);
    }
  });

  it('rejects with the pool closed when the server does not answer', async () => {
    const port = await freePort();
    await expect(
      openPostgresStorage({
        connectionString: `postgres://nobody@127.0.0.1:${port}/none`,
        connectionTimeoutMs: 2_000,
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
