import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isJiraError, JiraError } from '../../../src/jira/errors.js';
import { openLinkSecret } from '../../../src/jira/person/link-secrets.js';
import {
  JiraLinkRequiredError,
  type PersonalJira,
} from '../../../src/jira/person/personal-jira.js';
import { createDynamoDbStorage } from '../../../src/storage/dynamodb/create-dynamodb-storage.js';
import type { Storage } from '../../../src/storage/ports.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../storage/dynamodb/local-dynamodb.js';
import {
  linkThroughAtlassian,
  rejection,
  startPersonWorld,
  type PersonWorld,
} from './person-fixture.js';

const ALICE = { userId: 'usr_alice', email: 'alice@example.com' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let world: PersonWorld;

beforeEach(async () => {
  world = await startPersonWorld();
});

afterEach(async () => {
  await world.close();
});

async function storedRefreshToken(storage: Storage = world.storage): Promise<string> {
  const link = await storage.jiraLinks.get(ALICE.userId);
  if (link === undefined) throw new Error('no link');
  return (await openLinkSecret(world.cipher, ALICE.userId, 'atlassian-oauth', link.ciphertext))
    .refreshToken;
}

async function myselfVia(personal: PersonalJira): Promise<string> {
  return (await (await personal.clientFor(ALICE.userId)).getMyself()).emailAddress ?? '';
}

function familyIntact(): void {
  expect(world.sandbox.atlassian.counters.reusesWithinLeeway).toBe(0);
  expect(world.sandbox.atlassian.counters.familiesRevoked).toBe(0);
}

/** A fetch that hands every request to the real one, except those `tamper` changes. */
function tamperingFetch(
  tamper: (url: string, init: RequestInit | undefined) => RequestInit | 'fail' | undefined,
): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const changed = tamper(url, init);
    if (changed === 'fail') return Promise.reject(new TypeError('fetch failed'));
    return fetch(input, changed ?? init);
  };
}

describe('atlassian-oauth: access tokens and rotating refresh tokens (RFC 6749 §6)', () => {
  it('uses the access token until a minute before it expires, then refreshes once and stores the new refresh token first', async () => {
    const personal = world.personal('atlassian-oauth');
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    const first = await storedRefreshToken();
    world.clock.advance(58 * MINUTE);
    expect(await myselfVia(personal)).toBe(ALICE.email);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(0);
    world.clock.advance(MINUTE + 1);
    expect(await myselfVia(personal)).toBe(ALICE.email);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    const second = await storedRefreshToken();
    expect(second).not.toBe(first);
    // The new token is the one that works next time (the family goes on).
    world.clock.advance(2 * HOUR);
    expect(await myselfVia(personal)).toBe(ALICE.email);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(2);
    expect(await storedRefreshToken()).not.toBe(second);
    familyIntact();
  });

  it('shares one refresh among concurrent calls of one process', async () => {
    const personal = world.personal('atlassian-oauth');
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    world.clock.advance(2 * HOUR);
    const emails = await Promise.all(Array.from({ length: 8 }, () => myselfVia(personal)));
    expect(emails).toStrictEqual(Array.from({ length: 8 }, () => ALICE.email));
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    familyIntact();
  });

  it('two gateway processes (two connections to one SQLite file) refreshing at once make one upstream refresh, and both calls succeed', async () => {
    const a = world.personal('atlassian-oauth');
    await linkThroughAtlassian(a, ALICE.userId, ALICE.email);
    const processes = [
      a,
      ...Array.from({ length: 3 }, () =>
        world.personal('atlassian-oauth', { storage: world.openConnection() }),
      ),
    ];
    for (let round = 1; round <= 3; round += 1) {
      world.clock.advance(2 * HOUR);
      const emails = await Promise.all(processes.flatMap((p) => [myselfVia(p), myselfVia(p)]));
      expect(emails).toStrictEqual(Array.from({ length: 8 }, () => ALICE.email));
      expect(world.sandbox.atlassian.counters.refreshes).toBe(round);
    }
    familyIntact();
    expect((await world.storage.jiraLinks.get(ALICE.userId))?.lease).toBeUndefined();
  });

  it('takes over a lease left by a process that died mid-refresh once it runs out', async () => {
    const personal = world.personal('atlassian-oauth');
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    world.clock.advance(2 * HOUR);
    const link = await world.storage.jiraLinks.get(ALICE.userId);
    const now = world.clock.now();
    await world.storage.jiraLinks.acquireLease(
      ALICE.userId,
      { linkId: link?.linkId ?? '', version: link?.version ?? 0 },
      { owner: 'dead-process', until: now + 30_000 },
      now,
    );
    const call = myselfVia(personal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.sandbox.atlassian.counters.refreshes).toBe(0);
    world.clock.advance(30_000);
    expect(await call).toBe(ALICE.email);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    familyIntact();
  });

  it('marks the link broken when Atlassian refuses the refresh token; the call asks for a new authorization, and re-linking mends it', async () => {
    world.sandbox.atlassian.lifetimes.refreshInactivityMs = HOUR;
    const personal = world.personal('atlassian-oauth');
    const other = world.personal('atlassian-oauth', { storage: world.openConnection() });
    const { actor } = await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    world.clock.advance(2 * HOUR);
    const [first, second] = await Promise.all([
      rejection(myselfVia(personal)),
      rejection(myselfVia(other)),
    ]);
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(JiraLinkRequiredError);
      expect((error as JiraLinkRequiredError).reason).toBe('broken');
    }
    expect(await personal.linkStatus(ALICE.userId)).toStrictEqual({
      status: 'broken',
      actor,
      linkedAt: world.clock.now() - 2 * HOUR,
      brokenAt: world.clock.now(),
    });
    expect(await personal.actorFor(ALICE.userId)).toBeUndefined();
    const again = await rejection(personal.clientFor(ALICE.userId));
    expect((again as JiraLinkRequiredError).reason).toBe('broken');
    world.sandbox.atlassian.lifetimes.refreshInactivityMs = 90 * 24 * HOUR;
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    expect(await myselfVia(other)).toBe(ALICE.email);
    expect((await personal.linkStatus(ALICE.userId)).status).toBe('linked');
  });

  it('refreshes once and retries when Jira answers 401 to a token it believed fresh', async () => {
    let tampered = 0;
    const personal = world.personal('atlassian-oauth', {
      fetch: tamperingFetch((url, init) => {
        if (!url.includes('/ex/jira/') || tampered > 0) return undefined;
        tampered += 1;
        return {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            Authorization: 'Bearer revoked',
          },
        };
      }),
    });
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    expect(await myselfVia(personal)).toBe(ALICE.email);
    expect(tampered).toBe(1);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    familyIntact();
  });

  it('does not refresh when the 401 says the token lacks a scope', async () => {
    const personal = world.personal('atlassian-oauth', {
      atlassian: {
        ...world.atlassian,
        scopes: world.atlassian.scopes.filter((s) => s !== 'read:jira-user'),
      },
    });
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    const error = await rejection(myselfVia(personal));
    expect(isJiraError(error, 'unauthorized')).toBe(true);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(0);
  });

  it('answers unavailable when Atlassian cannot be reached, and hands the lease back', async () => {
    let fail = true;
    await linkThroughAtlassian(world.personal('atlassian-oauth'), ALICE.userId, ALICE.email);
    const flaky = world.personal('atlassian-oauth', {
      fetch: tamperingFetch((url) => (fail && url.endsWith('/oauth/token') ? 'fail' : undefined)),
    });
    world.clock.advance(2 * HOUR);
    const error = await rejection(myselfVia(flaky));
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('unavailable');
    expect((error as JiraError).message).toBe(
      'Could not renew your Atlassian access: Could not reach Atlassian for the token refresh. Try again later.',
    );
    expect((await world.storage.jiraLinks.get(ALICE.userId))?.lease).toBeUndefined();
    fail = false;
    expect(await myselfVia(flaky)).toBe(ALICE.email);
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    familyIntact();
  });
});

describe('atlassian-oauth: refresh races on DynamoDB (several gateway instances, one table)', () => {
  let local: LocalDynamoDb;

  beforeAll(async () => {
    local = await startLocalDynamoDb();
  });
  afterAll(async () => {
    await local.close();
  });

  it('makes one upstream refresh per expiry when four instances refresh one person at once', async () => {
    const opened = await local.openStorage();
    const clients = Array.from({ length: 4 }, () => local.newClient());
    try {
      const instances = clients.map((client) =>
        world.personal('atlassian-oauth', {
          storage: createDynamoDbStorage({ tableName: opened.tableName, client }),
        }),
      );
      const [first] = instances;
      if (first === undefined) throw new Error('no instances');
      await linkThroughAtlassian(first, ALICE.userId, ALICE.email);
      for (let round = 1; round <= 2; round += 1) {
        world.clock.advance(2 * HOUR);
        const emails = await Promise.all(
          instances.flatMap((p) => [myselfVia(p), myselfVia(p), myselfVia(p)]),
        );
        expect(emails).toStrictEqual(Array.from({ length: 12 }, () => ALICE.email));
        expect(world.sandbox.atlassian.counters.refreshes).toBe(round);
      }
      familyIntact();
    } finally {
      for (const client of clients) client.destroy();
      await opened.cleanup();
    }
  });
});
