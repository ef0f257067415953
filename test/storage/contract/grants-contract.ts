import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../../src/oauth/scopes.js';
import { ConflictError } from '../../../src/storage/ports.js';
import { aGrant, MINUTE, sortedBy, T0 } from './records.js';
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

    it('answers false when revoking an unknown grant', async () => {
      const { grants } = handle.storage;
      expect(await grants.revoke('grt_unknown', T0, 'user_revoked')).toBe(false);
    });
  });
}
