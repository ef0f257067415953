import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { PurgeCutoffs, PurgeKind, PurgeRepository } from '../ports.js';
import { isConditionFailure, queryAll, type DynamoDbTable } from './dynamodb-table.js';
import { CHILD_PREFIX, KEYS, PARENT, sortableTime, TYPE_PARTITION } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';

const grantRef = z.object({ id: z.string() });
const clientRef = z.object({ clientId: z.string() });
const tokenRef = z.object({ pk: z.string(), sk: z.string() });

/**
 * The purge where TTL cannot reach. Codes, tokens, sessions and counters
 * carry a `ttl` attribute and DynamoDB deletes them itself (late, which the
 * reads allow for), so those kinds are 0 here. Grants carry none, because
 * they are listed in any state, and whether a client was ever used is not a
 * time; both are found through the `by-type` index and deleted here.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 * @see docs/storage-schema.md#purge
 */
export class DynamoDbPurgeRepository implements PurgeRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async purgeBatch(kind: PurgeKind, cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    const bounded = Math.max(0, Math.floor(limit));
    if (bounded === 0) return 0;
    if (kind === 'grants') return this.#purgeGrants(cutoffs.grantsEndedBefore, bounded);
    if (kind === 'clients' && cutoffs.unusedClientsCreatedBefore !== undefined) {
      return this.#purgeClients(cutoffs.unusedClientsCreatedBefore, bounded);
    }
    return 0;
  }

  /** Up to `wanted` items of an index query with a filter, following pages. */
  async #find(
    wanted: number,
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'Limit'>,
  ): Promise<unknown[]> {
    const found: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#table.doc.send(
        new QueryCommand({
          ...input,
          TableName: this.#table.name,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && found.length < wanted);
    return found.slice(0, wanted);
  }

  /** Grants that expired or were revoked before `before`, each with its tokens. */
  async #purgeGrants(before: number, limit: number): Promise<number> {
    const grants = await this.#find(limit, {
      IndexName: INDEX_NAMES.byType,
      KeyConditionExpression: 'gsi2pk = :type',
      FilterExpression: 'expiresAt < :before OR revokedAt < :before',
      ExpressionAttributeValues: { ':type': TYPE_PARTITION.grant, ':before': before },
      ProjectionExpression: 'id',
    });
    for (const { id } of grants.map((item) => grantRef.parse(item))) {
      const tokens = await queryAll(this.#table, {
        IndexName: INDEX_NAMES.byParent,
        KeyConditionExpression: 'gsi1pk = :grant AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':grant': PARENT.grant(id), ':prefix': CHILD_PREFIX.token },
        ProjectionExpression: 'pk, sk',
      });
      for (const key of tokens.map((item) => tokenRef.parse(item))) {
        await this.#table.doc.send(new DeleteCommand({ TableName: this.#table.name, Key: key }));
      }
      await this.#table.doc.send(
        new DeleteCommand({ TableName: this.#table.name, Key: KEYS.grant(id) }),
      );
    }
    return grants.length;
  }

  /**
   * Registered and metadata-document clients created before `before` with no
   * grant. The `by-client` index is eventually consistent: a grant made in
   * the last second may be missed, and its client then deleted; that client
   * was unused for the whole UNUSED_CLIENT_TTL before, and it registers again.
   */
  async #purgeClients(before: number, limit: number): Promise<number> {
    const candidates = await this.#find(limit, {
      IndexName: INDEX_NAMES.byType,
      KeyConditionExpression: 'gsi2pk = :type AND gsi2sk < :before',
      FilterExpression: '#source IN (:dcr, :cimd) AND kind = :oauth',
      ExpressionAttributeNames: { '#source': 'source' },
      ExpressionAttributeValues: {
        ':type': TYPE_PARTITION.client,
        ':before': sortableTime(before),
        ':dcr': 'dcr',
        ':cimd': 'cimd',
        ':oauth': 'oauth',
      },
      ProjectionExpression: 'clientId',
    });
    let deleted = 0;
    for (const { clientId } of candidates.map((item) => clientRef.parse(item))) {
      const grants = await this.#table.doc.send(
        new QueryCommand({
          TableName: this.#table.name,
          IndexName: INDEX_NAMES.byClient,
          KeyConditionExpression: 'gsi3pk = :client AND begins_with(gsi3sk, :prefix)',
          ExpressionAttributeValues: {
            ':client': PARENT.client(clientId),
            ':prefix': CHILD_PREFIX.grant,
          },
          Limit: 1,
        }),
      );
      if ((grants.Items ?? []).length > 0) continue;
      try {
        await this.#table.doc.send(
          new DeleteCommand({
            TableName: this.#table.name,
            Key: KEYS.client(clientId),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
        deleted += 1;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return deleted;
  }
}
