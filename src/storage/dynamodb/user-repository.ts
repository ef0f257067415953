import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  ConflictError,
  type ExternalIdentity,
  type UserRecord,
  type UserRepository,
} from '../ports.js';
import {
  conflictOr,
  countAll,
  getItem,
  isConditionFailure,
  queryAll,
  type DynamoDbTable,
} from './dynamodb-table.js';
import { KEYS, sortableTime, TYPE_PARTITION, type ItemKey } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';

const userItem = z.object({
  id: z.string(),
  username: z.string(),
  passwordHash: z.string(),
  disabled: z.boolean(),
  createdAt: z.number().int(),
  identityIssuer: z.string().optional(),
  identitySubject: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});

const idPointer = z.object({ username: z.string() });
const identityPointer = z.object({
  userId: z.string(),
  username: z.string(),
  claimedAt: z.number().int(),
});

/** How long a create may take between claiming an identity and writing its user. */
const ORPHAN_AFTER_MS = 60_000;

function toUser(item: unknown): UserRecord {
  const parsed = userItem.parse(item);
  const user: UserRecord = {
    id: parsed.id,
    username: parsed.username,
    passwordHash: parsed.passwordHash,
    disabled: parsed.disabled,
    createdAt: parsed.createdAt,
  };
  if (parsed.identityIssuer !== undefined && parsed.identitySubject !== undefined) {
    user.identity = { issuer: parsed.identityIssuer, subject: parsed.identitySubject };
  }
  if (parsed.email !== undefined) user.email = parsed.email;
  if (parsed.name !== undefined) user.name = parsed.name;
  return user;
}

const BY_TYPE = {
  IndexName: INDEX_NAMES.byType,
  KeyConditionExpression: 'gsi2pk = :type',
  ExpressionAttributeValues: { ':type': TYPE_PARTITION.user },
} as const;

/**
 * Accounts, local and from an OpenID provider. The record is keyed by username (`USERNAME#…`), so one
 * conditional put both stores it and enforces unique usernames; a small
 * `USER#id` item points from the id to the username. No transaction is
 * needed: the pointer is written first, and a crash before the record leaves
 * only a pointer to nothing, which reads as absent and blocks no username.
 * A person from an OpenID provider also has an `IDENTITY#issuer`/`SUBJECT#sub`
 * pointer, claimed (conditionally) before the record, so (issuer, subject)
 * is unique the same way. An orphan identity pointer reads as absent, and a
 * later create takes it over (see `#claimIdentity`).
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
    const identity =
      user.identity === undefined
        ? undefined
        : KEYS.identity(user.identity.issuer, user.identity.subject);
    if (identity !== undefined) {
      try {
        await this.#claimIdentity(identity, user);
      } catch (error) {
        await doc.send(new DeleteCommand({ TableName: name, Key: pointer })).catch(() => undefined);
        throw conflictOr(error, 'identity');
      }
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
            identityIssuer: user.identity?.issuer,
            identitySubject: user.identity?.subject,
            email: user.email,
            name: user.name,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Release what was claimed above. Should this fail too, the orphan
      // pointers are harmless: each reads as absent unless the user it
      // names has the same id.
      for (const key of identity === undefined ? [pointer] : [pointer, identity]) {
        await doc.send(new DeleteCommand({ TableName: name, Key: key })).catch(() => undefined);
      }
      throw conflictOr(error, 'username');
    }
  }

  /**
   * Writes the identity pointer unless one exists. An existing pointer whose
   * user never appeared (a create that died between its writes) is taken
   * over once it is older than {@link ORPHAN_AFTER_MS}, conditionally on it
   * being unchanged; a younger one may be a create still in progress.
   */
  async #claimIdentity(key: ItemKey, user: UserRecord): Promise<void> {
    const { doc, name } = this.#table;
    const item = { ...key, userId: user.id, username: user.username, claimedAt: user.createdAt };
    try {
      await doc.send(
        new PutCommand({
          TableName: name,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = identityPointer.parse(await getItem(this.#table, key));
    const owner = await this.getByUsername(existing.username);
    if (owner?.id === existing.userId || existing.claimedAt > user.createdAt - ORPHAN_AFTER_MS) {
      throw new ConflictError('identity is taken');
    }
    await doc.send(
      new PutCommand({
        TableName: name,
        Item: item,
        ConditionExpression: 'userId = :stale AND claimedAt = :claimed',
        ExpressionAttributeValues: { ':stale': existing.userId, ':claimed': existing.claimedAt },
      }),
    );
  }

  /** Follows the identity pointer; one whose user is gone or replaced reads as absent. */
  async getByIdentity(identity: ExternalIdentity): Promise<UserRecord | undefined> {
    const item = await getItem(this.#table, KEYS.identity(identity.issuer, identity.subject));
    if (item === undefined) return undefined;
    const target = identityPointer.parse(item);
    const user = await this.getByUsername(target.username);
    return user?.id === target.userId ? user : undefined;
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
