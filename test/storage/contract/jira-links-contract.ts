import { describe, expect, it } from 'vitest';
import { randomId } from '../../../src/crypto/random.js';
import type { JiraLinkRecord, JiraLinkStateRecord, Storage } from '../../../src/storage/ports.js';
import { freshHash, MINUTE, SECOND, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

type NewLink = Omit<JiraLinkRecord, 'version' | 'linkId'>;

function aLink(overrides: Partial<NewLink> = {}): NewLink {
  return {
    userId: randomId('usr'),
    kind: 'atlassian-oauth',
    status: 'active',
    ciphertext: new Uint8Array([1, 2, 3, 0, 255]),
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Alice Admin',
    email: 'alice@example.com',
    siteUrl: 'https://acme.atlassian.net',
    cloudId: '1324a887-45db-1bf4-1e99-ef0ff456d421',
    accessExpiresAt: T0 + 60 * MINUTE,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function aState(overrides: Partial<JiraLinkStateRecord> = {}): JiraLinkStateRecord {
  return {
    stateHash: freshHash(),
    userId: randomId('usr'),
    returnTo: '/authorize?client_id=cli_1&state=x',
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    ...overrides,
  };
}

/** How many concurrent conditional writers race in each test. */
const RACERS = 12;

/** `count` stores on one underlying store, round robin: the test's own and its peers. */
function racers(handle: StorageHandle, peers: number): (i: number) => Storage {
  const stores = [handle.storage, ...handle.peers(peers)];
  return (i) => {
    const store = stores[i % stores.length];
    if (store === undefined) throw new Error('no stores');
    return store;
  };
}

/** JiraLinkRepository: per-person Jira links (versioned, conditional) and links in flight. */
export function describeJiraLinkContract(handle: StorageHandle): void {
  describe('per-person Jira links (JiraLinkRepository)', () => {
    it('stores a link at version 1 and gives it back exactly, bytes included', async () => {
      const { jiraLinks } = handle.storage;
      const link = aLink();
      const written = await jiraLinks.put(link);
      expect(written.version).toBe(1);
      expect(written.linkId).toMatch(/^jlk_[A-Za-z0-9_-]{16,}$/);
      expect(await jiraLinks.get(link.userId)).toStrictEqual({ ...link, ...written });
      expect(await jiraLinks.get(randomId('usr'))).toBeUndefined();
    });

    it('replaces a link unconditionally with the next version, dropping absent fields', async () => {
      const { jiraLinks } = handle.storage;
      const link = aLink({ lease: { owner: 'p1', until: T0 + MINUTE }, brokenAt: T0 });
      const first = await jiraLinks.put(link);
      const relinked = aLink({
        userId: link.userId,
        kind: 'personal-token',
        ciphertext: new Uint8Array([9]),
        accountId: 'other',
        displayName: 'Bob Builder',
        siteUrl: 'https://other.atlassian.net',
        createdAt: T0 + SECOND,
        updatedAt: T0 + SECOND,
      });
      delete relinked.email;
      delete relinked.cloudId;
      delete relinked.accessExpiresAt;
      const second = await jiraLinks.put(relinked);
      expect(second.version).toBe(2);
      // Every put starts a new generation.
      expect(second.linkId).not.toBe(first.linkId);
      expect(await jiraLinks.get(link.userId)).toStrictEqual({ ...relinked, ...second });
    });

    it('gives a link made after an unlink a new linkId, though its version starts again at 1', async () => {
      const { jiraLinks } = handle.storage;
      const link = aLink();
      const old = await jiraLinks.put(link);
      await jiraLinks.delete(link.userId);
      const fresh = await jiraLinks.put({ ...link, accountId: 'account-y' });
      expect(fresh.version).toBe(1);
      expect(fresh.linkId).not.toBe(old.linkId);
      // Nothing taken from the old link (its generation) writes over the new one.
      expect(await jiraLinks.replace({ ...link, linkId: old.linkId }, 1)).toBe(false);
      const lease = { owner: 'proc-a', until: T0 + 30 * SECOND };
      expect(await jiraLinks.acquireLease(link.userId, old, lease, T0)).toBeUndefined();
      const y = await jiraLinks.get(link.userId);
      expect(y).toStrictEqual({ ...link, accountId: 'account-y', ...fresh });
      expect(await jiraLinks.replace({ ...link, linkId: fresh.linkId, status: 'broken' }, 1)).toBe(
        true,
      );
      expect(await jiraLinks.get(link.userId)).toStrictEqual({
        ...link,
        status: 'broken',
        linkId: fresh.linkId,
        version: 2,
      });
      // The old generation at the new version still does not match.
      expect(await jiraLinks.replace({ ...link, linkId: old.linkId }, 2)).toBe(false);
      expect(
        await jiraLinks.acquireLease(link.userId, { linkId: old.linkId, version: 2 }, lease, T0),
      ).toBeUndefined();
    });

    it('replaces only at the expected version and bumps it', async () => {
      const { jiraLinks } = handle.storage;
      const link = { ...aLink(), linkId: '' };
      link.linkId = (await jiraLinks.put(link)).linkId;
      const next = { ...link, ciphertext: new Uint8Array([7, 7]), updatedAt: T0 + SECOND };
      expect(await jiraLinks.replace(next, 2)).toBe(false);
      expect(await jiraLinks.replace(next, 1)).toBe(true);
      expect(await jiraLinks.get(link.userId)).toStrictEqual({ ...next, version: 2 });
      expect(await jiraLinks.replace({ ...next, status: 'broken', brokenAt: T0 }, 1)).toBe(false);
      expect((await jiraLinks.get(link.userId))?.status).toBe('active');
      expect(await jiraLinks.replace({ ...aLink(), linkId: link.linkId }, 0)).toBe(false);
    });

    it('takes a lease at the expected version only while no other lease is unexpired', async () => {
      const { jiraLinks } = handle.storage;
      const link = aLink();
      const { linkId } = await jiraLinks.put(link);
      const at = (version: number): { linkId: string; version: number } => ({ linkId, version });
      const lease = { owner: 'proc-a', until: T0 + 30 * SECOND };
      expect(await jiraLinks.acquireLease(link.userId, at(2), lease, T0)).toBeUndefined();
      expect(await jiraLinks.acquireLease(link.userId, at(1), lease, T0)).toBe(2);
      expect(await jiraLinks.get(link.userId)).toStrictEqual({
        ...link,
        lease,
        linkId,
        version: 2,
      });
      const other = { owner: 'proc-b', until: T0 + 60 * SECOND };
      // Held, even at the right version, until the lease runs out.
      expect(
        await jiraLinks.acquireLease(link.userId, at(2), other, T0 + 29 * SECOND),
      ).toBeUndefined();
      expect(await jiraLinks.acquireLease(link.userId, at(2), other, lease.until)).toBe(3);
      expect((await jiraLinks.get(link.userId))?.lease).toStrictEqual(other);
      expect(await jiraLinks.acquireLease(randomId('usr'), at(1), lease, T0)).toBeUndefined();
    });

    it('deletes a link and returns it', async () => {
      const { jiraLinks } = handle.storage;
      const link = aLink();
      const written = await jiraLinks.put(link);
      expect(await jiraLinks.delete(link.userId)).toStrictEqual({ ...link, ...written });
      expect(await jiraLinks.delete(link.userId)).toBeUndefined();
      expect(await jiraLinks.get(link.userId)).toBeUndefined();
    });

    it(`lets exactly one of ${RACERS} concurrent replaces at one version win, across connections`, async () => {
      const store = racers(handle, 3);
      const link = { ...aLink(), linkId: '' };
      link.linkId = (await handle.storage.jiraLinks.put(link)).linkId;
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          store(i).jiraLinks.replace({ ...link, ciphertext: new Uint8Array([i]) }, 1),
        ),
      );
      expect(results.filter((r) => r)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await handle.storage.jiraLinks.get(link.userId)).toStrictEqual({
        ...link,
        ciphertext: new Uint8Array([winner]),
        version: 2,
      });
    });

    it(`gives the lease to exactly one of ${RACERS} concurrent takers, across connections`, async () => {
      const store = racers(handle, 3);
      const link = aLink();
      const written = await handle.storage.jiraLinks.put(link);
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          store(i).jiraLinks.acquireLease(
            link.userId,
            written,
            { owner: `proc-${i}`, until: T0 + 30 * SECOND },
            T0,
          ),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toStrictEqual([2]);
      const winner = results.findIndex((r) => r !== undefined);
      expect((await handle.storage.jiraLinks.get(link.userId))?.lease?.owner).toBe(
        `proc-${winner}`,
      );
    });
  });

  describe('links to Atlassian in flight (JiraLinkRepository states, RFC 6749 §10.12)', () => {
    it('gives a saved state back exactly once', async () => {
      const { jiraLinks } = handle.storage;
      const state = aState();
      await jiraLinks.saveState(state);
      expect(await jiraLinks.consumeState(state.stateHash, T0 + MINUTE)).toStrictEqual(state);
      expect(await jiraLinks.consumeState(state.stateHash, T0 + MINUTE)).toBeUndefined();
      expect(await jiraLinks.consumeState(freshHash(), T0)).toBeUndefined();
    });

    it('honours a state until expiresAt and never from expiresAt on', async () => {
      const { jiraLinks } = handle.storage;
      const fresh = aState();
      const stale = aState();
      await jiraLinks.saveState(fresh);
      await jiraLinks.saveState(stale);
      expect(await jiraLinks.consumeState(fresh.stateHash, fresh.expiresAt - 1)).toStrictEqual(
        fresh,
      );
      expect(await jiraLinks.consumeState(stale.stateHash, stale.expiresAt)).toBeUndefined();
      expect(await jiraLinks.consumeState(stale.stateHash, T0)).toBeUndefined();
    });

    it('gives one state to exactly one of many concurrent consumers, across connections', async () => {
      const store = racers(handle, 2);
      const state = aState();
      await handle.storage.jiraLinks.saveState(state);
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          store(i).jiraLinks.consumeState(state.stateHash, T0),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toStrictEqual([state]);
    });
  });
}
