import { describe, expect, it } from 'vitest';
import type {
  GrantRecord,
  RotateRefreshResult,
  Storage,
  TokenRecord,
} from '../../../src/storage/ports.js';
import { aGrant, aToken, DAY, freshHash, MINUTE, sortedBy, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const PARALLEL = 20;

interface Family {
  grant: GrantRecord;
  refresh: TokenRecord;
}

async function family(
  storage: Storage,
  grantOverrides: Partial<GrantRecord> = {},
): Promise<Family> {
  const grant = aGrant(grantOverrides);
  const refresh = aToken(grant, { kind: 'refresh', expiresAt: T0 + 30 * DAY });
  await storage.grants.create(grant);
  await storage.tokens.save([aToken(grant, { kind: 'access' }), refresh]);
  return { grant, refresh };
}

/** A new access + refresh pair in the grant, issued at `now` by exchanging `parentHash`. */
function replacementsFor(grant: GrantRecord, now: number, parentHash: string): TokenRecord[] {
  return [
    aToken(grant, { kind: 'access', issuedAt: now, expiresAt: now + 60 * MINUTE }),
    aToken(grant, { kind: 'refresh', issuedAt: now, expiresAt: now + 30 * DAY, parentHash }),
  ];
}

/** TokenRepository.rotateRefresh: one winner, reuse detected, dead tokens refused. */
export function describeRotationContract(handle: StorageHandle): void {
  describe('refresh token rotation (RFC 9700 §4.14.2)', () => {
    it('marks the token rotated, stores the replacements and returns the grant', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const now = T0 + MINUTE;
      const replacements = replacementsFor(grant, now, refresh.tokenHash);
      const result = await tokens.rotateRefresh(refresh.tokenHash, now, replacements);
      const rotated = { ...refresh, rotatedAt: now };
      expect(result).toStrictEqual({ status: 'ok', token: rotated, grant });
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual(rotated);
      for (const replacement of replacements) {
        expect(await tokens.findActive(replacement.tokenHash, replacement.kind, now)).toStrictEqual(
          {
            token: replacement,
            grant,
          },
        );
      }
      expect(await tokens.findActive(refresh.tokenHash, 'refresh', now)).toBeUndefined();
    });

    it('answers reused, with the rotated token, to a second rotation, storing nothing', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      await tokens.rotateRefresh(
        refresh.tokenHash,
        T0 + 1,
        replacementsFor(grant, T0 + 1, refresh.tokenHash),
      );
      const late = replacementsFor(grant, T0 + 2, refresh.tokenHash);
      expect(await tokens.rotateRefresh(refresh.tokenHash, T0 + 2, late)).toStrictEqual({
        status: 'reused',
        token: { ...refresh, rotatedAt: T0 + 1 },
        reason: 'rotated',
      });
      for (const replacement of late) {
        expect(await tokens.get(replacement.tokenHash)).toBeUndefined();
      }
    });

    it(`lets exactly one of ${PARALLEL} concurrent rotations win; the rest see reused`, async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const offers = Array.from({ length: PARALLEL }, () =>
        replacementsFor(grant, T0 + 1, refresh.tokenHash),
      );
      const results: RotateRefreshResult[] = await Promise.all(
        offers.map((offer) => tokens.rotateRefresh(refresh.tokenHash, T0 + 1, offer)),
      );
      const winners = results.flatMap((r, i) => (r.status === 'ok' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(PARALLEL - 1);
      const stored = new Set((await tokens.listByGrant(grant.id)).map((t) => t.tokenHash));
      offers.forEach((offer, i) => {
        for (const replacement of offer) {
          expect(stored.has(replacement.tokenHash)).toBe(winners.includes(i));
        }
      });
    });

    const refusals: {
      name: string;
      arrange: (storage: Storage) => Promise<{ hash: string; grant: GrantRecord; now: number }>;
    }[] = [
      {
        name: 'an unknown token',
        arrange: async (storage) => ({ ...(await family(storage)), hash: freshHash(), now: T0 }),
      },
      {
        name: 'an access token',
        arrange: async (storage) => {
          const grant = aGrant();
          const access = aToken(grant, { kind: 'access' });
          await storage.grants.create(grant);
          await storage.tokens.save([access]);
          return { grant, hash: access.tokenHash, now: T0 };
        },
      },
      {
        name: 'a token at its expiresAt',
        arrange: async (storage) => {
          const { grant, refresh } = await family(storage);
          return { grant, hash: refresh.tokenHash, now: refresh.expiresAt };
        },
      },
      {
        name: 'a revoked token',
        arrange: async (storage) => {
          const { grant, refresh } = await family(storage);
          await storage.tokens.revoke(refresh.tokenHash, T0 + 1);
          return { grant, hash: refresh.tokenHash, now: T0 + 2 };
        },
      },
      {
        name: 'a token whose grant is revoked',
        arrange: async (storage) => {
          const { grant, refresh } = await family(storage);
          await storage.grants.revoke(grant.id, T0 + 1, 'user_revoked');
          return { grant, hash: refresh.tokenHash, now: T0 + 2 };
        },
      },
      {
        name: 'a token whose grant has expired',
        arrange: async (storage) => {
          const { grant, refresh } = await family(storage, { expiresAt: T0 + DAY });
          return { grant, hash: refresh.tokenHash, now: T0 + DAY };
        },
      },
    ];
    for (const refusal of refusals) {
      it(`answers invalid for ${refusal.name}, storing nothing and rotating nothing`, async () => {
        const { tokens } = handle.storage;
        const { hash, grant, now } = await refusal.arrange(handle.storage);
        const byHash = (t: TokenRecord): string => t.tokenHash;
        const before = sortedBy(await tokens.listByGrant(grant.id), byHash);
        const offer = replacementsFor(grant, now, hash);
        expect(await tokens.rotateRefresh(hash, now, offer)).toStrictEqual({ status: 'invalid' });
        expect(sortedBy(await tokens.listByGrant(grant.id), byHash)).toStrictEqual(before);
      });
    }

    it('refuses replacements from another grant and leaves the token unrotated', async () => {
      const { tokens } = handle.storage;
      const { grant, refresh } = await family(handle.storage);
      const { grant: stranger } = await family(handle.storage);
      const foreign = replacementsFor(stranger, T0 + 1, refresh.tokenHash);
      await expect(tokens.rotateRefresh(refresh.tokenHash, T0 + 1, foreign)).rejects.toThrow(Error);
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual(refresh);
      for (const replacement of foreign) {
        expect(await tokens.get(replacement.tokenHash)).toBeUndefined();
      }
      expect(
        (
          await tokens.rotateRefresh(
            refresh.tokenHash,
            T0 + 2,
            replacementsFor(grant, T0 + 2, refresh.tokenHash),
          )
        ).status,
      ).toBe('ok');
    });
  });
}
