import { afterAll, beforeAll } from 'vitest';
import { describeStorageContract } from './contract.js';
import { startLocalDynamoDb, type LocalDynamoDb } from './dynamodb/local-dynamodb.js';

let local: LocalDynamoDb | undefined;

beforeAll(async () => {
  local = await startLocalDynamoDb();
});

afterAll(async () => {
  await local?.close();
});

describeStorageContract('DynamoDB (dynalite)', () => {
  if (local === undefined) {
    throw new Error('dynalite is started in beforeAll');
  }
  return local.openStorage();
});
