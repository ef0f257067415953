/**
 * The DynamoDB adapter: one table holds every record of the AWS deployment
 * (or of split services sharing a table). Every atomic operation is decided
 * by a single-item conditional write in DynamoDB, never by state in this
 * process, because many Lambda instances run the same code at once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Storage } from '../ports.js';
import { DynamoDbAuditRepository } from './audit-repository.js';
import { DynamoDbClientRepository } from './client-repository.js';
import { DynamoDbCodeRepository } from './code-repository.js';
import { DynamoDbCounterRepository } from './counter-repository.js';
import type { DynamoDbTable } from './dynamodb-table.js';
import { DynamoDbGrantRepository } from './grant-repository.js';
import { DynamoDbJiraLinkRepository } from './jira-link-repository.js';
import { DynamoDbPurgeRepository } from './purge-repository.js';
import { DynamoDbSecretRepository } from './secret-repository.js';
import { DynamoDbOidcLoginRepository } from './oidc-login-repository.js';
import { DynamoDbSessionRepository } from './session-repository.js';
import { DynamoDbTokenRepository } from './token-repository.js';
import { DynamoDbUserRepository } from './user-repository.js';

export interface DynamoDbStorageOptions {
  /** The table `createTable` (or the CDK app) made. */
  tableName: string;
  /** A client to use; the caller keeps ownership, and `close` leaves it open. */
  client?: DynamoDBClient;
  /** For a client made here: another endpoint, e.g. a local DynamoDB. */
  endpoint?: string;
  /** For a client made here; otherwise the SDK's region chain decides. */
  region?: string;
}

/** The key `ping` reads: no entity prefix (see item-keys.ts) produces it. */
const PING_KEY = { pk: 'PING', sk: 'PING' } as const;

/** DynamoDB's own rule for table names. */
const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/);

function makeClient(options: DynamoDbStorageOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
  });
}

/**
 * Opens a DynamoDB table as `Storage`. Creates no table and sends no request
 * until a port is used. Credentials come from the SDK's default chain unless
 * `client` is given.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-general-nosql-design.html
 */
export function createDynamoDbStorage(options: DynamoDbStorageOptions): Storage {
  const ownsClient = options.client === undefined;
  const client = options.client ?? makeClient(options);
  const doc = DynamoDBDocumentClient.from(client, {
    // Absent optional fields arrive as `undefined` and must be absent in the item.
    marshallOptions: { removeUndefinedValues: true },
  });
  const table: DynamoDbTable = { doc, name: tableName.parse(options.tableName) };
  let closed = false;
  return {
    users: new DynamoDbUserRepository(table),
    jiraLinks: new DynamoDbJiraLinkRepository(table),
    oidcLogins: new DynamoDbOidcLoginRepository(table),
    clients: new DynamoDbClientRepository(table),
    codes: new DynamoDbCodeRepository(table),
    grants: new DynamoDbGrantRepository(table),
    tokens: new DynamoDbTokenRepository(table),
    audit: new DynamoDbAuditRepository(table),
    secrets: new DynamoDbSecretRepository(table),
    counters: new DynamoDbCounterRepository(table),
    sessions: new DynamoDbSessionRepository(table),
    purge: new DynamoDbPurgeRepository(table),
    ping: async () => {
      // The client of a closed store may be destroyed (or the caller's): say so, not hang.
      if (closed) throw new Error('the DynamoDB storage is closed');
      // An eventually consistent read of a key no record uses: half a read
      // unit, and the same IAM permission (GetItem) the gateway already has,
      // unlike DescribeTable. It fails when the table, the endpoint or the
      // credentials do.
      await doc.send(new GetCommand({ TableName: table.name, Key: PING_KEY }));
    },
    close: () => {
      if (ownsClient && !closed) {
        client.destroy();
      }
      closed = true;
      return Promise.resolve();
    },
  };
}
