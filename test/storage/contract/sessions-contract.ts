import { describe, expect, it } from 'vitest';
import { aSession, freshHash, HOUR, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

/** SessionRepository: login sessions at the authorization server (RFC 6749 §3.1). */
export function describeSessionContract(handle: StorageHandle): void {
  describe('login sessions (SessionRepository, RFC 6749 §3.1)', () => {
    it('stores a session and reads it back exactly while unexpired', async () => {
      const { sessions } = handle.storage;
      const session = aSession();
      await sessions.create(session);
      expect(await sessions.get(session.idHash, T0)).toStrictEqual(session);
      expect(await sessions.get(freshHash(), T0)).toBeUndefined();
    });

    it('checks expiry at read time: valid until expiresAt, absent from expiresAt on', async () => {
      const { sessions } = handle.storage;
      const session = aSession({ expiresAt: T0 + HOUR });
      await sessions.create(session);
      expect(await sessions.get(session.idHash, T0 + HOUR - 1)).toStrictEqual(session);
      expect(await sessions.get(session.idHash, T0 + HOUR)).toBeUndefined();
    });

    it('deletes one session, and deletes an unknown one quietly', async () => {
      const { sessions } = handle.storage;
      const session = aSession();
      const other = aSession({ userId: session.userId });
      await sessions.create(session);
      await sessions.create(other);
      await sessions.delete(session.idHash);
      expect(await sessions.get(session.idHash, T0)).toBeUndefined();
      expect(await sessions.get(other.idHash, T0)).toStrictEqual(other);
      await expect(sessions.delete(freshHash())).resolves.toBeUndefined();
    });

    it('ends every session of one user and no one else’s', async () => {
      const { sessions } = handle.storage;
      const alice = [aSession({ userId: 'usr_alice' }), aSession({ userId: 'usr_alice' })];
      const bob = aSession({ userId: 'usr_bob' });
      for (const session of [...alice, bob]) {
        await sessions.create(session);
      }
      await sessions.deleteByUser('usr_alice');
      for (const session of alice) {
        expect(await sessions.get(session.idHash, T0)).toBeUndefined();
      }
      expect(await sessions.get(bob.idHash, T0)).toStrictEqual(bob);
    });
  });
}
