import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { formatScopes, parseStoredScopes } from '../../oauth/scopes.js';
import type { GrantRecord } from '../ports.js';
import { getItem, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import { CHILD_PREFIX, KEYS, PARENT, sortableTime, TYPE_PARTITION } from './item-keys.js';

const grantItem = z.object({
  id: z.string(),
  userId: z.string(),
  clientId: z.string(),
  scopes: z.string().transform(parseStoredScopes),
  resource: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  revokedAt: z.number().int().exactOptional(),
  revokedReason: z.string().exactOptional(),
  kind: z.enum(['oauth', 'personal']).exactOptional(),
  label: z.string().exactOptional(),
  lastUsedAt: z.number().int().exactOptional(),
});

/**
 * A grant's item: indexed under its user (`by-parent`), its type (`by-type`)
 * and its client (`by-client`). No TTL: grants are listed in any state.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export function toGrantItem(grant: GrantRecord): Record<string, unknown> {
  const order = `${sortableTime(grant.createdAt)}#${grant.id}`;
  return {
    ...KEYS.grant(grant.id),
    gsi1pk: PARENT.user(grant.userId),
    gsi1sk: `${CHILD_PREFIX.grant}${order}`,
    gsi2pk: TYPE_PARTITION.grant,
    gsi2sk: order,
    gsi3pk: PARENT.client(grant.clientId),
    gsi3sk: `${CHILD_PREFIX.grant}${order}`,
    id: grant.id,
    userId: grant.userId,
    clientId: grant.clientId,
    scopes: formatScopes(grant.scopes),
    resource: grant.resource,
    createdAt: grant.createdAt,
    expiresAt: grant.expiresAt,
    revokedAt: grant.revokedAt,
    revokedReason: grant.revokedReason,
    kind: grant.kind,
    label: grant.label,
    lastUsedAt: grant.lastUsedAt,
  };
}

/**
 * Parses a stored grant; absent attributes become absent properties.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export function toGrant(item: unknown): GrantRecord {
  return grantItem.parse(item);
}

/**
 * The grant in any state, read strongly consistently.
 * @see RFC 7009 §2.1
 */
export async function readGrant(
  table: DynamoDbTable,
  id: string,
): Promise<GrantRecord | undefined> {
  const item = await getItem(table, KEYS.grant(id));
  return item === undefined ? undefined : toGrant(item);
}

/**
 * True when `grant` can still back a token at `now`: unrevoked and unexpired.
 * @see RFC 7662 §2.2
 */
export function isGrantUsable(grant: GrantRecord, now: number): boolean {
  return grant.revokedAt === undefined && grant.expiresAt > now;
}

/**
 * Sets `lastUsedAt` to `now` when absent or at most `now - minIntervalMs`;
 * one conditional update, which never creates an item. A refused condition
 * (used recently, or no such grant) is the expected outcome, not an error.
 * @see RFC 7662 §2.2
 */
export async function touchGrant(
  table: DynamoDbTable,
  id: string,
  now: number,
  minIntervalMs: number,
): Promise<void> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: KEYS.grant(id),
        UpdateExpression: 'SET #lastUsedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt <= :floor)',
        ExpressionAttributeNames: { '#lastUsedAt': 'lastUsedAt' },
        ExpressionAttributeValues: { ':now': now, ':floor': now - minIntervalMs },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Marks a grant revoked unless it already is: `if_not_exists` keeps the first
 * time and reason. False when there is no such grant.
 * @see RFC 7009 §2.1
 */
export async function revokeGrant(
  table: DynamoDbTable,
  id: string,
  now: number,
  reason: string,
): Promise<boolean> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: KEYS.grant(id),
        UpdateExpression:
          'SET #revokedAt = if_not_exists(#revokedAt, :now), ' +
          '#revokedReason = if_not_exists(#revokedReason, :reason)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#revokedAt': 'revokedAt', '#revokedReason': 'revokedReason' },
        ExpressionAttributeValues: { ':now': now, ':reason': reason },
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
