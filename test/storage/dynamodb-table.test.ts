import {
  DescribeTableCommand,
  ResourceInUseException,
  type AttributeDefinition,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODE_REPLAY_RETENTION_MS } from '../../src/storage/dynamodb/code-repository.js';
import { createTable } from '../../src/storage/dynamodb/create-table.js';
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  KEY_SCHEMA,
  TTL_ATTRIBUTE,
} from '../../src/storage/dynamodb/table-schema.js';
import {
  aClient,
  aCode,
  aGrant,
  aSession,
  aToken,
  aUser,
  DAY,
  MINUTE,
  SECOND,
  T0,
} from './contract/records.js';
import { useLocalDynamoDbStorage, type RawItem } from './dynamodb/local-dynamodb.js';

const db = useLocalDynamoDbStorage();

function ttlOf(item: RawItem): number | undefined {
  const value = item[TTL_ATTRIBUTE]?.N;
  return value === undefined ? undefined : Number(value);
}

/** The `ttl` DynamoDB needs for a record valid until `ms`: whole seconds, rounded up. */
function secondsCeil(ms: number): number {
  return Math.ceil(ms / SECOND);
}

describe('createTable (DynamoDB CreateTable, UpdateTimeToLive)', () => {
  let client: DynamoDBClient;
  const sent: { command: string; input: unknown }[] = [];

  beforeEach(() => {
    sent.length = 0;
    client = db.local.newClient();
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push({ command: String(context.commandName), input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
  });
  afterEach(() => {
    client.destroy();
  });

  it('creates exactly the exported key schema and indexes, on demand', async () => {
    const name = db.local.freshTableName();
    await createTable(client, name);
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.KeySchema).toStrictEqual(KEY_SCHEMA);
    const byName = (a: AttributeDefinition, b: AttributeDefinition): number =>
      (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');
    expect([...(table?.AttributeDefinitions ?? [])].sort(byName)).toStrictEqual(
      [...ATTRIBUTE_DEFINITIONS].sort(byName),
    );
    expect(
      table?.GlobalSecondaryIndexes?.map((gsi) => ({
        IndexName: gsi.IndexName,
        KeySchema: gsi.KeySchema,
        Projection: gsi.Projection,
      })),
    ).toStrictEqual(GLOBAL_SECONDARY_INDEXES);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('asks for TTL on the `ttl` attribute, and reports an endpoint without TTL as unsupported', async () => {
    const name = db.local.freshTableName();
    expect(await createTable(client, name)).toStrictEqual({ timeToLive: 'unsupported' });
    expect(sent.find((s) => s.command === 'UpdateTimeToLiveCommand')?.input).toStrictEqual({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('refuses to create a table that exists', async () => {
    const name = db.local.freshTableName();
    await createTable(client, name);
    await expect(createTable(client, name)).rejects.toBeInstanceOf(ResourceInUseException);
  });
});

describe('DynamoDB TTL attribute (docs/storage-schema.md#dynamodb-layout)', () => {
  it('sets ttl on codes, tokens, sessions and counters to their expiry in seconds, rounded up', async () => {
    const expiresAt = T0 + MINUTE + 1;
    const code = aCode({ expiresAt });
    await db.storage.codes.save(code);
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const access = aToken(grant, { kind: 'access', expiresAt });
    const refresh = aToken(grant, { kind: 'refresh', expiresAt: expiresAt + DAY });
    await db.storage.tokens.save([access, refresh]);
    const session = aSession({ expiresAt });
    await db.storage.sessions.create(session);
    await db.storage.counters.increment('login:alice', T0, expiresAt);

    expect(ttlOf(await db.item(`CODE#${code.codeHash}`))).toBe(
      secondsCeil(expiresAt + CODE_REPLAY_RETENTION_MS),
    );
    expect(ttlOf(await db.item(`TOKEN#${access.tokenHash}`))).toBe(secondsCeil(expiresAt));
    expect(ttlOf(await db.item(`TOKEN#${refresh.tokenHash}`))).toBe(secondsCeil(expiresAt + DAY));
    expect(ttlOf(await db.item(`SESSION#${session.idHash}`))).toBe(secondsCeil(expiresAt));
    expect(ttlOf(await db.item('COUNTER#login:alice'))).toBe(secondsCeil(expiresAt));
    expect(secondsCeil(expiresAt)).toBe((T0 + MINUTE) / SECOND + 1);
  });

  it('moves a counter’s ttl to the new window when the old one ends', async () => {
    await db.storage.counters.increment('ip:1', T0, T0 + MINUTE);
    await db.storage.counters.increment('ip:1', T0 + 1, T0 + 2 * MINUTE);
    expect(ttlOf(await db.item('COUNTER#ip:1'))).toBe(secondsCeil(T0 + MINUTE));
    await db.storage.counters.increment('ip:1', T0 + MINUTE, T0 + 3 * MINUTE);
    expect(ttlOf(await db.item('COUNTER#ip:1'))).toBe(secondsCeil(T0 + 3 * MINUTE));
  });

  it('sets no ttl on records that must outlive their expiry', async () => {
    const user = aUser();
    await db.storage.users.create(user);
    const client = aClient();
    await db.storage.clients.create(client);
    const grant = aGrant({ expiresAt: T0 + 1 });
    await db.storage.grants.create(grant);
    await db.storage.audit.append({
      id: 'aud_1',
      at: T0,
      type: 'token.issued',
      outcome: 'success',
    });
    await db.storage.secrets.put({ name: 'k', ciphertext: Uint8Array.from([1]), updatedAt: T0 });
    const items = await db.local.scan(db.tableName);
    // user, user-id pointer, client, grant, audit event, audit head, secret
    expect(items).toHaveLength(7);
    expect(items.map(ttlOf)).toStrictEqual(items.map(() => undefined));
  });

  it('checks expiry on read while an expired item is still in the table', async () => {
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const token = aToken(grant, { expiresAt: T0 + MINUTE });
    await db.storage.tokens.save([token]);
    const session = aSession({ expiresAt: T0 + MINUTE });
    await db.storage.sessions.create(session);
    await db.storage.counters.increment('k', T0, T0 + MINUTE);
    const later = T0 + MINUTE;

    expect(await db.storage.tokens.findActive(token.tokenHash, 'access', later)).toBeUndefined();
    expect(await db.storage.sessions.get(session.idHash, later)).toBeUndefined();
    expect(await db.storage.counters.get('k', later)).toBeUndefined();
    expect((await db.local.scan(db.tableName)).map((i) => i.pk?.S).sort()).toStrictEqual(
      [
        `GRANT#${grant.id}`,
        `TOKEN#${token.tokenHash}`,
        `SESSION#${session.idHash}`,
        'COUNTER#k',
      ].sort(),
    );
  });
});
