import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbStorage } from '../../src/storage/dynamodb/create-dynamodb-storage.js';
import {
  ConflictError,
  type GrantRecord,
  type Storage,
  type TokenRecord,
} from '../../src/storage/ports.js';
import { aCode, aGrant, aToken, aUser, DAY, MINUTE, T0 } from './contract/records.js';
import { useLocalDynamoDbStorage } from './dynamodb/local-dynamodb.js';

const db = useLocalDynamoDbStorage();

/** Gateway instances (think Lambdas), each with its own client and connections. */
const INSTANCES = 4;
const PARALLEL = 20;
const TARGETS = 10;

describe('DynamoDB conditional writes under concurrency (several gateway instances, one table)', () => {
  let clients: DynamoDBClient[] = [];
  let instances: Storage[] = [];

  beforeEach(() => {
    clients = Array.from({ length: INSTANCES }, () => db.local.newClient());
    instances = clients.map((client) => createDynamoDbStorage({ tableName: db.tableName, client }));
  });
  afterEach(async () => {
    await Promise.all(instances.map((s) => s.close()));
    for (const client of clients) client.destroy();
  });

  /** The instance that serves request `i`, round robin. */
  function instance(i: number): Storage {
    const storage = instances[i % INSTANCES];
    if (storage === undefined) throw new Error('no instances open');
    return storage;
  }

  it(`lets exactly one of ${PARALLEL} redemptions of a code win across instances`, async () => {
    const code = aCode();
    await db.storage.codes.save(code);
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => instance(i).codes.consume(code.codeHash, T0 + i)),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(PARALLEL - 1);
  });

  it(`rotates each of ${TARGETS} refresh tokens exactly once when every instance races for it`, async () => {
    const targets: { grant: GrantRecord; refresh: TokenRecord }[] = [];
    for (let t = 0; t < TARGETS; t += 1) {
      const grant = aGrant();
      const refresh = aToken(grant, { kind: 'refresh', expiresAt: T0 + 30 * DAY });
      await db.storage.grants.create(grant);
      await db.storage.tokens.save([refresh]);
      targets.push({ grant, refresh });
    }
    const now = T0 + MINUTE;
    await Promise.all(
      targets.map(async ({ grant, refresh }) => {
        const offers = Array.from({ length: INSTANCES }, () => [
          aToken(grant, {
            kind: 'refresh',
            issuedAt: now,
            expiresAt: now + DAY,
            parentHash: refresh.tokenHash,
          }),
        ]);
        const results = await Promise.all(
          offers.map((offer, i) => instance(i).tokens.rotateRefresh(refresh.tokenHash, now, offer)),
        );
        const winner = results.findIndex((r) => r.status === 'ok');
        expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'reused')).toHaveLength(INSTANCES - 1);
        const stored = (await db.storage.tokens.listByGrant(grant.id)).map((t) => t.tokenHash);
        expect(stored.sort()).toStrictEqual(
          [refresh.tokenHash, offers[winner]?.[0]?.tokenHash].sort(),
        );
      }),
    );
  });

  it('never leaves a usable replacement when a grant is revoked during its rotation', async () => {
    const races = Array.from({ length: TARGETS }, async (_, t) => {
      const grant = aGrant();
      const refresh = aToken(grant, { kind: 'refresh' });
      await db.storage.grants.create(grant);
      await db.storage.tokens.save([refresh]);
      const replacement = aToken(grant, { kind: 'access', issuedAt: T0 + 1 });
      await Promise.all([
        instance(t).tokens.rotateRefresh(refresh.tokenHash, T0 + 1, [replacement]),
        instance(t + 1).grants.revoke(grant.id, T0 + 1, 'user_revoked'),
      ]);
      return replacement;
    });
    for (const replacement of await Promise.all(races)) {
      expect(await db.storage.tokens.findActive(replacement.tokenHash, 'access', T0 + 2)).toBe(
        undefined,
      );
    }
  });

  it(`loses no count among ${PARALLEL} increments spread over instances`, async () => {
    const counts = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        instance(i).counters.increment('register:203.0.113.9', T0, T0 + MINUTE),
      ),
    );
    expect([...counts].sort((a, b) => a - b)).toStrictEqual(
      Array.from({ length: PARALLEL }, (_, i) => i + 1),
    );
  });

  it('restarts an ended window exactly once when instances race into the new one', async () => {
    await db.storage.counters.increment('k', T0, T0 + MINUTE);
    await db.storage.counters.increment('k', T0, T0 + MINUTE);
    const later = T0 + MINUTE;
    const counts = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        instance(i).counters.increment('k', later, later + MINUTE),
      ),
    );
    expect([...counts].sort((a, b) => a - b)).toStrictEqual(
      Array.from({ length: PARALLEL }, (_, i) => i + 1),
    );
    expect(await db.storage.counters.get('k', later)).toStrictEqual({
      count: PARALLEL,
      expiresAt: later + MINUTE,
    });
  });

  it(`reserves exactly 5 of ${4 * PARALLEL} attempts spread over instances, in an open and in a new window`, async () => {
    const limit = 5;
    const reserveAll = (now: number): Promise<boolean[]> =>
      Promise.all(
        Array.from({ length: 4 * PARALLEL }, async (_, i) => {
          const result = await instance(i).counters.reserve(
            'login:user:alice',
            now,
            now + MINUTE,
            limit,
          );
          return result.reserved;
        }),
      );
    await db.storage.counters.increment('login:user:alice', T0, T0 + MINUTE);
    expect((await reserveAll(T0 + 1)).filter(Boolean)).toHaveLength(limit - 1);
    expect((await reserveAll(T0 + MINUTE)).filter(Boolean)).toHaveLength(limit);
    expect(await db.storage.counters.get('login:user:alice', T0 + MINUTE)).toStrictEqual({
      count: limit,
      expiresAt: T0 + 2 * MINUTE,
    });
  });

  it('creates a contested username once and leaves no id pointer of the losers', async () => {
    const contenders = Array.from({ length: PARALLEL }, () => aUser({ username: 'alice' }));
    const results = await Promise.allSettled(
      contenders.map((user, i) => instance(i).users.create(user)),
    );
    const winners = contenders.filter((_, i) => results[i]?.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(ConflictError);
      }
    }
    expect(await db.storage.users.getByUsername('alice')).toStrictEqual(winners[0]);
    expect(await db.items()).toHaveLength(2);
  });
});
