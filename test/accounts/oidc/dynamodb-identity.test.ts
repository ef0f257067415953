/**
 * (issuer, subject) stays unique in the DynamoDB adapter, which has no
 * transactions: concurrent first sign-ins of one person from several
 * gateway instances make one account, and a pointer left by a create that
 * died half-way neither shows as a user nor blocks the person for good.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbStorage } from '../../../src/storage/dynamodb/create-dynamodb-storage.js';
import { KEYS } from '../../../src/storage/dynamodb/item-keys.js';
import { ConflictError } from '../../../src/storage/ports.js';
import { aUser, MINUTE, T0 } from '../../storage/contract/records.js';
import { useLocalDynamoDbStorage } from '../../storage/dynamodb/local-dynamodb.js';

const db = useLocalDynamoDbStorage();
const IDENTITY = { issuer: 'https://login.acme.example', subject: 'sub-42' };

async function leaveOrphanPointer(claimedAt: number): Promise<void> {
  const doc = DynamoDBDocumentClient.from(db.local.newClient());
  await doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...KEYS.identity(IDENTITY.issuer, IDENTITY.subject),
        userId: 'usr_never_written',
        username: 'ghost@acme.example',
        claimedAt,
      },
    }),
  );
}

describe('DynamoDB users: (issuer, subject) without transactions', () => {
  it('makes exactly one account of concurrent first sign-ins from four instances', async () => {
    const instances = Array.from({ length: 4 }, () =>
      createDynamoDbStorage({ tableName: db.tableName, client: db.local.newClient() }),
    );
    const results = await Promise.allSettled(
      instances.map((storage, i) =>
        storage.users.create(
          aUser({
            username: `pat-${String(i)}@acme.example`,
            passwordHash: '',
            identity: IDENTITY,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    }
    const winner = await db.storage.users.getByIdentity(IDENTITY);
    expect(winner?.username).toMatch(/^pat-\d@acme\.example$/);
    expect(await db.storage.users.count()).toBe(1);
    await Promise.all(instances.map((s) => s.close()));
  });

  it('reads an orphan pointer as absent and lets a later create take it over', async () => {
    await leaveOrphanPointer(T0);
    expect(await db.storage.users.getByIdentity(IDENTITY)).toBeUndefined();
    const pat = aUser({
      username: 'pat@acme.example',
      passwordHash: '',
      identity: IDENTITY,
      createdAt: T0 + 2 * MINUTE,
    });
    await db.storage.users.create(pat);
    expect(await db.storage.users.getByIdentity(IDENTITY)).toStrictEqual(pat);
  });

  it('does not take over a pointer younger than a minute (a create may still be writing)', async () => {
    await leaveOrphanPointer(T0);
    await expect(
      db.storage.users.create(
        aUser({
          username: 'pat@acme.example',
          passwordHash: '',
          identity: IDENTITY,
          createdAt: T0 + 1000,
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await db.storage.users.getByUsername('pat@acme.example')).toBeUndefined();
  });
});
