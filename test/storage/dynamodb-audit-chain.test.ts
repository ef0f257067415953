import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash } from '../../src/audit/audit-chain.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { createDynamoDbStorage } from '../../src/storage/dynamodb/create-dynamodb-storage.js';
import { TTL_ATTRIBUTE } from '../../src/storage/dynamodb/table-schema.js';
import type { AuditEvent, PurgeCutoffs } from '../../src/storage/ports.js';
import { aCode, aGrant, aSession, aToken, DAY, T0 } from './contract/records.js';
import { useLocalDynamoDbStorage } from './dynamodb/local-dynamodb.js';

const db = useLocalDynamoDbStorage();

function anEvent(n: number): AuditEvent {
  return { id: `aud_${n}`, at: T0 + n * DAY, type: 'tool.called', outcome: 'success' };
}

function seqKey(seq: number): { pk: { S: string }; sk: { S: string } } {
  return { pk: { S: 'AUDIT' }, sk: { S: `SEQ#${String(seq).padStart(16, '0')}` } };
}

describe('DynamoDB audit chain (docs/security.md#audit-chain)', () => {
  let raw: DynamoDBClient;

  beforeEach(async () => {
    raw = db.local.newClient();
    for (let n = 1; n <= 5; n += 1) await db.storage.audit.append(anEvent(n));
  });

  afterEach(() => {
    raw.destroy();
  });

  it('verifies an intact chain', async () => {
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: true,
      checked: 5,
      firstSeq: 1,
      lastSeq: 5,
    });
  });

  it('names the first altered event', async () => {
    await raw.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: seqKey(3),
        UpdateExpression: 'SET outcome = :f',
        ExpressionAttributeValues: { ':f': { S: 'failure' } },
      }),
    );
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: false,
      seq: 3,
      problem: 'altered',
    });
  });

  it('names a removed middle event', async () => {
    await raw.send(new DeleteItemCommand({ TableName: db.tableName, Key: seqKey(2) }));
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: false,
      seq: 2,
      problem: 'missing',
    });
  });

  it('names the first reordered event (two events swapped)', async () => {
    const read = async (seq: number) =>
      (await raw.send(new GetItemCommand({ TableName: db.tableName, Key: seqKey(seq) }))).Item;
    const second = await read(2);
    const fourth = await read(4);
    await raw.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: { ...fourth, ...seqKey(2), seq: { N: '2' } },
      }),
    );
    await raw.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: { ...second, ...seqKey(4), seq: { N: '4' } },
      }),
    );
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: false,
      seq: 2,
      problem: 'relinked',
    });
  });

  it('names an inserted event that does not link to the one before', async () => {
    await raw.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: {
          ...seqKey(6),
          seq: { N: '6' },
          prevHash: { S: '0'.repeat(64) },
          hash: { S: '1'.repeat(64) },
          id: { S: 'aud_forged' },
          at: { N: String(T0) },
          type: { S: 'tool.called' },
          outcome: { S: 'success' },
        },
      }),
    );
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: false,
      seq: 6,
      problem: 'relinked',
    });
  });

  it('names removed newest events against the head item', async () => {
    await raw.send(new DeleteItemCommand({ TableName: db.tableName, Key: seqKey(5) }));
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: false,
      seq: 5,
      problem: 'truncated',
    });
  });

  it('detects a rewritten end only against a head recorded elsewhere (--expect)', async () => {
    const { end } = await db.storage.audit.chainState();
    // Someone who deletes the newest event and moves the head item back with it.
    await raw.send(new DeleteItemCommand({ TableName: db.tableName, Key: seqKey(5) }));
    const fourth = (await db.storage.audit.chain(3, 1))[0];
    await raw.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: {
          pk: { S: 'AUDIT_CHAIN' },
          sk: { S: 'HEAD' },
          seq: { N: '4' },
          hash: { S: fourth?.hash ?? '' },
        },
      }),
    );
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({ ok: true, checked: 4 });
    expect(await verifyAuditChain(db.storage.audit, end)).toMatchObject({
      ok: false,
      seq: 5,
      problem: 'not_found',
    });
  });

  it('walks over a head item left behind by a crash between the two puts', async () => {
    const fifth = (await db.storage.audit.chain(4, 1))[0];
    // Event 6 written, its head update lost; then a new process appends.
    const sixth = anEvent(6);
    const hash6 = chainHash(fifth?.hash ?? '', 6, sixth);
    await raw.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: {
          ...seqKey(6),
          seq: { N: '6' },
          prevHash: { S: fifth?.hash ?? '' },
          hash: { S: hash6 },
          id: { S: sixth.id },
          at: { N: String(sixth.at) },
          type: { S: sixth.type },
          outcome: { S: sixth.outcome },
        },
      }),
    );
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({ ok: true, lastSeq: 6 });
    const client = db.local.newClient();
    const fresh = createDynamoDbStorage({ tableName: db.tableName, client });
    try {
      await fresh.audit.append(anEvent(7));
    } finally {
      await fresh.close();
      client.destroy();
    }
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: true,
      checked: 7,
      lastSeq: 7,
    });
    expect((await db.storage.audit.chainState()).head).toMatchObject({ seq: 7 });
  });

  it('keeps one chain when two stores (two Lambdas) append at once', async () => {
    const client = db.local.newClient();
    const other = createDynamoDbStorage({ tableName: db.tableName, client });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          (n % 2 === 0 ? db.storage : other).audit.append(anEvent(100 + n)),
        ),
      );
    } finally {
      await other.close();
      client.destroy();
    }
    expect(await verifyAuditChain(db.storage.audit)).toMatchObject({
      ok: true,
      checked: 25,
      lastSeq: 25,
    });
  });

  it('records an append once when the SDK resends a put that had landed', async () => {
    const client = db.local.newClient();
    let resent = false;
    // Sends the first PutItem twice: the first lands, its answer is dropped,
    // and the second meets the condition, as a retry after a lost answer would.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!resent && context.commandName === 'PutItemCommand') {
          resent = true;
          await next(args);
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'resendFirstPut' },
    );
    const other = createDynamoDbStorage({ tableName: db.tableName, client });
    try {
      await other.audit.append(anEvent(6));
    } finally {
      await other.close();
      client.destroy();
    }
    expect(resent).toBe(true);
    expect((await db.storage.audit.chain(0, 10)).map((c) => c.event.id)).toStrictEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `aud_${n}`),
    );
  });
});

describe('DynamoDB expiry: TTL where it can, the purge where it cannot', () => {
  it('gives every expiring item but grants a TTL attribute', async () => {
    const grant = aGrant();
    await db.storage.grants.create(grant);
    await db.storage.tokens.save([aToken(grant)]);
    await db.storage.codes.save(aCode());
    await db.storage.sessions.create(aSession());
    await db.storage.counters.increment('k', T0, T0 + DAY);
    const expiring = (await db.items()).filter((item) => 'expiresAt' in item);
    const withoutTtl = expiring.filter((item) => !(TTL_ATTRIBUTE in item));
    expect(expiring.length).toBeGreaterThanOrEqual(5);
    expect(withoutTtl.map((item) => item.pk)).toStrictEqual([{ S: `GRANT#${grant.id}` }]);
  });

  it('leaves the TTL kinds to DynamoDB (0 deleted)', async () => {
    await db.storage.sessions.create(aSession({ expiresAt: T0 }));
    const cutoffs: PurgeCutoffs = {
      codesExpiredBefore: T0 + DAY,
      tokensExpiredBefore: T0 + DAY,
      sessionsExpiredBefore: T0 + DAY,
      countersExpiredBefore: T0 + DAY,
      grantsEndedBefore: 0,
    };
    for (const kind of ['codes', 'tokens', 'sessions', 'counters'] as const) {
      expect(await db.storage.purge.purgeBatch(kind, cutoffs, 100)).toBe(0);
    }
  });
});
