import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/storage/ports.js';
import { aClient, aGrant, aToken, sortedBy, T0, MINUTE } from './records.js';
import type { StorageHandle } from './storage-handle.js';

/** ClientRepository: registered clients; deleting one ends its grants. */
export function describeClientContract(handle: StorageHandle): void {
  describe('clients (ClientRepository, RFC 7591 §3.2.1)', () => {
    it('stores a public client without optional fields and reads it back exactly', async () => {
      const { clients } = handle.storage;
      const client = aClient();
      await clients.create(client);
      expect(await clients.get(client.clientId)).toStrictEqual(client);
    });

    it('stores a confidential client with every optional field', async () => {
      const { clients } = handle.storage;
      const client = aClient({
        kind: 'resource_server',
        secretHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
        secretExpiresAt: T0 + 365 * 24 * 60 * MINUTE,
        clientName: 'Claude (héllo, "quoted")',
        redirectUris: ['https://app.example/cb', 'http://localhost/cb'],
        grantTypes: ['client_credentials'],
        responseTypes: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        scope: 'jira:read',
        clientUri: 'https://app.example',
        logoUri: 'https://app.example/logo.png',
        source: 'cli',
      });
      await clients.create(client);
      expect(await clients.get(client.clientId)).toStrictEqual(client);
    });

    it('refuses a taken client id with ConflictError', async () => {
      const { clients } = handle.storage;
      const client = aClient();
      await clients.create(client);
      await expect(
        clients.create(aClient({ clientId: client.clientId, source: 'cimd' })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await clients.get(client.clientId)).toStrictEqual(client);
    });

    it('lists every client', async () => {
      const { clients } = handle.storage;
      const created = [aClient(), aClient({ source: 'cli' }), aClient({ source: 'cimd' })];
      for (const client of created) {
        await clients.create(client);
      }
      const byId = (c: { clientId: string }): string => c.clientId;
      expect(sortedBy(await clients.list(), byId)).toStrictEqual(sortedBy(created, byId));
    });

    it('deletes a client, and answers false for an unknown one', async () => {
      const { clients } = handle.storage;
      const client = aClient();
      await clients.create(client);
      expect(await clients.delete(client.clientId, T0)).toBe(true);
      expect(await clients.get(client.clientId)).toBeUndefined();
      expect(await clients.delete(client.clientId, T0)).toBe(false);
    });

    it('revokes every grant of a deleted client (and no other), ending their tokens', async () => {
      const { clients, grants, tokens } = handle.storage;
      const client = aClient();
      const other = aClient();
      await clients.create(client);
      await clients.create(other);
      const first = aGrant({ clientId: client.clientId });
      const second = aGrant({ clientId: client.clientId });
      const earlier = aGrant({ clientId: client.clientId });
      const unrelated = aGrant({ clientId: other.clientId });
      for (const grant of [first, second, earlier, unrelated]) {
        await grants.create(grant);
      }
      await grants.revoke(earlier.id, T0 + MINUTE, 'user_revoked');
      const token = aToken(first);
      const unrelatedToken = aToken(unrelated);
      await tokens.save([token]);
      await tokens.save([unrelatedToken]);

      const now = T0 + 2 * MINUTE;
      expect(await clients.delete(client.clientId, now)).toBe(true);

      for (const grant of [first, second]) {
        const stored = await grants.get(grant.id);
        expect(stored?.revokedAt).toBe(now);
        expect(typeof stored?.revokedReason).toBe('string');
      }
      expect(await grants.get(earlier.id)).toStrictEqual({
        ...earlier,
        revokedAt: T0 + MINUTE,
        revokedReason: 'user_revoked',
      });
      expect(await grants.get(unrelated.id)).toStrictEqual(unrelated);
      expect(await tokens.findActive(token.tokenHash, 'access', now)).toBeUndefined();
      expect(await tokens.findActive(unrelatedToken.tokenHash, 'access', now)).toStrictEqual({
        token: unrelatedToken,
        grant: unrelated,
      });
    });
  });
}
