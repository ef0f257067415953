import { describe, expect, it } from 'vitest';
import { T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

/** SecretRepository: opaque encrypted bytes by name. */
export function describeSecretContract(handle: StorageHandle): void {
  describe('secrets (SecretRepository)', () => {
    it('round-trips every byte value exactly, as a Uint8Array', async () => {
      const { secrets } = handle.storage;
      const ciphertext = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
      await secrets.put({ name: 'jira.credentials', ciphertext, updatedAt: T0 });
      const stored = await secrets.get('jira.credentials');
      expect(stored?.name).toBe('jira.credentials');
      expect(stored?.updatedAt).toBe(T0);
      expect(stored?.ciphertext).toBeInstanceOf(Uint8Array);
      expect(Array.from(stored?.ciphertext ?? [])).toStrictEqual(Array.from(ciphertext));
    });

    it('keeps a view’s bytes only, not the rest of its buffer', async () => {
      const { secrets } = handle.storage;
      const backing = Uint8Array.from([9, 9, 1, 2, 3, 9]);
      await secrets.put({ name: 'view', ciphertext: backing.subarray(2, 5), updatedAt: T0 });
      expect(Array.from((await secrets.get('view'))?.ciphertext ?? [])).toStrictEqual([1, 2, 3]);
    });

    it('replaces a secret put again under the same name', async () => {
      const { secrets } = handle.storage;
      await secrets.put({ name: 'k', ciphertext: Uint8Array.from([1]), updatedAt: T0 });
      await secrets.put({ name: 'k', ciphertext: Uint8Array.from([2, 3]), updatedAt: T0 + 1 });
      const stored = await secrets.get('k');
      expect(stored?.updatedAt).toBe(T0 + 1);
      expect(Array.from(stored?.ciphertext ?? [])).toStrictEqual([2, 3]);
    });

    it('deletes a secret once, then answers false and undefined', async () => {
      const { secrets } = handle.storage;
      await secrets.put({ name: 'k', ciphertext: Uint8Array.from([1]), updatedAt: T0 });
      expect(await secrets.delete('k')).toBe(true);
      expect(await secrets.get('k')).toBeUndefined();
      expect(await secrets.delete('k')).toBe(false);
    });
  });
}
