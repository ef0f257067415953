/**
 * What every repository of the DynamoDB adapter shares: the document client,
 * the table name, and the few idioms they all use (conditional-write
 * failures, whole-result queries).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../ports.js';
import type { ItemKey } from './item-keys.js';

export interface DynamoDbTable {
  doc: DynamoDBDocumentClient;
  name: string;
}

/**
 * True when a write was refused by its `ConditionExpression`; that refusal is
 * how this adapter learns it lost a race or hit an existing key.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/**
 * Maps the refusal of an `attribute_not_exists(pk)` put to `ConflictError`;
 * other errors pass through. `what` names the field, never its value.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html#Expressions.ConditionExpressions.PreventingOverwrites
 */
export function conflictOr(error: unknown, what: string): Error {
  if (isConditionFailure(error)) {
    return new ConflictError(`${what} is taken`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A strongly consistent read of one item: every decision this adapter takes
 * on a read (is the code consumed, is the token rotated) must see the latest
 * conditional write, not a replica a second behind.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html
 */
export async function getItem(table: DynamoDbTable, key: ItemKey): Promise<unknown> {
  const result = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
  );
  return result.Item;
}

/**
 * Every item a query matches, following `LastEvaluatedKey` across 1 MB pages.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
export async function queryAll(
  table: DynamoDbTable,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const page of paginateQuery(
    { client: table.doc },
    { ...input, TableName: table.name },
  )) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

/**
 * Counts what a query matches without reading the items back.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Select
 */
export async function countAll(
  table: DynamoDbTable,
  input: Omit<QueryCommandInput, 'TableName' | 'Select'>,
): Promise<number> {
  let count = 0;
  for await (const page of paginateQuery(
    { client: table.doc },
    { ...input, TableName: table.name, Select: 'COUNT' },
  )) {
    count += page.Count ?? 0;
  }
  return count;
}
