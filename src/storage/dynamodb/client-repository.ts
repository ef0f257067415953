import { CLIENT_DELETED_REASON } from '../ports.js';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ClientRecord, ClientRepository } from '../ports.js';
import {
  conflictOr,
  getItem,
  isConditionFailure,
  queryAll,
  type DynamoDbTable,
} from './dynamodb-table.js';
import { revokeGrant, toGrant } from './grant-item.js';
import { CHILD_PREFIX, KEYS, PARENT, sortableTime, TYPE_PARTITION } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';

const clientItem = z.object({
  clientId: z.string(),
  kind: z.enum(['oauth', 'resource_server']),
  secretHash: z.string().exactOptional(),
  secretExpiresAt: z.number().int().exactOptional(),
  clientName: z.string().exactOptional(),
  redirectUris: z.array(z.string()),
  grantTypes: z.array(z.string()),
  responseTypes: z.array(z.string()),
  tokenEndpointAuthMethod: z.enum(['none', 'client_secret_basic', 'client_secret_post']),
  scope: z.string().exactOptional(),
  clientUri: z.string().exactOptional(),
  logoUri: z.string().exactOptional(),
  source: z.enum(['dcr', 'cli', 'cimd']),
  createdAt: z.number().int(),
});

function toClient(item: unknown): ClientRecord {
  return clientItem.parse(item);
}

/**
 * Registered clients. Only the SHA-256 of a client secret is stored. Lists
 * are DynamoDB lists (`L`), not string sets, because they keep order and may
 * be empty (`responseTypes: []`).
 * @see RFC 7591 §3.2.1
 */
export class DynamoDbClientRepository implements ClientRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async create(client: ClientRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.client(client.clientId),
            gsi2pk: TYPE_PARTITION.client,
            gsi2sk: `${sortableTime(client.createdAt)}#${client.clientId}`,
            // Absent optional fields are `undefined` here, and the document
            // client is set to drop those, so they are absent in the item.
            clientId: client.clientId,
            kind: client.kind,
            secretHash: client.secretHash,
            secretExpiresAt: client.secretExpiresAt,
            clientName: client.clientName,
            redirectUris: client.redirectUris,
            grantTypes: client.grantTypes,
            responseTypes: client.responseTypes,
            tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
            scope: client.scope,
            clientUri: client.clientUri,
            logoUri: client.logoUri,
            source: client.source,
            createdAt: client.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'client id');
    }
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const item = await getItem(this.#table, KEYS.client(clientId));
    return item === undefined ? undefined : toClient(item);
  }

  /** From the `by-type` index: eventually consistent, oldest first. */
  async list(): Promise<ClientRecord[]> {
    const items = await queryAll(this.#table, {
      IndexName: INDEX_NAMES.byType,
      KeyConditionExpression: 'gsi2pk = :type',
      ExpressionAttributeValues: { ':type': TYPE_PARTITION.client },
    });
    return items.map(toClient);
  }

  /**
   * Revokes the client's unrevoked grants (found through the `by-client`
   * index), then deletes the client. Revoking first means a crash half-way
   * leaves a client with dead grants, which a retry finishes, never a deleted
   * client with live ones. Grants already revoked keep their first reason.
   * @see RFC 7592 §2.3
   */
  async delete(clientId: string, now: number): Promise<boolean> {
    if ((await getItem(this.#table, KEYS.client(clientId))) === undefined) {
      return false;
    }
    const grants = (
      await queryAll(this.#table, {
        IndexName: INDEX_NAMES.byClient,
        KeyConditionExpression: 'gsi3pk = :client AND begins_with(gsi3sk, :prefix)',
        ExpressionAttributeValues: {
          ':client': PARENT.client(clientId),
          ':prefix': CHILD_PREFIX.grant,
        },
      })
    ).map(toGrant);
    for (const grant of grants) {
      if (grant.revokedAt === undefined) {
        await revokeGrant(this.#table, grant.id, now, CLIENT_DELETED_REASON);
      }
    }
    try {
      await this.#table.doc.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: KEYS.client(clientId),
          // A concurrent delete that got here first has already answered true.
          ConditionExpression: 'attribute_exists(pk)',
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
