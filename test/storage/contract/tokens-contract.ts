import { describe, expect, it } from 'vitest';
import { ConflictError, type GrantRecord, type TokenRecord } from '../../../src/storage/ports.js';
import { aGrant, aToken, DAY, freshHash, HOUR, MINUTE, sortedBy, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

/** TokenRepository reads: a token is active only together with its grant. */
export function describeTokenContract(handle: StorageHandle): void {
  async function grantWith(
    grantOverrides: Partial<GrantRecord> = {},
    tokenOverrides: Partial<TokenRecord> = {},
  ): Promise<{ grant: GrantRecord; token: TokenRecord }> {
    const grant = aGrant(grantOverrides);
    const token = aToken(grant, tokenOverrides);
    await handle.storage.grants.create(grant);
    await handle.storage.tokens.save([token]);
    return { grant, token };
  }

  describe('tokens (TokenRepository, RFC 7662 §2.2: active)', () => {
    it('stores access and refresh tokens of one grant and reads each back exactly', async () => {
      const { grants, tokens } = handle.storage;
      const grant = aGrant();
      await grants.create(grant);
      const access = aToken(grant, { kind: 'access' });
      const refresh = aToken(grant, { kind: 'refresh' });
      await tokens.save([access, refresh]);
      expect(await tokens.get(access.tokenHash)).toStrictEqual(access);
      expect(await tokens.get(refresh.tokenHash)).toStrictEqual(refresh);
      expect(await tokens.get(freshHash())).toBeUndefined();
    });

    it('finds an active token together with its grant', async () => {
      const { grant, token } = await grantWith();
      expect(await handle.storage.tokens.findActive(token.tokenHash, 'access', T0)).toStrictEqual({
        token,
        grant,
      });
    });

    it('does not find a token asked for as the other kind', async () => {
      const { token } = await grantWith({}, { kind: 'access' });
      expect(
        await handle.storage.tokens.findActive(token.tokenHash, 'refresh', T0),
      ).toBeUndefined();
    });

    it('does not find an unknown token', async () => {
      await grantWith();
      expect(await handle.storage.tokens.findActive(freshHash(), 'access', T0)).toBeUndefined();
    });

    it('checks token expiry at read time: active until expiresAt, not from expiresAt on', async () => {
      const { token } = await grantWith({}, { expiresAt: T0 + HOUR });
      const { tokens } = handle.storage;
      expect(await tokens.findActive(token.tokenHash, 'access', T0 + HOUR - 1)).toBeDefined();
      expect(await tokens.findActive(token.tokenHash, 'access', T0 + HOUR)).toBeUndefined();
    });

    it('does not find a revoked token', async () => {
      const { token } = await grantWith();
      await handle.storage.tokens.revoke(token.tokenHash, T0 + 1);
      expect(
        await handle.storage.tokens.findActive(token.tokenHash, 'access', T0 + 2),
      ).toBeUndefined();
    });

    it('does not find a token whose grant is revoked', async () => {
      const { grant, token } = await grantWith();
      await handle.storage.grants.revoke(grant.id, T0 + 1, 'user_revoked');
      expect(
        await handle.storage.tokens.findActive(token.tokenHash, 'access', T0 + 2),
      ).toBeUndefined();
    });

    it('does not find an unexpired token whose grant has expired', async () => {
      const { token } = await grantWith(
        { expiresAt: T0 + MINUTE },
        { kind: 'refresh', expiresAt: T0 + 30 * DAY },
      );
      const { tokens } = handle.storage;
      expect(await tokens.findActive(token.tokenHash, 'refresh', T0 + MINUTE - 1)).toBeDefined();
      expect(await tokens.findActive(token.tokenHash, 'refresh', T0 + MINUTE)).toBeUndefined();
    });

    it('revokes a token idempotently, keeping the first time', async () => {
      const { token } = await grantWith();
      const { tokens } = handle.storage;
      expect(await tokens.revoke(token.tokenHash, T0 + 1)).toBe(true);
      expect(await tokens.revoke(token.tokenHash, T0 + 2)).toBe(true);
      expect(await tokens.get(token.tokenHash)).toStrictEqual({ ...token, revokedAt: T0 + 1 });
    });

    it('answers false when revoking an unknown token', async () => {
      expect(await handle.storage.tokens.revoke(freshHash(), T0)).toBe(false);
    });

    it('lists the tokens of one grant in any state, and no other grant’s', async () => {
      const { grants, tokens } = handle.storage;
      const grant = aGrant();
      const other = aGrant();
      await grants.create(grant);
      await grants.create(other);
      const mine = [
        aToken(grant, { kind: 'access' }),
        aToken(grant, { kind: 'refresh' }),
        aToken(grant, { kind: 'access', expiresAt: T0 + 1 }),
      ];
      await tokens.save(mine);
      await tokens.save([aToken(other)]);
      await tokens.revoke(mine[0]?.tokenHash ?? '', T0 + 5);
      const expected = mine.map((t, i) => (i === 0 ? { ...t, revokedAt: T0 + 5 } : t));
      const byHash = (t: TokenRecord): string => t.tokenHash;
      expect(sortedBy(await tokens.listByGrant(grant.id), byHash)).toStrictEqual(
        sortedBy(expected, byHash),
      );
      expect(await tokens.listByGrant('grt_unknown')).toStrictEqual([]);
    });

    it('refuses a token whose hash is taken with ConflictError', async () => {
      const { grant, token } = await grantWith();
      await expect(
        handle.storage.tokens.save([aToken(grant, { tokenHash: token.tokenHash })]),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
