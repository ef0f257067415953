import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { AuditEvent, AuditRepository } from '../ports.js';
import { conflictOr, type DynamoDbTable } from './dynamodb-table.js';
import { AUDIT_PARTITION, KEYS } from './item-keys.js';

/** Upper bound on one Query page of the tail, so a huge `limit` stays a valid request. */
const PAGE_LIMIT = 1000;

const detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const auditItem = z.object({
  id: z.string(),
  at: z.number().int(),
  type: z.string(),
  outcome: z.enum(['success', 'failure']),
  userId: z.string().exactOptional(),
  username: z.string().exactOptional(),
  clientId: z.string().exactOptional(),
  grantId: z.string().exactOptional(),
  requestId: z.string().exactOptional(),
  ip: z.string().exactOptional(),
  detail: z
    .string()
    .transform((json): unknown => JSON.parse(json))
    .pipe(detail)
    .exactOptional(),
});

function toEvent(item: unknown): AuditEvent {
  return auditItem.parse(item);
}

/**
 * The audit trail: one partition (`AUDIT`) sorted by `<at>#<id>`, so the
 * tail is one strongly consistent Query read backwards. Append-only: this
 * class only ever puts, with `attribute_not_exists(pk)`, so an event is
 * never overwritten. `detail` is stored as JSON text, as in SQLite, because a
 * DynamoDB map would refuse numbers beyond 2^53 and empty keys.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export class DynamoDbAuditRepository implements AuditRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async append(event: AuditEvent): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.audit(event.at, event.id),
            id: event.id,
            at: event.at,
            type: event.type,
            outcome: event.outcome,
            userId: event.userId,
            username: event.username,
            clientId: event.clientId,
            grantId: event.grantId,
            requestId: event.requestId,
            ip: event.ip,
            detail: event.detail === undefined ? undefined : JSON.stringify(event.detail),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'audit event id');
    }
  }

  /** The newest `limit` events, oldest first; a limit below 1 yields none. */
  async tail(limit: number): Promise<AuditEvent[]> {
    const wanted = Math.max(0, Math.floor(limit));
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    while (items.length < wanted) {
      const page = await this.#table.doc.send(
        new QueryCommand({
          TableName: this.#table.name,
          KeyConditionExpression: 'pk = :audit',
          ExpressionAttributeValues: { ':audit': AUDIT_PARTITION },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: Math.min(wanted - items.length, PAGE_LIMIT),
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
      if (start === undefined) {
        break;
      }
    }
    return items.map(toEvent).reverse();
  }
}
