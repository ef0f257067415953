import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const PARALLEL = 20;

/** CounterRepository: fixed windows for rate limits (RFC 6585 §4). */
export function describeCounterContract(handle: StorageHandle): void {
  describe('counters (CounterRepository, RFC 6585 §4)', () => {
    it('counts up within a window whose end is fixed by the first increment', async () => {
      const { counters } = handle.storage;
      const end = T0 + MINUTE;
      expect(await counters.increment('login:alice', T0, end)).toBe(1);
      expect(await counters.increment('login:alice', T0 + SECOND, end + SECOND)).toBe(2);
      expect(await counters.increment('login:alice', T0 + 2 * SECOND, end + 2 * SECOND)).toBe(3);
      expect(await counters.get('login:alice', T0 + 3 * SECOND)).toStrictEqual({
        count: 3,
        expiresAt: end,
      });
    });

    it('starts a new window at 1 from the old window’s expiresAt on', async () => {
      const { counters } = handle.storage;
      await counters.increment('ip:1', T0, T0 + MINUTE);
      await counters.increment('ip:1', T0 + 1, T0 + MINUTE + 1);
      expect(await counters.get('ip:1', T0 + MINUTE)).toBeUndefined();
      expect(await counters.increment('ip:1', T0 + MINUTE, T0 + 2 * MINUTE)).toBe(1);
      expect(await counters.get('ip:1', T0 + MINUTE)).toStrictEqual({
        count: 1,
        expiresAt: T0 + 2 * MINUTE,
      });
    });

    it('starts over after a reset, and resets an unknown key quietly', async () => {
      const { counters } = handle.storage;
      await counters.increment('k', T0, T0 + MINUTE);
      await counters.increment('k', T0, T0 + MINUTE);
      await counters.reset('k');
      expect(await counters.get('k', T0)).toBeUndefined();
      expect(await counters.increment('k', T0, T0 + MINUTE)).toBe(1);
      await expect(counters.reset('never-seen')).resolves.toBeUndefined();
    });

    it('keeps keys independent', async () => {
      const { counters } = handle.storage;
      await counters.increment('a', T0, T0 + MINUTE);
      await counters.increment('a', T0, T0 + MINUTE);
      expect(await counters.increment('b', T0, T0 + MINUTE)).toBe(1);
      expect(await counters.get('unknown', T0)).toBeUndefined();
    });

    it(`loses no count among ${PARALLEL} concurrent increments`, async () => {
      const { counters } = handle.storage;
      const counts = await Promise.all(
        Array.from({ length: PARALLEL }, () => counters.increment('burst', T0, T0 + MINUTE)),
      );
      expect([...counts].sort((a, b) => a - b)).toStrictEqual(
        Array.from({ length: PARALLEL }, (_, i) => i + 1),
      );
    });
  });
}
