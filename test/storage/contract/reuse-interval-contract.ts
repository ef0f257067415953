import { describe, expect, it } from 'vitest';
import type {
  GrantRecord,
  RotateRefreshResult,
  Storage,
  TokenRecord,
} from '../../../src/storage/ports.js';
import { aGrant, aToken, DAY, MINUTE, SECOND, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const INTERVAL = 60 * SECOND;
const PARALLEL = 12;

interface Family {
  grant: GrantRecord;
  refresh: TokenRecord;
}

async function family(storage: Storage): Promise<Family> {
  const grant = aGrant();
  const refresh = aToken(grant, { kind: 'refresh', expiresAt: T0 + 30 * DAY });
  await storage.grants.create(grant);
  await storage.tokens.save([refresh]);
  return { grant, refresh };
}

/** An access + refresh pair issued at `now` by exchanging `parent`. */
function pairFrom(parent: TokenRecord, grant: GrantRecord, now: number): TokenRecord[] {
  return [
    aToken(grant, { kind: 'access', issuedAt: now, expiresAt: now + 60 * MINUTE }),
    aToken(grant, {
      kind: 'refresh',
      issuedAt: now,
      expiresAt: now + 30 * DAY,
      parentHash: parent.tokenHash,
    }),
  ];
}

function refreshOf(pair: readonly TokenRecord[]): TokenRecord {
  const refresh = pair.find((t) => t.kind === 'refresh');
  if (refresh === undefined) throw new Error('the pair has no refresh token');
  return refresh;
}

/**
 * TokenRepository.rotateRefresh with a reuse interval: parallel refreshes of
 * one token get siblings, anything else is reuse, and the first sibling
 * exchanged ends the others.
 */
export function describeReuseIntervalContract(handle: StorageHandle): void {
  describe('refresh reuse interval (RFC 9700 §4.14.2, REFRESH_REUSE_INTERVAL)', () => {
    it('reissues to a token presented again within the interval while no successor is used', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const first = pairFrom(refresh, grant, T0 + 1);
      const rotated = await tokens.rotateRefresh(refresh.tokenHash, T0 + 1, first, INTERVAL);
      expect(rotated).toStrictEqual({
        status: 'ok',
        token: { ...refresh, rotatedAt: T0 + 1 },
        grant,
      });
      const late = T0 + INTERVAL; // the last millisecond of the interval
      const second = pairFrom(refresh, grant, late);
      expect(await tokens.rotateRefresh(refresh.tokenHash, late, second, INTERVAL)).toStrictEqual({
        status: 'reissued',
        token: { ...refresh, rotatedAt: T0 + 1 },
        grant,
      });
      for (const token of [...first, ...second]) {
        expect(await tokens.findActive(token.tokenHash, token.kind, late)).toStrictEqual({
          token,
          grant,
        });
      }
      // Reissuing records nothing on the presented token: the chain is still open.
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual({ ...refresh, rotatedAt: T0 + 1 });
    });

    it('answers reused from the end of the interval on, storing nothing', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      await tokens.rotateRefresh(refresh.tokenHash, T0, pairFrom(refresh, grant, T0), INTERVAL);
      const after = pairFrom(refresh, grant, T0 + INTERVAL);
      expect(
        await tokens.rotateRefresh(refresh.tokenHash, T0 + INTERVAL, after, INTERVAL),
      ).toStrictEqual({
        status: 'reused',
        token: { ...refresh, rotatedAt: T0 },
        reason: 'rotated',
      });
      for (const token of after) expect(await tokens.get(token.tokenHash)).toBeUndefined();
    });

    it('answers reused within the interval once a token issued from it was exchanged', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const child = refreshOf(pairFrom(refresh, grant, T0));
      await tokens.rotateRefresh(refresh.tokenHash, T0, [child], INTERVAL);
      const grandchild = pairFrom(child, grant, T0 + SECOND);
      expect(
        (await tokens.rotateRefresh(child.tokenHash, T0 + SECOND, grandchild, INTERVAL)).status,
      ).toBe('ok');
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual({
        ...refresh,
        rotatedAt: T0,
        successorHash: child.tokenHash,
      });
      const replay = pairFrom(refresh, grant, T0 + 2 * SECOND);
      expect(
        await tokens.rotateRefresh(refresh.tokenHash, T0 + 2 * SECOND, replay, INTERVAL),
      ).toStrictEqual({
        status: 'reused',
        token: { ...refresh, rotatedAt: T0, successorHash: child.tokenHash },
        reason: 'rotated',
      });
      for (const token of replay) expect(await tokens.get(token.tokenHash)).toBeUndefined();
    });

    it('lets the first sibling exchanged win: the other is superseded, inactive, and reused', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const elder = refreshOf(pairFrom(refresh, grant, T0));
      const younger = refreshOf(pairFrom(refresh, grant, T0 + SECOND));
      await tokens.rotateRefresh(refresh.tokenHash, T0, [elder], INTERVAL);
      expect(
        (await tokens.rotateRefresh(refresh.tokenHash, T0 + SECOND, [younger], INTERVAL)).status,
      ).toBe('reissued');
      const now = T0 + 2 * SECOND;
      const next = pairFrom(younger, grant, now);
      expect((await tokens.rotateRefresh(younger.tokenHash, now, next, INTERVAL)).status).toBe(
        'ok',
      );
      expect(await tokens.findActive(elder.tokenHash, 'refresh', now)).toBeUndefined();
      const tooLate = pairFrom(elder, grant, now);
      expect(await tokens.rotateRefresh(elder.tokenHash, now, tooLate, INTERVAL)).toStrictEqual({
        status: 'reused',
        token: elder,
        reason: 'superseded',
      });
      for (const token of tooLate) expect(await tokens.get(token.tokenHash)).toBeUndefined();
      expect(await tokens.get(elder.tokenHash)).toStrictEqual(elder);
      expect((await tokens.get(refresh.tokenHash))?.successorHash).toBe(younger.tokenHash);
    });

    it('is strict with an interval of 0: a second presentation at the same instant is reuse', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      await tokens.rotateRefresh(refresh.tokenHash, T0, pairFrom(refresh, grant, T0), 0);
      const again = pairFrom(refresh, grant, T0);
      expect((await tokens.rotateRefresh(refresh.tokenHash, T0, again, 0)).status).toBe('reused');
      for (const token of again) expect(await tokens.get(token.tokenHash)).toBeUndefined();
    });

    it(`answers ${PARALLEL} concurrent presentations with one ok and the rest reissued, storing all`, async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const offers = Array.from({ length: PARALLEL }, () => pairFrom(refresh, grant, T0 + 1));
      const results: RotateRefreshResult[] = await Promise.all(
        offers.map((offer) => tokens.rotateRefresh(refresh.tokenHash, T0 + 1, offer, INTERVAL)),
      );
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reissued')).toHaveLength(PARALLEL - 1);
      for (const token of offers.flat()) {
        expect(await tokens.findActive(token.tokenHash, token.kind, T0 + 2)).toBeDefined();
      }
    });

    it('lets exactly one of two siblings exchanged at once win; the other is superseded', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const siblings = [
        refreshOf(pairFrom(refresh, grant, T0)),
        refreshOf(pairFrom(refresh, grant, T0)),
      ];
      await tokens.rotateRefresh(refresh.tokenHash, T0, [siblings[0] as TokenRecord], INTERVAL);
      await tokens.rotateRefresh(refresh.tokenHash, T0, [siblings[1] as TokenRecord], INTERVAL);
      const now = T0 + SECOND;
      const results = await Promise.all(
        siblings.map((s) => tokens.rotateRefresh(s.tokenHash, now, pairFrom(s, grant, now), 0)),
      );
      expect(results.map((r) => r.status).sort()).toStrictEqual(['ok', 'reused']);
      const loser = results.find((r) => r.status === 'reused');
      expect(loser?.status === 'reused' ? loser.reason : undefined).toBe('superseded');
    });

    it('answers invalid to a rotated token whose grant was revoked, even within the interval', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      await tokens.rotateRefresh(refresh.tokenHash, T0, pairFrom(refresh, grant, T0), INTERVAL);
      await handle.storage.grants.revoke(grant.id, T0 + 1, 'user_revoked');
      const again = pairFrom(refresh, grant, T0 + 2);
      expect(await tokens.rotateRefresh(refresh.tokenHash, T0 + 2, again, INTERVAL)).toStrictEqual({
        status: 'invalid',
      });
      for (const token of again) expect(await tokens.get(token.tokenHash)).toBeUndefined();
    });

    it('refuses a replacement refresh token that does not name the exchanged token as its parent', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const orphan = aToken(grant, { kind: 'refresh', issuedAt: T0 + 1 });
      await expect(
        tokens.rotateRefresh(refresh.tokenHash, T0 + 1, [orphan], INTERVAL),
      ).rejects.toThrow('a replacement refresh token must name the rotated token as its parent');
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual(refresh);
      expect(await tokens.get(orphan.tokenHash)).toBeUndefined();
    });
  });
}
