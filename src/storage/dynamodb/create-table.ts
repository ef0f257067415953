import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  KEY_SCHEMA,
  TTL_ATTRIBUTE,
} from './table-schema.js';

export interface CreateTableResult {
  /**
   * `unsupported` when the endpoint does not implement UpdateTimeToLive
   * (dynalite, some emulators). Nothing depends on TTL for correctness, since
   * every read checks `expiresAt`; TTL only keeps the table small.
   */
  timeToLive: 'enabled' | 'unsupported';
}

/** How long to wait for the new table to become ACTIVE. */
const MAX_WAIT_SECONDS = 300;

function isUnknownOperation(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnknownOperationException';
}

/**
 * Creates the gateway's table (on-demand capacity) from the shared schema
 * constants, waits until it is ACTIVE, then turns on TTL for `ttl`.
 * Fails if the table exists.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<CreateTableResult> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [...KEY_SCHEMA],
      AttributeDefinitions: [...ATTRIBUTE_DEFINITIONS],
      GlobalSecondaryIndexes: [...GLOBAL_SECONDARY_INDEXES],
    }),
  );
  await waitUntilTableExists(
    { client, maxWaitTime: MAX_WAIT_SECONDS, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return { timeToLive: 'enabled' };
  } catch (error) {
    if (isUnknownOperation(error)) {
      return { timeToLive: 'unsupported' };
    }
    throw error;
  }
}
