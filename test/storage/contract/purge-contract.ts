import { describe, expect, it } from 'vitest';
import type { PurgeCutoffs } from '../../../src/storage/ports.js';
import { aClient, aGrant, aToken, DAY, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const NOW = T0 + 100 * DAY;

/** Cut-offs that delete nothing but what a test names. */
function cutoffs(overrides: Partial<PurgeCutoffs> = {}): PurgeCutoffs {
  return {
    codesExpiredBefore: 0,
    tokensExpiredBefore: 0,
    sessionsExpiredBefore: 0,
    countersExpiredBefore: 0,
    grantsEndedBefore: 0,
    ...overrides,
  };
}

/** PurgeRepository: what no TTL removes (grants, unused clients) goes on every store. */
export function describePurgeContract(handle: StorageHandle): void {
  describe('purge (PurgeRepository)', () => {
    it('deletes grants that expired or were revoked before the cut-off, with their tokens', async () => {
      const { grants, tokens, purge } = handle.storage;
      const expired = aGrant({ expiresAt: T0 + DAY });
      const revoked = aGrant({ revokedAt: T0 + DAY, revokedReason: 'user' });
      const active = aGrant({ expiresAt: NOW + DAY });
      const recentlyRevoked = aGrant({ expiresAt: NOW + DAY, revokedAt: NOW, revokedReason: 'x' });
      for (const grant of [expired, revoked, active, recentlyRevoked]) await grants.create(grant);
      const oldToken = aToken(revoked, { expiresAt: NOW + DAY });
      const liveToken = aToken(active, { expiresAt: NOW + DAY });
      await tokens.save([oldToken]);
      await tokens.save([liveToken]);
      const cut = cutoffs({ grantsEndedBefore: NOW - DAY });
      expect(await purge.purgeBatch('grants', cut, 100)).toBe(2);
      expect(await grants.get(expired.id)).toBeUndefined();
      expect(await grants.get(revoked.id)).toBeUndefined();
      expect(await tokens.get(oldToken.tokenHash)).toBeUndefined();
      expect(await grants.get(active.id)).toStrictEqual(active);
      expect(await grants.get(recentlyRevoked.id)).toStrictEqual(recentlyRevoked);
      expect(await tokens.get(liveToken.tokenHash)).toStrictEqual(liveToken);
      expect(await purge.purgeBatch('grants', cut, 100)).toBe(0);
    });

    it('deletes registered clients that never got a grant, never CLI-made or used ones', async () => {
      const { clients, grants, purge } = handle.storage;
      const old = T0;
      const unusedDcr = aClient({ createdAt: old });
      const unusedCimd = aClient({ createdAt: old, source: 'cimd' });
      const used = aClient({ createdAt: old });
      const fromCli = aClient({ createdAt: old, source: 'cli' });
      const resourceServer = aClient({
        createdAt: old,
        source: 'cli',
        kind: 'resource_server',
        redirectUris: [],
      });
      const recent = aClient({ createdAt: NOW - DAY });
      for (const c of [unusedDcr, unusedCimd, used, fromCli, resourceServer, recent]) {
        await clients.create(c);
      }
      await grants.create(aGrant({ clientId: used.clientId, expiresAt: NOW + DAY }));
      expect(await purge.purgeBatch('clients', cutoffs(), 100)).toBe(0);
      const cut = cutoffs({ unusedClientsCreatedBefore: NOW - 7 * DAY });
      expect(await purge.purgeBatch('clients', cut, 100)).toBe(2);
      expect(await clients.get(unusedDcr.clientId)).toBeUndefined();
      expect(await clients.get(unusedCimd.clientId)).toBeUndefined();
      for (const kept of [used, fromCli, resourceServer, recent]) {
        expect(await clients.get(kept.clientId)).toStrictEqual(kept);
      }
    });

    it('deletes at most `limit` records a batch', async () => {
      const { grants, purge } = handle.storage;
      for (let n = 0; n < 5; n += 1) await grants.create(aGrant({ expiresAt: T0 + DAY }));
      const cut = cutoffs({ grantsEndedBefore: NOW });
      expect(await purge.purgeBatch('grants', cut, 2)).toBe(2);
      expect(await purge.purgeBatch('grants', cut, 2)).toBe(2);
      expect(await purge.purgeBatch('grants', cut, 2)).toBe(1);
      expect(await grants.listAll()).toStrictEqual([]);
    });
  });
}
