import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { CounterRepository, CounterReservation } from '../ports.js';
import { getItem, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import { KEYS, ttlSeconds } from './item-keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

/**
 * Each failed round means another caller's write succeeded in between, so
 * the loop always makes progress; the bound only turns a state this code
 * cannot produce into an error instead of a spin.
 */
const MAX_ROUNDS = 100;

const counterItem = z.object({ count: z.number().int(), expiresAt: z.number().int() });

/**
 * `ADD 1` only while the window is open (and, given a `limit`, below it).
 * Returns the window after the add, or undefined when the condition failed.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
async function addOneToOpenWindow(
  table: DynamoDbTable,
  key: string,
  now: number,
  limit?: number,
): Promise<{ count: number; expiresAt: number } | undefined> {
  const belowLimit = limit === undefined ? '' : ' AND #count < :limit';
  try {
    const result = await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: KEYS.counter(key),
        UpdateExpression: 'ADD #count :one',
        ConditionExpression: `attribute_exists(pk) AND #expiresAt > :now${belowLimit}`,
        ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues:
          limit === undefined
            ? { ':one': 1, ':now': now }
            : { ':one': 1, ':now': now, ':limit': limit },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return counterItem.parse(result.Attributes);
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
    return undefined;
  }
}

/**
 * Starts a new window at 1 only if the window is missing or ended; false
 * when the condition failed (a concurrent caller got there first).
 */
async function startWindow(
  table: DynamoDbTable,
  key: string,
  now: number,
  expiresAt: number,
): Promise<boolean> {
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          ...KEYS.counter(key),
          [TTL_ATTRIBUTE]: ttlSeconds(expiresAt),
          count: 1,
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
    return false;
  }
}

/**
 * Fixed-window counters for rate limits and login throttling. The window
 * starts at the first increment and ends at the `expiresAt` given then; an
 * increment at or after that end starts a new window at 1.
 * @see RFC 6585 §4
 */
export class DynamoDbCounterRepository implements CounterRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  /**
   * Two conditional writes, neither of which can lose a count: `ADD 1` while
   * the window is open, else a put that starts a new window at 1 only if the
   * window is still missing or ended. Whichever fails lost to a concurrent
   * caller, and the round is tried again.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.AtomicCounters
   */
  async increment(key: string, now: number, expiresAt: number): Promise<number> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const added = await addOneToOpenWindow(this.#table, key, now);
      if (added !== undefined) {
        return added.count;
      }
      if (await startWindow(this.#table, key, now, expiresAt)) {
        return 1;
      }
    }
    throw new Error('counter increment kept losing races; giving up');
  }

  /**
   * Three requests, none of which can pass the limit: `ADD 1` only while the
   * window is open and below `limit`; else a put that starts a new window at
   * 1 only if the window is missing or ended; else a consistent read. A read
   * that shows an open, full window is a moment at which refusing was right
   * (a window's count only grows until it ends); anything else means a
   * concurrent caller changed the item, and the round is tried again.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
   */
  async reserve(
    key: string,
    now: number,
    expiresAt: number,
    limit: number,
  ): Promise<CounterReservation> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError('limit must be a positive integer');
    }
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const added = await addOneToOpenWindow(this.#table, key, now, limit);
      if (added !== undefined) {
        return { reserved: true, ...added };
      }
      if (await startWindow(this.#table, key, now, expiresAt)) {
        return { reserved: true, count: 1, expiresAt };
      }
      const item = await getItem(this.#table, KEYS.counter(key));
      if (item !== undefined) {
        const window = counterItem.parse(item);
        if (window.expiresAt > now && window.count >= limit) {
          return { reserved: false, ...window };
        }
      }
    }
    throw new Error('counter reservation kept losing races; giving up');
  }

  /** `ADD -1` on the same window only, never below 0; a failed condition means nothing to give back. */
  async release(key: string, windowEnd: number): Promise<void> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.counter(key),
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: 'attribute_exists(pk) AND #expiresAt = :end AND #count > :zero',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':minusOne': -1, ':end': windowEnd, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
    }
  }

  /** The current window; an ended one reads as absent. */
  async get(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined> {
    const item = await getItem(this.#table, KEYS.counter(key));
    if (item === undefined) {
      return undefined;
    }
    const counter = counterItem.parse(item);
    return counter.expiresAt > now ? counter : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.#table.doc.send(
      new DeleteCommand({ TableName: this.#table.name, Key: KEYS.counter(key) }),
    );
  }
}
