import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { chainHash, GENESIS_HASH } from '../../audit/audit-chain.js';
import type {
  AuditAnchor,
  AuditChainState,
  AuditEvent,
  AuditPurgeResult,
  AuditRepository,
  ChainedAuditEvent,
} from '../ports.js';
import { getItem, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import {
  AUDIT_PARTITION,
  AUDIT_SEQ_PREFIX,
  KEYS,
  sortableTime,
  type ItemKey,
} from './item-keys.js';

/** Upper bound on one Query page, so a huge `limit` stays a valid request. */
const PAGE_LIMIT = 1000;

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;

/** Appends that lose the race for a `seq` this many times in a row fail (loudly). */
const MAX_APPEND_ATTEMPTS = 30;

/** The highest sort key a chained event can have. */
const LAST_SEQ_KEY = `${AUDIT_SEQ_PREFIX}${'9'.repeat(16)}`;

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

const chainFields = z.object({
  pk: z.string(),
  sk: z.string(),
  seq: z.number().int(),
  prevHash: z.string(),
  hash: z.string(),
});

const headItem = z.object({ seq: z.number().int(), hash: z.string() });

const anchorItem = z.object({
  seq: z.number().int(),
  hash: z.string(),
  purged: z.number().int(),
  movedAt: z.number().int().exactOptional(),
});

function toEvent(item: unknown): AuditEvent {
  return auditItem.parse(item);
}

function toChained(item: unknown): ChainedAuditEvent {
  const { seq, prevHash, hash } = chainFields.parse(item);
  return { seq, prevHash, hash, event: toEvent(item) };
}

function keyOf(item: unknown): ItemKey {
  const { pk, sk } = z.object({ pk: z.string(), sk: z.string() }).parse(item);
  return { pk, sk };
}

/** Up to 2^attempt × 5 ms (at most 250 ms), at random, so racing appenders spread out. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(250, 5 * 2 ** attempt);
}

/**
 * The audit trail as a hash chain (src/audit/audit-chain.ts) in one
 * partition (`AUDIT`). A chained event is keyed by its position
 * (`SEQ#<seq>`) and written with `attribute_not_exists(pk)`: of appenders
 * racing for the same position, in any number of Lambdas, exactly one wins
 * and the others re-read the end and try the next one, so the chain never
 * forks. Appends use single-item requests only, as the Lambda roles allow
 * (infra/table-actions.ts). Appends from this process are queued, so they never race each
 * other. Events from before the chain (`<at>#<id>` keys) sort before every
 * chained one and are still read by `tail` and removed by retention. The
 * anchor and the head (where a fresh process starts looking for the end)
 * live apart, in `AUDIT_CHAIN`. `detail` is JSON text, as in SQLite,
 * because a DynamoDB map would refuse numbers beyond 2^53 and empty keys.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export class DynamoDbAuditRepository implements AuditRepository {
  readonly #table: DynamoDbTable;
  /** The end of the chain as this process last wrote or read it (a hint, re-read on conflict). */
  #last: { seq: number; hash: string } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  append(event: AuditEvent): Promise<void> {
    const run = this.#queue.then(() => this.#appendChained(event));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #appendChained(event: AuditEvent): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      // This process's own last write is tried at once (a warm Lambda pays no
      // read); losing that race falls back to the head and a walk forward.
      const last = this.#last ?? (await this.#findEnd(await this.#readHint()));
      const seq = last.seq + 1;
      const hash = chainHash(last.hash, seq, event);
      try {
        await this.#table.doc.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: {
              ...KEYS.auditSeq(seq),
              seq,
              prevHash: last.hash,
              hash,
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
        if (!isConditionFailure(error)) throw error;
        this.#last = undefined;
        // The SDK retries a request whose answer was lost; if that earlier
        // try landed, the position holds this very event, and it is done.
        const there = await getItem(this.#table, KEYS.auditSeq(seq));
        if (there === undefined || chainFields.parse(there).hash !== hash) {
          if (attempt >= MAX_APPEND_ATTEMPTS) {
            throw new Error(`audit append lost the race for the chain's end ${attempt} times`, {
              cause: error,
            });
          }
          await sleep(backoffMs(attempt));
          continue;
        }
      }
      this.#last = { seq, hash };
      await this.#moveHead(seq, hash);
      return;
    }
  }

  /**
   * Where to start looking for the end: the head item (or the anchor, when
   * retention went past it). Single-item reads only: the Lambda roles may
   * not Query (infra/table-actions.ts).
   */
  async #readHint(): Promise<{ seq: number; hash: string }> {
    const [head, anchor] = await Promise.all([
      getItem(this.#table, KEYS.auditHead()),
      this.#readAnchor(),
    ]);
    const parsed = head === undefined ? undefined : headItem.parse(head);
    return parsed !== undefined && parsed.seq >= anchor.seq ? parsed : anchor;
  }

  /** Walks forward from `from` over positions already taken (the hint lags by in-flight appends). */
  async #findEnd(from: { seq: number; hash: string }): Promise<{ seq: number; hash: string }> {
    let end = from;
    for (;;) {
      const next = await getItem(this.#table, KEYS.auditSeq(end.seq + 1));
      if (next === undefined) return end;
      const { seq, hash } = chainFields.parse(next);
      end = { seq, hash };
    }
  }

  /**
   * Records the new end in the head item, unless another appender already
   * recorded a later one. A conditional PutItem rather than UpdateItem: the
   * MCP role may only get and put (infra/table-actions.ts). A crash before
   * this leaves the head behind, never ahead, which `#findEnd` walks over.
   */
  async #moveHead(seq: number, hash: string): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...KEYS.auditHead(), seq, hash },
          ConditionExpression: 'attribute_not_exists(pk) OR #seq < :seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The newest chained event, or the anchor when every chained event was purged. */
  async #readEnd(known?: AuditAnchor): Promise<{ seq: number; hash: string }> {
    const page = await this.#table.doc.send(
      new QueryCommand({
        TableName: this.#table.name,
        KeyConditionExpression: 'pk = :audit AND begins_with(sk, :seq)',
        ExpressionAttributeValues: { ':audit': AUDIT_PARTITION, ':seq': AUDIT_SEQ_PREFIX },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const anchor = known ?? (await this.#readAnchor());
    const newest = page.Items?.[0];
    if (newest === undefined) return anchor;
    const { seq, hash } = chainFields.parse(newest);
    return seq >= anchor.seq ? { seq, hash } : anchor;
  }

  async #readAnchor(): Promise<AuditAnchor> {
    const item = await getItem(this.#table, KEYS.auditAnchor());
    return item === undefined ? { seq: 0, hash: GENESIS_HASH, purged: 0 } : anchorItem.parse(item);
  }

  /** The newest `limit` events, oldest first; a limit below 1 yields none. */
  async tail(limit: number): Promise<AuditEvent[]> {
    const wanted = Math.max(0, Math.floor(limit));
    const items = await this.#query(wanted, {
      KeyConditionExpression: 'pk = :audit',
      ExpressionAttributeValues: { ':audit': AUDIT_PARTITION },
      ScanIndexForward: false,
    });
    return items.map(toEvent).reverse();
  }

  async chain(afterSeq: number, limit: number): Promise<ChainedAuditEvent[]> {
    const items = await this.#query(Math.max(0, Math.floor(limit)), {
      KeyConditionExpression: 'pk = :audit AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':audit': AUDIT_PARTITION,
        ':from': KEYS.auditSeq(Math.max(0, afterSeq) + 1).sk,
        ':to': LAST_SEQ_KEY,
      },
    });
    return items.map(toChained);
  }

  /** The head item may lag the end (a crash between the two puts), never run ahead of it. */
  async chainState(): Promise<AuditChainState> {
    const anchor = await this.#readAnchor();
    const head = await getItem(this.#table, KEYS.auditHead());
    return {
      anchor,
      end: await this.#readEnd(anchor),
      ...(head === undefined ? {} : { head: { ...headItem.parse(head), mayLag: true } }),
    };
  }

  /**
   * One bounded batch of retention: old unchained events, leftovers of an
   * interrupted purge, then the oldest chained events recorded before
   * `before`. The anchor is moved first (conditionally on where it was, so
   * two purges never both count the same events), the events deleted after:
   * a crash in between leaves events the anchor already covers, which the
   * next purge deletes and `audit verify` ignores.
   */
  async purgeBefore(before: number, limit: number, now: number): Promise<AuditPurgeResult> {
    let budget = Math.max(0, Math.floor(limit));
    const unchained = await this.#query(budget, {
      KeyConditionExpression: 'pk = :audit AND sk < :before',
      ExpressionAttributeValues: { ':audit': AUDIT_PARTITION, ':before': sortableTime(before) },
    });
    let deleted = await this.#deleteAll(unchained.map(keyOf));
    budget -= unchained.length;
    let anchor = await this.#readAnchor();
    const leftovers = await this.#query(budget, {
      KeyConditionExpression: 'pk = :audit AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':audit': AUDIT_PARTITION,
        ':from': KEYS.auditSeq(0).sk,
        ':to': KEYS.auditSeq(anchor.seq).sk,
      },
    });
    deleted += await this.#deleteAll(leftovers.map(keyOf));
    budget -= leftovers.length;
    const oldest = await this.chain(anchor.seq, budget);
    const doomed: ChainedAuditEvent[] = [];
    for (const entry of oldest) {
      if (entry.event.at >= before) break;
      doomed.push(entry);
    }
    const last = doomed.at(-1);
    if (last === undefined) return { deleted, anchor };
    const moved: AuditAnchor = {
      seq: last.seq,
      hash: last.hash,
      purged: anchor.purged + (last.seq - anchor.seq),
      movedAt: now,
    };
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.auditAnchor(),
          UpdateExpression: 'SET #seq = :seq, #hash = :hash, purged = :purged, movedAt = :now',
          ConditionExpression: 'attribute_not_exists(pk) OR #seq = :was',
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
          ExpressionAttributeValues: {
            ':seq': moved.seq,
            ':hash': moved.hash,
            ':purged': moved.purged,
            ':now': now,
            ':was': anchor.seq,
          },
        }),
      );
    } catch (error) {
      // Another purge moved it first; the caller's next batch starts from there.
      if (isConditionFailure(error)) return { deleted, anchor: await this.#readAnchor() };
      throw error;
    }
    anchor = moved;
    deleted += await this.#deleteAll(doomed.map((entry) => KEYS.auditSeq(entry.seq)));
    return { deleted, anchor };
  }

  /** Up to `wanted` items of a strongly consistent query, following pages. */
  async #query(
    wanted: number,
    input: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      'KeyConditionExpression' | 'ExpressionAttributeValues' | 'ScanIndexForward'
    >,
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    while (items.length < wanted) {
      const page = await this.#table.doc.send(
        new QueryCommand({
          ...input,
          TableName: this.#table.name,
          ConsistentRead: true,
          Limit: Math.min(wanted - items.length, PAGE_LIMIT),
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
      if (start === undefined) break;
    }
    return items;
  }

  /** Deletes the items, 25 per request, retrying what DynamoDB leaves unprocessed. */
  async #deleteAll(keys: ItemKey[]): Promise<number> {
    for (let i = 0; i < keys.length; i += BATCH_WRITE_LIMIT) {
      let requests: Record<string, unknown>[] = keys
        .slice(i, i + BATCH_WRITE_LIMIT)
        .map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        const result = await this.#table.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.#table.name]: requests } }),
        );
        requests = result.UnprocessedItems?.[this.#table.name] ?? [];
        if (requests.length > 0) await sleep(backoffMs(attempt));
      }
    }
    return keys.length;
  }
}
