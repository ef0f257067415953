import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { GrantRecord, GrantRepository } from '../ports.js';
import { conflictOr, queryAll, type DynamoDbTable } from './dynamodb-table.js';
import { readGrant, revokeGrant, toGrant, toGrantItem, touchGrant } from './grant-item.js';
import { CHILD_PREFIX, PARENT, TYPE_PARTITION } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';

/**
 * Grants: one user's consent to one client, the parent of every token issued
 * under it. Revoking the grant ends all of its tokens, because `findActive`
 * reads the grant with the token.
 * @see RFC 7009 §2.1
 */
export class DynamoDbGrantRepository implements GrantRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async create(grant: GrantRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: toGrantItem(grant),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'grant id');
    }
  }

  get(id: string): Promise<GrantRecord | undefined> {
    return readGrant(this.#table, id);
  }

  /** From the `by-parent` index: eventually consistent, oldest first. */
  async listByUser(userId: string): Promise<GrantRecord[]> {
    const items = await queryAll(this.#table, {
      IndexName: INDEX_NAMES.byParent,
      KeyConditionExpression: 'gsi1pk = :user AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':user': PARENT.user(userId), ':prefix': CHILD_PREFIX.grant },
    });
    return items.map(toGrant);
  }

  /** From the `by-type` index: eventually consistent, oldest first. */
  async listAll(): Promise<GrantRecord[]> {
    const items = await queryAll(this.#table, {
      IndexName: INDEX_NAMES.byType,
      KeyConditionExpression: 'gsi2pk = :type',
      ExpressionAttributeValues: { ':type': TYPE_PARTITION.grant },
    });
    return items.map(toGrant);
  }

  /**
   * Idempotent: a second revocation keeps the first time and reason.
   * @see RFC 7009 §2.1
   */
  revoke(id: string, now: number, reason: string): Promise<boolean> {
    return revokeGrant(this.#table, id, now, reason);
  }

  /**
   * One conditional update: at most one write per grant per `minIntervalMs`.
   * @see RFC 7662 §2.2
   */
  touch(id: string, now: number, minIntervalMs: number): Promise<void> {
    return touchGrant(this.#table, id, now, minIntervalMs);
  }
}
