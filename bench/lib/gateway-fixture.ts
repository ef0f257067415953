/**
 * Prepares a gateway database for the benchmark and pre-mints credentials
 * into it through the storage ports (the same SQLite file, or PostgreSQL
 * database, the server under test opens), so the measured requests never
 * pay for setting up their own preconditions.
 */
import path from 'node:path';
import { UserService } from '../../src/accounts/users.js';
import { SYSTEM_CLOCK } from '../../src/clock.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken, timeOrderedId } from '../../src/crypto/random.js';
import { ALL_SCOPES } from '../../src/oauth/scopes.js';
import { SqliteCodeRepository } from '../../src/storage/sqlite/code-repository.js';
import { SqliteGrantRepository } from '../../src/storage/sqlite/grant-repository.js';
import { GroupCommit } from '../../src/storage/sqlite/group-commit.js';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../src/storage/ports.js';
import { SqliteTokenRepository } from '../../src/storage/sqlite/token-repository.js';
import type { MintKind } from '../servers/ipc.js';
import { BENCH_USERNAME, CODE_CHALLENGE, REDIRECT_URI } from './constants.js';

const DAY_MS = 24 * 3600 * 1000;

/** What a prepared database holds that the load needs to know. */
export interface GatewayFixture {
  /** The server's DATA_DIR. */
  dataDir: string;
  /** The SQLite file in `dataDir`, when the store is SQLite. */
  databasePath?: string;
  /** The PostgreSQL database (STORAGE=postgres), when the store is PostgreSQL. */
  databaseUrl?: string;
  /** The issuer; `${publicUrl}/mcp` is the resource every token is bound to. */
  publicUrl: string;
  resource: string;
  userId: string;
  password: string;
  /** A public client (PKCE, refresh rotation), as dynamic registration makes them. */
  publicClientId: string;
  /** A `resource_server` credential for /introspect (as `client add-resource-server` makes). */
  resourceServer: { clientId: string; clientSecret: string };
}

/**
 * Creates the user, the public client and the resource-server credential
 * in a fresh SQLite database at `databasePath`.
 */
export async function prepareGatewayDatabase(
  databasePath: string,
  publicUrl: string,
): Promise<GatewayFixture> {
  const storage = openSqliteStorage({ path: databasePath });
  try {
    return {
      ...(await prepareGatewayStorage(storage, publicUrl)),
      dataDir: path.dirname(databasePath),
      databasePath,
    };
  } finally {
    await storage.close();
  }
}

/**
 * Creates the user, the public client and the resource-server credential
 * through any adapter's ports (the caller opens and closes `storage`).
 */
export async function prepareGatewayStorage(
  storage: Storage,
  publicUrl: string,
): Promise<Omit<GatewayFixture, 'dataDir' | 'databasePath' | 'databaseUrl'>> {
  const password = randomToken(18);
  const user = await new UserService(storage.users, SYSTEM_CLOCK).create(BENCH_USERNAME, password);
  const now = SYSTEM_CLOCK.now();
  const publicClientId = randomId('cli');
  await storage.clients.create({
    clientId: publicClientId,
    kind: 'oauth',
    clientName: 'benchmark client',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: now,
  });
  const clientSecret = randomToken();
  const rsClientId = randomId('rs');
  await storage.clients.create({
    clientId: rsClientId,
    kind: 'resource_server',
    secretHash: hashSecret(clientSecret),
    clientName: 'benchmark mcp role',
    redirectUris: [],
    grantTypes: [],
    responseTypes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    source: 'cli',
    createdAt: now,
  });
  return {
    publicUrl,
    resource: `${publicUrl}/mcp`,
    userId: user.id,
    password,
    publicClientId,
    resourceServer: { clientId: rsClientId, clientSecret },
  };
}

/** Mints credentials of one kind; returns their plaintext values. */
export interface Minter {
  mint(kind: MintKind, count: number): Promise<string[]>;
  close(): Promise<void>;
}

/** The repositories minting writes through (any adapter's). */
type MintingPorts = Pick<Storage, 'grants' | 'tokens' | 'codes'>;

/**
 * A minter writing through the SQLite adapter's repositories on its own
 * connection. That connection runs with `synchronous = OFF`, which only
 * skips its own fsyncs: minting tens of thousands of records between runs
 * would otherwise take minutes, and is not what is measured. The server's
 * connection keeps the adapter's settings.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 */
export function createGatewayMinter(fixture: GatewayFixture): Minter {
  if (fixture.databasePath === undefined) throw new Error('not a SQLite fixture');
  const db = openSqliteDatabase(fixture.databasePath);
  db.pragma('synchronous = OFF');
  const writer = new GroupCommit(db);
  const mint = minting(
    {
      grants: new SqliteGrantRepository(db, writer),
      tokens: new SqliteTokenRepository(db, writer),
      codes: new SqliteCodeRepository(db, writer),
    },
    fixture,
    1,
  );
  return {
    mint,
    close() {
      writer.flush();
      db.close();
      return Promise.resolve();
    },
  };
}

/**
 * A minter writing through an open store's own ports (PostgreSQL: on its
 * own pool, apart from the server's). Each record is a round trip there,
 * so `concurrency` of them are in flight at once; `close` closes `storage`.
 */
export function createStorageMinter(
  storage: Storage,
  fixture: GatewayFixture,
  concurrency: number,
): Minter {
  return { mint: minting(storage, fixture, concurrency), close: () => storage.close() };
}

/** `mint` over the given repositories, `concurrency` credentials at a time. */
function minting(
  ports: MintingPorts,
  fixture: GatewayFixture,
  concurrency: number,
): Minter['mint'] {
  const { grants, tokens, codes } = ports;
  const scopes = [...ALL_SCOPES];
  const base = {
    clientId: fixture.publicClientId,
    userId: fixture.userId,
    scopes,
    resource: fixture.resource,
  };

  async function newGrant(now: number): Promise<string> {
    const id = timeOrderedId('grt', now);
    await grants.create({ ...base, id, createdAt: now, expiresAt: now + 90 * DAY_MS });
    return id;
  }

  async function mintOne(kind: MintKind, now: number): Promise<string> {
    const value = randomToken();
    if (kind === 'code') {
      // Like a code /authorize just issued: its grant is created on redemption.
      await codes.save({
        ...base,
        codeHash: hashSecret(value),
        redirectUri: REDIRECT_URI,
        codeChallenge: CODE_CHALLENGE,
        grantId: timeOrderedId('grt', now),
        createdAt: now,
        expiresAt: now + 60_000,
      });
      return value;
    }
    // One grant per token, as every real consent makes its own.
    const grantId = await newGrant(now);
    await tokens.save([
      {
        ...base,
        tokenHash: hashSecret(value),
        kind,
        grantId,
        issuedAt: now,
        expiresAt: now + (kind === 'access' ? 3600_000 : 30 * DAY_MS),
      },
    ]);
    return value;
  }

  return async (kind, count) => {
    const now = SYSTEM_CLOCK.now();
    const values: string[] = new Array<string>(count);
    let next = 0;
    // `concurrency` workers take the next index until none is left.
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        values[i] = await mintOne(kind, now);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return values;
  };
}
