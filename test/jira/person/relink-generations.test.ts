/**
 * Unlink and re-link across gateway processes: versions start again at 1
 * after an unlink, so only the link's generation (`linkId`) tells X's
 * record from Y's. Also: a rotated Atlassian pair survives a failed store,
 * and a personal token refused just after a new one was stored retries
 * with the new one.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLinkSecret } from '../../../src/jira/person/link-secrets.js';
import type { PersonalJira } from '../../../src/jira/person/personal-jira.js';
import { SANDBOX_API_TOKENS } from '../../../src/sandbox/index.js';
import { createDynamoDbStorage } from '../../../src/storage/dynamodb/create-dynamodb-storage.js';
import type { JiraLinkRepository, Storage } from '../../../src/storage/ports.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../storage/dynamodb/local-dynamodb.js';
import { linkThroughAtlassian, startPersonWorld, type PersonWorld } from './person-fixture.js';

const USER = 'usr_person';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const HOUR = 3_600_000;

let world: PersonWorld;

beforeEach(async () => {
  world = await startPersonWorld();
});

afterEach(async () => {
  await world.close();
});

async function myselfVia(personal: PersonalJira): Promise<string> {
  return (await (await personal.clientFor(USER)).getMyself()).emailAddress ?? '';
}

async function storedRefreshToken(): Promise<string> {
  const link = await world.storage.jiraLinks.get(USER);
  if (link === undefined) throw new Error('no link');
  return (await openLinkSecret(world.cipher, USER, 'atlassian-oauth', link.ciphertext))
    .refreshToken;
}

function familyIntact(): void {
  expect(world.sandbox.atlassian.counters.reusesWithinLeeway).toBe(0);
  expect(world.sandbox.atlassian.counters.familiesRevoked).toBe(0);
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return input instanceof Request ? input.url : String(input);
}

/** The same storage, but `replace` fails (as DynamoDB throttling would) its first `failures` times. */
function failingReplaces(storage: Storage, failures: number): Storage {
  const links = storage.jiraLinks;
  let left = failures;
  const jiraLinks: JiraLinkRepository = {
    get: (userId) => links.get(userId),
    put: (link) => links.put(link),
    replace: (link, expected) => {
      if (left > 0) {
        left -= 1;
        return Promise.reject(new Error('ProvisionedThroughputExceededException'));
      }
      return links.replace(link, expected);
    },
    acquireLease: (userId, expected, lease, now) =>
      links.acquireLease(userId, expected, lease, now),
    delete: (userId) => links.delete(userId),
    saveState: (state) => links.saveState(state),
    consumeState: (hash, now) => links.consumeState(hash, now),
  };
  return { ...storage, jiraLinks };
}

describe('unlink and re-link seen from another gateway process (linkId generations)', () => {
  it('atlassian-oauth: a process that cached X’s access token acts as Y once the person re-links to Y elsewhere (SQLite)', async () => {
    const first = world.personal('atlassian-oauth');
    const second = world.personal('atlassian-oauth', { storage: world.openConnection() });
    await linkThroughAtlassian(first, USER, ALICE);
    expect(await myselfVia(second)).toBe(ALICE);
    expect(await first.unlink(USER)).toBe(true);
    await linkThroughAtlassian(first, USER, BOB);
    expect((await world.storage.jiraLinks.get(USER))?.version).toBe(1);
    expect((await second.actorFor(USER))?.email).toBe(BOB);
    expect(await myselfVia(second)).toBe(BOB);
  });

  it('personal-token: a process that cached X’s API token acts as Y once the person stores Y’s token after an unlink (SQLite)', async () => {
    const first = world.personal('personal-token');
    const second = world.personal('personal-token', { storage: world.openConnection() });
    await first.storePersonalToken(USER, ALICE, SANDBOX_API_TOKENS.alice);
    expect(await myselfVia(second)).toBe(ALICE);
    expect(await first.unlink(USER)).toBe(true);
    await first.storePersonalToken(USER, BOB, SANDBOX_API_TOKENS.bob);
    expect((await world.storage.jiraLinks.get(USER))?.version).toBe(1);
    expect(await myselfVia(second)).toBe(BOB);
  });

  it('atlassian-oauth: a refresh lease taken on X’s link never writes X’s tokens over Y’s link at the same version', async () => {
    const other = world.personal('atlassian-oauth');
    let relink: (() => Promise<void>) | undefined;
    const refresher = world.personal('atlassian-oauth', {
      storage: world.openConnection(),
      fetch: async (input, init) => {
        const pending = relink;
        if (pending !== undefined && urlOf(input).endsWith('/oauth/token')) {
          relink = undefined;
          await pending();
        }
        return fetch(input, init);
      },
    });
    await linkThroughAtlassian(other, USER, ALICE);
    world.clock.advance(2 * HOUR);
    relink = async () => {
      // While the refresher holds its lease on X (version 2): unlink, link Y
      // (version 1), and let Y reach version 2 too.
      await other.unlink(USER);
      await linkThroughAtlassian(other, USER, BOB);
      const y = await world.storage.jiraLinks.get(USER);
      if (y === undefined) throw new Error('no link');
      const { version: _v, ...rest } = y;
      expect(
        await world.storage.jiraLinks.replace({ ...rest, updatedAt: y.updatedAt + 1 }, 1),
      ).toBe(true);
    };
    expect(await myselfVia(refresher)).toBe(BOB);
    expect(relink).toBeUndefined();
    const stored = await world.storage.jiraLinks.get(USER);
    expect(stored?.accountId).toBe(world.sandbox.findUserByEmail(BOB)?.accountId);
    expect(stored?.version).toBe(2);
    expect(await myselfVia(other)).toBe(BOB);
  });

  describe('on DynamoDB (two gateway instances, one table)', () => {
    let local: LocalDynamoDb;

    beforeAll(async () => {
      local = await startLocalDynamoDb();
    });
    afterAll(async () => {
      await local.close();
    });

    it('atlassian-oauth: the instance that cached X’s token acts as Y after an unlink and re-link on the other', async () => {
      const opened = await local.openStorage();
      const clients = [local.newClient(), local.newClient()];
      try {
        const [first, second] = clients.map((client) =>
          world.personal('atlassian-oauth', {
            storage: createDynamoDbStorage({ tableName: opened.tableName, client }),
          }),
        );
        if (first === undefined || second === undefined) throw new Error('no instances');
        await linkThroughAtlassian(first, USER, ALICE);
        expect(await myselfVia(second)).toBe(ALICE);
        expect(await first.unlink(USER)).toBe(true);
        await linkThroughAtlassian(first, USER, BOB);
        expect(await myselfVia(second)).toBe(BOB);
      } finally {
        for (const client of clients) client.destroy();
        await opened.cleanup();
      }
    });
  });
});

describe('atlassian-oauth: a rotated refresh token survives a failed store', () => {
  it('retries storing after a storage error: the call succeeds, the new refresh token is stored and the lease handed back', async () => {
    await linkThroughAtlassian(world.personal('atlassian-oauth'), USER, ALICE);
    const initial = await storedRefreshToken();
    const flaky = world.personal('atlassian-oauth', {
      storage: failingReplaces(world.storage, 1),
    });
    world.clock.advance(2 * HOUR);
    expect(await myselfVia(flaky)).toBe(ALICE);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    const rotated = await storedRefreshToken();
    expect(rotated).not.toBe(initial);
    expect((await world.storage.jiraLinks.get(USER))?.lease).toBeUndefined();
    // The stored token is the live one: the family goes on.
    world.clock.advance(2 * HOUR);
    expect(await myselfVia(world.personal('atlassian-oauth'))).toBe(ALICE);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(2);
    familyIntact();
  });

  it('keeps the pair in memory when every attempt fails, serves the call with it, and stores it on the next call', async () => {
    await linkThroughAtlassian(world.personal('atlassian-oauth'), USER, ALICE);
    const initial = await storedRefreshToken();
    const flaky = world.personal('atlassian-oauth', {
      storage: failingReplaces(world.storage, 3),
    });
    world.clock.advance(2 * HOUR);
    expect(await myselfVia(flaky)).toBe(ALICE);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    expect(await storedRefreshToken()).toBe(initial);
    expect((await world.storage.jiraLinks.get(USER))?.lease).toBeUndefined();
    expect(await myselfVia(flaky)).toBe(ALICE);
    // Stored now, without another refresh: the rotated token was not lost.
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    expect(await storedRefreshToken()).not.toBe(initial);
    expect((await world.storage.jiraLinks.get(USER))?.lease).toBeUndefined();
    world.clock.advance(2 * HOUR);
    expect(await myselfVia(world.personal('atlassian-oauth'))).toBe(ALICE);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(2);
    familyIntact();
  });
});

describe('personal-token: a refused token whose link was just replaced', () => {
  it('retries with the newly stored token instead of reporting a broken link', async () => {
    let refuseNext = false;
    const personal = world.personal('personal-token', {
      fetch: (input, init) => {
        if (refuseNext && urlOf(input).includes('/rest/api/')) {
          refuseNext = false;
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Basic ${Buffer.from('x@y.z:revoked').toString('base64')}`);
          return fetch(input, { ...init, headers });
        }
        return fetch(input, init);
      },
    });
    const other = world.personal('personal-token', { storage: world.openConnection() });
    await personal.storePersonalToken(USER, ALICE, SANDBOX_API_TOKENS.alice);
    const client = await personal.clientFor(USER);
    await other.storePersonalToken(USER, BOB, SANDBOX_API_TOKENS.bob);
    refuseNext = true;
    expect((await client.getMyself()).emailAddress).toBe(BOB);
    expect(refuseNext).toBe(false);
    expect(await personal.linkStatus(USER)).toMatchObject({ status: 'linked' });
    expect((await world.storage.jiraLinks.get(USER))?.status).toBe('active');
  });
});
