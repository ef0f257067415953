import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../../src/oauth/scopes.js';
import { ConflictError, PERSONAL_ACCESS_TOKEN_CLIENT_ID } from '../../../src/storage/ports.js';
import { aGrant, aToken, DAY, MINUTE, sortedBy, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const byId = (g: { id: string }): string => g.id;

/** GrantRepository: consents, listed per user, revoked idempotently. */
export function describeGrantContract(handle: StorageHandle): void {
  describe('grants (GrantRepository, RFC 7009 §2.1)', () => {
    it('stores a grant and reads it back exactly', async () => {
      const { grants } = handle.storage;
      const grant = aGrant({ scopes: [SCOPES.read] });
      await grants.create(grant);
      expect(await grants.get(grant.id)).toStrictEqual(grant);
      expect(await grants.get('grt_unknown')).toBeUndefined();
    });

    it('stores scopes in canonical order whatever order they arrive in', async () => {
      const { grants } = handle.storage;
      const grant = aGrant({ scopes: [SCOPES.write, SCOPES.read] });
      await grants.create(grant);
      expect((await grants.get(grant.id))?.scopes).toStrictEqual([SCOPES.read, SCOPES.write]);
    });

    it('refuses a taken grant id with ConflictError', async () => {
      const { grants } = handle.storage;
      const grant = aGrant();
      await grants.create(grant);
      await expect(grants.create(aGrant({ id: grant.id }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('lists a user’s grants, revoked and expired ones included, and no one else’s', async () => {
      const { grants } = handle.storage;
      const active = aGrant({ userId: 'usr_alice' });
      const expired = aGrant({ userId: 'usr_alice', expiresAt: T0 + 1 });
      const revoked = aGrant({ userId: 'usr_alice' });
      const bobs = aGrant({ userId: 'usr_bob' });
      for (const grant of [active, expired, revoked, bobs]) {
        await grants.create(grant);
      }
      await grants.revoke(revoked.id, T0 + MINUTE, 'user_revoked');
      const listed = await grants.listByUser('usr_alice');
      expect(sortedBy(listed, byId)).toStrictEqual(
        sortedBy(
          [active, expired, { ...revoked, revokedAt: T0 + MINUTE, revokedReason: 'user_revoked' }],
          byId,
        ),
      );
      expect(await grants.listByUser('usr_nobody')).toStrictEqual([]);
      expect(sortedBy(await grants.listAll(), byId).map(byId)).toStrictEqual(
        sortedBy([active, expired, revoked, bobs], byId).map(byId),
      );
    });

    it('revokes a grant, keeping the first time and reason when revoked again', async () => {
      const { grants } = handle.storage;
      const grant = aGrant();
      await grants.create(grant);
      expect(await grants.revoke(grant.id, T0 + MINUTE, 'user_revoked')).toBe(true);
      expect(await grants.revoke(grant.id, T0 + 2 * MINUTE, 'refresh_token_reuse')).toBe(true);
      expect(await grants.get(grant.id)).toStrictEqual({
        ...grant,
        revokedAt: T0 + MINUTE,
        revokedReason: 'user_revoked',
      });
    });

    it('keeps the kind and label of a personal access token’s grant, also when read with its token', async () => {
      const { grants, tokens } = handle.storage;
      const personal = aGrant({
        kind: 'personal',
        label: 'CI job “nightly” – ünïcode',
        clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
        scopes: [SCOPES.read],
      });
      const oauth = aGrant({ kind: 'oauth', userId: personal.userId });
      const legacy = aGrant({ userId: personal.userId });
      for (const grant of [personal, oauth, legacy]) await grants.create(grant);
      expect(await grants.get(personal.id)).toStrictEqual(personal);
      expect(await grants.get(oauth.id)).toStrictEqual(oauth);
      const read = await grants.get(legacy.id);
      expect(read).toStrictEqual(legacy);
      expect(read?.kind).toBeUndefined();
      expect(sortedBy(await grants.listByUser(personal.userId), byId)).toStrictEqual(
        sortedBy([personal, oauth, legacy], byId),
      );
      const token = aToken(personal, { expiresAt: T0 + 30 * DAY });
      await tokens.save([token]);
      const active = await tokens.findActive(token.tokenHash, 'access', T0 + MINUTE);
      expect(active?.grant).toStrictEqual(personal);
    });

    it('records a use at most once per interval, never backwards, and creates no grant (touch)', async () => {
      const { grants, tokens } = handle.storage;
      const grant = aGrant();
      await grants.create(grant);
      expect((await grants.get(grant.id))?.lastUsedAt).toBeUndefined();
      await grants.touch(grant.id, T0 + MINUTE, MINUTE);
      expect(await grants.get(grant.id)).toStrictEqual({ ...grant, lastUsedAt: T0 + MINUTE });
      // Within the interval: no write.
      await grants.touch(grant.id, T0 + MINUTE + 59_999, MINUTE);
      expect((await grants.get(grant.id))?.lastUsedAt).toBe(T0 + MINUTE);
      // An older clock (another process) never moves it back.
      await grants.touch(grant.id, T0, MINUTE);
      expect((await grants.get(grant.id))?.lastUsedAt).toBe(T0 + MINUTE);
      // Exactly one interval later: written.
      await grants.touch(grant.id, T0 + 2 * MINUTE, MINUTE);
      expect((await grants.get(grant.id))?.lastUsedAt).toBe(T0 + 2 * MINUTE);
      // Interval 0: every later use is written.
      await grants.touch(grant.id, T0 + 2 * MINUTE + 1, 0);
      expect((await grants.get(grant.id))?.lastUsedAt).toBe(T0 + 2 * MINUTE + 1);

      const token = aToken(grant, { expiresAt: T0 + DAY });
      await tokens.save([token]);
      const active = await tokens.findActive(token.tokenHash, 'access', T0 + 3 * MINUTE);
      expect(active?.grant.lastUsedAt).toBe(T0 + 2 * MINUTE + 1);
      expect((await grants.listByUser(grant.userId)).map((g) => g.lastUsedAt)).toStrictEqual([
        T0 + 2 * MINUTE + 1,
      ]);

      await expect(grants.touch('grt_unknown', T0, MINUTE)).resolves.toBeUndefined();
      expect(await grants.get('grt_unknown')).toBeUndefined();
      expect(await grants.listAll()).toHaveLength(1);
    });

    it('keeps lastUsedAt given at creation, and records a use of a revoked grant harmlessly', async () => {
      const { grants } = handle.storage;
      const grant = aGrant({ lastUsedAt: T0 + 5 });
      await grants.create(grant);
      expect(await grants.get(grant.id)).toStrictEqual(grant);
      await grants.revoke(grant.id, T0 + MINUTE, 'user_disconnected');
      await Promise.all(
        Array.from({ length: 8 }, () => grants.touch(grant.id, T0 + 2 * MINUTE, MINUTE)),
      );
      expect(await grants.get(grant.id)).toStrictEqual({
        ...grant,
        lastUsedAt: T0 + 2 * MINUTE,
        revokedAt: T0 + MINUTE,
        revokedReason: 'user_disconnected',
      });
    });

    it('answers false when revoking an unknown grant', async () => {
      const { grants } = handle.storage;
      expect(await grants.revoke('grt_unknown', T0, 'user_revoked')).toBe(false);
    });
  });
}
