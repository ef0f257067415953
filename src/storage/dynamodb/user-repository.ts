import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { UserRecord, UserRepository } from '../ports.js';
import {
  conflictOr,
  countAll,
  getItem,
  isConditionFailure,
  queryAll,
  type DynamoDbTable,
} from './dynamodb-table.js';
import { KEYS, sortableTime, TYPE_PARTITION } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';

const userItem = z.object({
  id: z.string(),
  username: z.string(),
  passwordHash: z.string(),
  disabled: z.boolean(),
  createdAt: z.number().int(),
});

const idPointer = z.object({ username: z.string() });

function toUser(item: unknown): UserRecord {
  return userItem.parse(item);
}

const BY_TYPE = {
  IndexName: INDEX_NAMES.byType,
  KeyConditionExpression: 'gsi2pk = :type',
  ExpressionAttributeValues: { ':type': TYPE_PARTITION.user },
} as const;

/**
 * Local accounts. The record is keyed by username (`USERNAME#…`), so one
 * conditional put both stores it and enforces unique usernames; a small
 * `USER#id` item points from the id to the username. No transaction is
 * needed: the pointer is written first, and a crash before the record leaves
 * only a pointer to nothing, which reads as absent and blocks no username.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export class DynamoDbUserRepository implements UserRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async create(user: UserRecord): Promise<void> {
    const { doc, name } = this.#table;
    const pointer = KEYS.userId(user.id);
    try {
      await doc.send(
        new PutCommand({
          TableName: name,
          Item: { ...pointer, username: user.username },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'user id');
    }
    try {
      await doc.send(
        new PutCommand({
          TableName: name,
          Item: {
            ...KEYS.user(user.username),
            gsi2pk: TYPE_PARTITION.user,
            gsi2sk: `${sortableTime(user.createdAt)}#${user.id}`,
            id: user.id,
            username: user.username,
            passwordHash: user.passwordHash,
            disabled: user.disabled,
            createdAt: user.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Release the id claimed above. Should this fail too, the orphan
      // pointer is harmless: getById reads it as absent.
      await doc.send(new DeleteCommand({ TableName: name, Key: pointer })).catch(() => undefined);
      throw conflictOr(error, 'username');
    }
  }

  /** Follows the id pointer; a pointer whose username now belongs to another id reads as absent. */
  async getById(id: string): Promise<UserRecord | undefined> {
    const pointer = await getItem(this.#table, KEYS.userId(id));
    if (pointer === undefined) {
      return undefined;
    }
    const user = await this.getByUsername(idPointer.parse(pointer).username);
    return user?.id === id ? user : undefined;
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const item = await getItem(this.#table, KEYS.user(username));
    return item === undefined ? undefined : toUser(item);
  }

  async list(): Promise<UserRecord[]> {
    return (await queryAll(this.#table, BY_TYPE)).map(toUser);
  }

  setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return this.#update(username, 'disabled', disabled);
  }

  setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    return this.#update(username, 'passwordHash', passwordHash);
  }

  /** Eventually consistent (a GSI count): a user created a moment ago may be missing. */
  count(): Promise<number> {
    return countAll(this.#table, BY_TYPE);
  }

  async #update(username: string, field: string, value: unknown): Promise<boolean> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.user(username),
          UpdateExpression: 'SET #field = :value',
          // Without the condition an update would create a half-made user.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':value': value },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) {
        return false;
      }
      throw error;
    }
  }
}
