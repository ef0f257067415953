import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { SessionRecord, SessionRepository } from '../ports.js';
import { conflictOr, getItem, queryAll, type DynamoDbTable } from './dynamodb-table.js';
import { CHILD_PREFIX, KEYS, PARENT, ttlSeconds } from './item-keys.js';
import { INDEX_NAMES, TTL_ATTRIBUTE } from './table-schema.js';

const sessionItem = z.object({
  idHash: z.string(),
  userId: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});

/**
 * Browser login sessions at the authorization server, stored by the hash of
 * the cookie value and indexed under their user (`by-parent`).
 * @see RFC 6749 §3.1
 */
export class DynamoDbSessionRepository implements SessionRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async create(session: SessionRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.session(session.idHash),
            gsi1pk: PARENT.user(session.userId),
            gsi1sk: `${CHILD_PREFIX.session}${session.idHash}`,
            [TTL_ATTRIBUTE]: ttlSeconds(session.expiresAt),
            idHash: session.idHash,
            userId: session.userId,
            createdAt: session.createdAt,
            expiresAt: session.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'session id hash');
    }
  }

  /** The session when unexpired at `now`; an expired one reads as absent. */
  async get(idHash: string, now: number): Promise<SessionRecord | undefined> {
    const item = await getItem(this.#table, KEYS.session(idHash));
    if (item === undefined) {
      return undefined;
    }
    const session = sessionItem.parse(item);
    return session.expiresAt > now ? session : undefined;
  }

  async delete(idHash: string): Promise<void> {
    await this.#table.doc.send(
      new DeleteCommand({ TableName: this.#table.name, Key: KEYS.session(idHash) }),
    );
  }

  /**
   * Ends every session of a user, e.g. when the account is disabled or its
   * password changes. The index is eventually consistent, so a session
   * created in the same instant may survive; callers that must be certain
   * also check the user on each request.
   * @see RFC 6749 §3.1
   */
  async deleteByUser(userId: string): Promise<void> {
    const items = await queryAll(this.#table, {
      IndexName: INDEX_NAMES.byParent,
      KeyConditionExpression: 'gsi1pk = :user AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':user': PARENT.user(userId), ':prefix': CHILD_PREFIX.session },
    });
    await Promise.all(
      items.map((item) => sessionItem.parse(item).idHash).map((idHash) => this.delete(idHash)),
    );
  }
}
