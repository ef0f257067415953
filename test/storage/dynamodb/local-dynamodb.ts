/**
 * A real DynamoDB-API server for the tests: dynalite, in memory, on
 * 127.0.0.1 with a free port, plus clients and fresh tables on it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createTable } from '../../../src/storage/dynamodb/create-table.js';
import { createDynamoDbStorage } from '../../../src/storage/dynamodb/create-dynamodb-storage.js';
import type { Storage } from '../../../src/storage/ports.js';

export type RawItem = Record<string, AttributeValue>;

export interface LocalDynamoDb {
  endpoint: string;
  /** A new client on the local endpoint; the caller destroys it. */
  newClient(): DynamoDBClient;
  /** A table name no other test in this process uses. */
  freshTableName(): string;
  /** Creates a fresh table and opens `Storage` on it; `cleanup` closes and drops both. */
  openStorage(): Promise<{
    storage: Storage;
    tableName: string;
    /** Another instance on the same table with its own client (a second Lambda); closed by cleanup. */
    openPeer: () => Storage;
    cleanup: () => Promise<void>;
  }>;
  /** Every item in the table, as DynamoDB stores it (attribute types included). */
  scan(tableName: string): Promise<RawItem[]>;
  close(): Promise<void>;
}

let tables = 0;

function listen(server: Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('dynalite is not listening on a TCP port'));
        return;
      }
      resolve(address);
    });
  });
}

/** Starts dynalite; call `close` in afterAll. */
export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const { port } = await listen(server);
  const endpoint = `http://127.0.0.1:${port}`;
  const newClient = (): DynamoDBClient =>
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      // dynalite checks that requests are signed, not by whom.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  const admin = newClient();
  const freshTableName = (): string => {
    tables += 1;
    return `gateway-test-${process.pid}-${tables}`;
  };
  return {
    endpoint,
    newClient,
    freshTableName,
    openStorage: async () => {
      const tableName = freshTableName();
      await createTable(admin, tableName);
      const storage = createDynamoDbStorage({ tableName, client: admin });
      const peerClients: DynamoDBClient[] = [];
      return {
        storage,
        tableName,
        openPeer: () => {
          const client = newClient();
          peerClients.push(client);
          return createDynamoDbStorage({ tableName, client });
        },
        cleanup: async () => {
          for (const client of peerClients) client.destroy();
          await storage.close();
          await admin.send(new DeleteTableCommand({ TableName: tableName }));
        },
      };
    },
    scan: async (tableName) => {
      const items: RawItem[] = [];
      let start: RawItem | undefined;
      do {
        const page = await admin.send(
          new ScanCommand({
            TableName: tableName,
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return items;
    },
    close: async () => {
      admin.destroy();
      await new Promise<void>((resolve, reject) => {
        // dynalite's close hands `null` on success, not `undefined`.
        server.close((error) => {
          if (error instanceof Error) reject(error);
          else resolve();
        });
      });
    },
  };
}

/**
 * An item with its attribute-value wrappers as ordinary objects (the SDK
 * hands them over with a null prototype), so tests can compare it exactly.
 */
export function plainItem(item: RawItem): Record<string, unknown> {
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array || value === null || typeof value !== 'object') {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map(plain);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)]));
}

/** The dynalite server of a test file and the fresh table of the running test. */
export interface LocalStorageHandle {
  readonly local: LocalDynamoDb;
  readonly storage: Storage;
  readonly tableName: string;
  /** Every item of the current table, with plain attribute-value objects. */
  items(): Promise<Record<string, unknown>[]>;
  /** The one item whose `pk` is `pk`, as stored. */
  item(pk: string): Promise<RawItem>;
}

/** Starts dynalite for the file and opens a fresh table for each test. */
export function useLocalDynamoDbStorage(): LocalStorageHandle {
  let local: LocalDynamoDb | undefined;
  let opened: Awaited<ReturnType<LocalDynamoDb['openStorage']>> | undefined;
  beforeAll(async () => {
    local = await startLocalDynamoDb();
  });
  afterAll(async () => {
    await local?.close();
  });
  beforeEach(async () => {
    opened = await handle.local.openStorage();
  });
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });
  const current = (): NonNullable<typeof opened> => {
    if (opened === undefined) {
      throw new Error('a table is open only while a test runs');
    }
    return opened;
  };
  const handle: LocalStorageHandle = {
    get local(): LocalDynamoDb {
      if (local === undefined) {
        throw new Error('dynalite runs only between beforeAll and afterAll');
      }
      return local;
    },
    get storage(): Storage {
      return current().storage;
    },
    get tableName(): string {
      return current().tableName;
    },
    items: async () => (await handle.local.scan(handle.tableName)).map(plainItem),
    item: async (pk) => {
      const found = (await handle.local.scan(handle.tableName)).find((i) => i.pk?.S === pk);
      if (found === undefined) {
        throw new Error(`no item with pk ${pk}`);
      }
      return found;
    },
  };
  return handle;
}
