import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomToken } from '../../src/crypto/random.js';
import { chainHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { ConflictError } from '../../src/storage/ports.js';
import {
  aClient,
  aCode,
  aGrant,
  aSession,
  aToken,
  aUser,
  HOUR,
  RESOURCE,
  T0,
} from './contract/records.js';
import { plainItem, useLocalDynamoDbStorage } from './dynamodb/local-dynamodb.js';

const db = useLocalDynamoDbStorage();

/** T0 as the adapter writes it into sort keys: 16 digits, zero-padded. */
const T0_KEY = String(T0).padStart(16, '0');

async function stored(pk: string): Promise<Record<string, unknown>> {
  return plainItem(await db.item(pk));
}

describe('DynamoDB item layout (docs/storage-schema.md#dynamodb-layout)', () => {
  it('stores no code, token, client secret or session id in the clear, only their hashes', async () => {
    const raw = {
      clientSecret: randomToken(),
      code: randomToken(),
      access: randomToken(),
      refresh: randomToken(),
      rotatedAccess: randomToken(),
      rotatedRefresh: randomToken(),
      session: randomToken(),
    };
    const { storage } = db;
    await storage.clients.create(aClient({ secretHash: hashSecret(raw.clientSecret) }));
    const code = aCode({ codeHash: hashSecret(raw.code) });
    await storage.codes.save(code);
    expect((await storage.codes.consume(code.codeHash, T0)).status).toBe('ok');
    const grant = aGrant({ id: code.grantId });
    await storage.grants.create(grant);
    const refresh = aToken(grant, { kind: 'refresh', tokenHash: hashSecret(raw.refresh) });
    await storage.tokens.save([aToken(grant, { tokenHash: hashSecret(raw.access) }), refresh]);
    const replacements = [
      aToken(grant, { kind: 'access', tokenHash: hashSecret(raw.rotatedAccess) }),
      aToken(grant, {
        kind: 'refresh',
        tokenHash: hashSecret(raw.rotatedRefresh),
        parentHash: refresh.tokenHash,
      }),
    ];
    expect((await storage.tokens.rotateRefresh(refresh.tokenHash, T0, replacements)).status).toBe(
      'ok',
    );
    await storage.sessions.create(aSession({ idHash: hashSecret(raw.session) }));

    const everything = JSON.stringify(await db.items());
    for (const secret of Object.values(raw)) {
      expect(everything).not.toContain(secret);
      // The hash is there, so the scan did see the record.
      expect(everything).toContain(hashSecret(secret));
    }
  });

  it('stores a token under its hash, indexed by grant and issue time, with ttl', async () => {
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const token = aToken(grant, { kind: 'access' });
    await db.storage.tokens.save([token]);
    await db.storage.tokens.revoke(token.tokenHash, T0 + 5);
    expect(await stored(`TOKEN#${token.tokenHash}`)).toStrictEqual({
      pk: { S: `TOKEN#${token.tokenHash}` },
      sk: { S: 'TOKEN' },
      gsi1pk: { S: `GRANT#${grant.id}` },
      gsi1sk: { S: `TOKEN#${T0_KEY}#${token.tokenHash}` },
      ttl: { N: String((T0 + HOUR) / 1000) },
      tokenHash: { S: token.tokenHash },
      kind: { S: 'access' },
      grantId: { S: grant.id },
      clientId: { S: grant.clientId },
      userId: { S: grant.userId },
      scopes: { S: 'jira:read jira:write' },
      resource: { S: RESOURCE },
      issuedAt: { N: String(T0) },
      expiresAt: { N: String(T0 + HOUR) },
      revokedAt: { N: String(T0 + 5) },
    });
  });

  it('keeps a rotated refresh token, with its successor, until every token issued from it has expired (ttl)', async () => {
    const { tokens } = db.storage;
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const parent = aToken(grant, { kind: 'refresh', expiresAt: T0 + HOUR });
    await tokens.save([parent]);
    const interval = 60_000;
    const child = (issuedAt: number) =>
      aToken(grant, {
        kind: 'refresh',
        issuedAt,
        expiresAt: issuedAt + 2 * HOUR,
        parentHash: parent.tokenHash,
      });
    const first = child(T0 + 1_000);
    const sibling = child(T0 + 30_000);
    expect(
      (await tokens.rotateRefresh(parent.tokenHash, T0 + 1_000, [first], interval)).status,
    ).toBe('ok');
    const afterClaim = await stored(`TOKEN#${parent.tokenHash}`);
    expect(afterClaim.ttl).toStrictEqual({ N: String((first.expiresAt + interval) / 1000) });
    expect(
      (await tokens.rotateRefresh(parent.tokenHash, T0 + 30_000, [sibling], interval)).status,
    ).toBe('reissued');
    expect((await stored(`TOKEN#${parent.tokenHash}`)).ttl).toStrictEqual({
      N: String((sibling.expiresAt + interval) / 1000),
    });
    await tokens.rotateRefresh(
      first.tokenHash,
      T0 + 40_000,
      [child(T0 + 40_000)].map((t) => ({
        ...t,
        parentHash: first.tokenHash,
      })),
    );
    const settled = await stored(`TOKEN#${parent.tokenHash}`);
    expect(settled.successorHash).toStrictEqual({ S: first.tokenHash });
    expect(settled.rotatedAt).toStrictEqual({ N: String(T0 + 1_000) });
  });

  it('stores a grant indexed by user, by type and by client, without ttl', async () => {
    const grant = aGrant();
    await db.storage.grants.create(grant);
    expect(await stored(`GRANT#${grant.id}`)).toStrictEqual({
      pk: { S: `GRANT#${grant.id}` },
      sk: { S: 'GRANT' },
      gsi1pk: { S: `USER#${grant.userId}` },
      gsi1sk: { S: `GRANT#${T0_KEY}#${grant.id}` },
      gsi2pk: { S: 'TYPE#grant' },
      gsi2sk: { S: `${T0_KEY}#${grant.id}` },
      gsi3pk: { S: `CLIENT#${grant.clientId}` },
      gsi3sk: { S: `GRANT#${T0_KEY}#${grant.id}` },
      id: { S: grant.id },
      userId: { S: grant.userId },
      clientId: { S: grant.clientId },
      scopes: { S: 'jira:read jira:write' },
      resource: { S: RESOURCE },
      createdAt: { N: String(T0) },
      expiresAt: { N: String(grant.expiresAt) },
    });
  });

  it('stores a user under its username, with a pointer item from its id', async () => {
    const user = aUser({ username: 'alice' });
    await db.storage.users.create(user);
    expect(await db.items()).toStrictEqual(
      expect.arrayContaining([
        {
          pk: { S: `USER#${user.id}` },
          sk: { S: 'USER_ID' },
          username: { S: 'alice' },
        },
        {
          pk: { S: 'USERNAME#alice' },
          sk: { S: 'USER' },
          gsi2pk: { S: 'TYPE#user' },
          gsi2sk: { S: `${T0_KEY}#${user.id}` },
          id: { S: user.id },
          username: { S: 'alice' },
          passwordHash: { S: user.passwordHash },
          disabled: { BOOL: false },
          createdAt: { N: String(T0) },
        },
      ]),
    );
    expect(await db.items()).toHaveLength(2);
  });

  it('stores no attribute at all for a client’s absent optional fields, and lists as L', async () => {
    const client = aClient({ responseTypes: [] });
    await db.storage.clients.create(client);
    expect(await stored(`CLIENT#${client.clientId}`)).toStrictEqual({
      pk: { S: `CLIENT#${client.clientId}` },
      sk: { S: 'CLIENT' },
      gsi2pk: { S: 'TYPE#client' },
      gsi2sk: { S: `${T0_KEY}#${client.clientId}` },
      clientId: { S: client.clientId },
      kind: { S: 'oauth' },
      redirectUris: { L: [{ S: 'http://127.0.0.1/callback' }] },
      grantTypes: { L: [{ S: 'authorization_code' }, { S: 'refresh_token' }] },
      responseTypes: { L: [] },
      tokenEndpointAuthMethod: { S: 'none' },
      source: { S: 'dcr' },
      createdAt: { N: String(T0) },
    });
  });

  it('stores a secret’s ciphertext as Binary (B), byte for byte', async () => {
    const ciphertext = Uint8Array.from([0, 1, 127, 128, 255]);
    await db.storage.secrets.put({ name: 'jira.credentials', ciphertext, updatedAt: T0 });
    expect(await stored('SECRET#jira.credentials')).toStrictEqual({
      pk: { S: 'SECRET#jira.credentials' },
      sk: { S: 'SECRET' },
      name: { S: 'jira.credentials' },
      ciphertext: { B: ciphertext },
      updatedAt: { N: String(T0) },
    });
  });

  it('stores chained audit events in one partition keyed by seq, detail as JSON text', async () => {
    const event = {
      id: 'aud_1',
      at: T0,
      type: 'tool.called',
      outcome: 'success',
      clientId: 'cli_1',
      detail: { tool: 'jira_search', count: 3 },
    } as const;
    await db.storage.audit.append(event);
    const hash = chainHash(GENESIS_HASH, 1, event);
    expect(await db.items()).toStrictEqual([
      {
        pk: { S: 'AUDIT' },
        sk: { S: `SEQ#${'1'.padStart(16, '0')}` },
        seq: { N: '1' },
        prevHash: { S: GENESIS_HASH },
        hash: { S: hash },
        id: { S: 'aud_1' },
        at: { N: String(T0) },
        type: { S: 'tool.called' },
        outcome: { S: 'success' },
        clientId: { S: 'cli_1' },
        detail: { S: '{"tool":"jira_search","count":3}' },
      },
      { pk: { S: 'AUDIT_CHAIN' }, sk: { S: 'HEAD' }, seq: { N: '1' }, hash: { S: hash } },
    ]);
  });

  it('reads and purges audit events written before the chain (time-keyed) ahead of chained ones', async () => {
    // What the adapter wrote before the chain existed.
    const raw = db.local.newClient();
    try {
      await raw.send(
        new PutItemCommand({
          TableName: db.tableName,
          Item: {
            pk: { S: 'AUDIT' },
            sk: { S: `${T0_KEY}#aud_old` },
            id: { S: 'aud_old' },
            at: { N: String(T0) },
            type: { S: 'token.issued' },
            outcome: { S: 'success' },
          },
        }),
      );
    } finally {
      raw.destroy();
    }
    const chained = {
      id: 'aud_new',
      at: T0 + HOUR,
      type: 'tool.called',
      outcome: 'success',
    } as const;
    await db.storage.audit.append(chained);
    expect(await db.storage.audit.tail(5)).toStrictEqual([
      { id: 'aud_old', at: T0, type: 'token.issued', outcome: 'success' },
      chained,
    ]);
    const purged = await db.storage.audit.purgeBefore(T0 + 1, 100, T0 + HOUR);
    expect(purged.deleted).toBe(1);
    expect(purged.anchor.seq).toBe(0);
    expect(await db.storage.audit.tail(5)).toStrictEqual([chained]);
  });

  it('stores a redeemed code with consumedAt and a session indexed by user', async () => {
    const code = aCode();
    await db.storage.codes.save(code);
    await db.storage.codes.consume(code.codeHash, T0 + 7);
    expect((await stored(`CODE#${code.codeHash}`)).consumedAt).toStrictEqual({
      N: String(T0 + 7),
    });
    const session = aSession();
    await db.storage.sessions.create(session);
    const item = await stored(`SESSION#${session.idHash}`);
    expect([item.gsi1pk, item.gsi1sk]).toStrictEqual([
      { S: `USER#${session.userId}` },
      { S: `SESSION#${session.idHash}` },
    ]);
  });
});

describe('DynamoDB multi-item writes without transactions (docs/storage-schema.md#dynamodb-layout)', () => {
  it('reads an orphaned user-id pointer as absent and leaves its username free', async () => {
    // What a crash between the pointer put and the record put leaves behind.
    const raw = db.local.newClient();
    try {
      await raw.send(
        new PutItemCommand({
          TableName: db.tableName,
          Item: { pk: { S: 'USER#usr_orphan' }, sk: { S: 'USER_ID' }, username: { S: 'alice' } },
        }),
      );
    } finally {
      raw.destroy();
    }
    const { users } = db.storage;
    expect(await users.getById('usr_orphan')).toBeUndefined();
    expect(await users.getByUsername('alice')).toBeUndefined();
    expect(await users.count()).toBe(0);
    const alice = aUser({ username: 'alice' });
    await users.create(alice);
    expect(await users.getById(alice.id)).toStrictEqual(alice);
    expect(await users.getById('usr_orphan')).toBeUndefined();
    expect(await users.list()).toStrictEqual([alice]);
  });

  it('releases the id pointer of a user refused for a taken username', async () => {
    await db.storage.users.create(aUser({ username: 'alice' }));
    const refused = aUser({ username: 'alice' });
    await expect(db.storage.users.create(refused)).rejects.toBeInstanceOf(ConflictError);
    const pks = (await db.items()).map((i) => i.pk);
    expect(pks).not.toContainEqual({ S: `USER#${refused.id}` });
    expect(pks).toHaveLength(2);
  });

  it('stores all tokens of one save or none', async () => {
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const kept = aToken(grant);
    await db.storage.tokens.save([kept]);
    const fresh = aToken(grant);
    await expect(
      db.storage.tokens.save([fresh, aToken(grant, { tokenHash: kept.tokenHash })]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await db.storage.tokens.get(fresh.tokenHash)).toBeUndefined();
    expect(await db.storage.tokens.get(kept.tokenHash)).toStrictEqual(kept);
  });

  it('undoes a rotation whose replacements cannot be stored, so a retry still works', async () => {
    const { tokens } = db.storage;
    const grant = aGrant();
    await db.storage.grants.create(grant);
    const access = aToken(grant, { kind: 'access' });
    const refresh = aToken(grant, { kind: 'refresh' });
    await tokens.save([access, refresh]);
    const fresh = aToken(grant, {
      kind: 'refresh',
      issuedAt: T0 + 1,
      parentHash: refresh.tokenHash,
    });
    const clashing = aToken(grant, { kind: 'access', tokenHash: access.tokenHash });
    await expect(
      tokens.rotateRefresh(refresh.tokenHash, T0 + 1, [clashing, fresh]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await tokens.get(refresh.tokenHash)).toStrictEqual(refresh);
    expect(await tokens.get(fresh.tokenHash)).toBeUndefined();
    expect(await tokens.get(access.tokenHash)).toStrictEqual(access);
    expect((await tokens.rotateRefresh(refresh.tokenHash, T0 + 2, [fresh])).status).toBe('ok');
  });
});
