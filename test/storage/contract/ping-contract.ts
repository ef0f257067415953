import { describe, expect, it } from 'vitest';
import type { StorageHandle } from './storage-handle.js';

/** Storage.ping: the readiness probe's one question to the store. */
export function describePingContract(handle: StorageHandle): void {
  describe('ping (Storage.ping)', () => {
    it('resolves on an open store, with nothing in it', async () => {
      await expect(handle.storage.ping()).resolves.toBeUndefined();
    });

    it('answers many concurrent pings', async () => {
      const pings = Array.from({ length: 25 }, () => handle.storage.ping());
      const results = await Promise.allSettled(pings);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(25);
    });

    it('writes nothing: the store holds no record after pings', async () => {
      const { storage } = handle;
      await storage.ping();
      await storage.ping();
      expect(await storage.users.list()).toStrictEqual([]);
      expect(await storage.clients.list()).toStrictEqual([]);
    });

    it('rejects, rather than hangs, once the store is closed', async () => {
      const { storage } = handle;
      await storage.close();
      await expect(storage.ping()).rejects.toBeInstanceOf(Error);
    });
  });
}
