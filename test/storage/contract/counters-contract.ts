import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const PARALLEL = 20;
/** Concurrent reservations of one window: far more callers than the limit. */
const RESERVERS = 60;
const LIMIT = 5;

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

    it('reserves up to the limit, then refuses without counting, until the window ends', async () => {
      const { counters } = handle.storage;
      const end = T0 + MINUTE;
      expect(await counters.reserve('r', T0, end, 2)).toStrictEqual({
        reserved: true,
        count: 1,
        expiresAt: end,
      });
      expect(await counters.reserve('r', T0 + SECOND, end + SECOND, 2)).toStrictEqual({
        reserved: true,
        count: 2,
        expiresAt: end,
      });
      expect(await counters.reserve('r', T0 + 2 * SECOND, end + 2 * SECOND, 2)).toStrictEqual({
        reserved: false,
        count: 2,
        expiresAt: end,
      });
      expect(await counters.get('r', T0 + 3 * SECOND)).toStrictEqual({ count: 2, expiresAt: end });
      expect(await counters.reserve('r', end, end + MINUTE, 2)).toStrictEqual({
        reserved: true,
        count: 1,
        expiresAt: end + MINUTE,
      });
    });

    it('shares the window with increment: a count at the limit refuses a reservation', async () => {
      const { counters } = handle.storage;
      await counters.increment('shared', T0, T0 + MINUTE);
      await counters.increment('shared', T0, T0 + MINUTE);
      expect((await counters.reserve('shared', T0, T0 + MINUTE, 2)).reserved).toBe(false);
      expect((await counters.reserve('shared', T0, T0 + MINUTE, 3)).reserved).toBe(true);
    });

    it('refuses a limit below 1', async () => {
      const { counters } = handle.storage;
      await expect(counters.reserve('z', T0, T0 + MINUTE, 0)).rejects.toThrow(RangeError);
      expect(await counters.get('z', T0)).toBeUndefined();
    });

    it(`reserves exactly ${LIMIT} of ${RESERVERS} concurrent callers, with counts 1 to ${LIMIT}`, async () => {
      const { counters } = handle.storage;
      const results = await Promise.all(
        Array.from({ length: RESERVERS }, (_, i) =>
          counters.reserve('burst', T0 + i, T0 + MINUTE + i, LIMIT),
        ),
      );
      const reserved = results.filter((r) => r.reserved);
      expect(reserved.map((r) => r.count).sort((a, b) => a - b)).toStrictEqual(
        Array.from({ length: LIMIT }, (_, i) => i + 1),
      );
      expect(results.filter((r) => !r.reserved)).toHaveLength(RESERVERS - LIMIT);
      expect(new Set(results.map((r) => r.expiresAt)).size).toBe(1);
      expect((await counters.get('burst', T0 + RESERVERS))?.count).toBe(LIMIT);
    });

    it(`reserves exactly ${LIMIT} of ${RESERVERS} concurrent callers when the old window has just ended`, async () => {
      const { counters } = handle.storage;
      await counters.increment('rollover', T0, T0 + MINUTE);
      const now = T0 + MINUTE;
      const results = await Promise.all(
        Array.from({ length: RESERVERS }, () =>
          counters.reserve('rollover', now, now + MINUTE, LIMIT),
        ),
      );
      expect(results.filter((r) => r.reserved)).toHaveLength(LIMIT);
      expect(await counters.get('rollover', now)).toStrictEqual({
        count: LIMIT,
        expiresAt: now + MINUTE,
      });
    });

    it('gives a released slot back to the same window only, never below 0', async () => {
      const { counters } = handle.storage;
      const end = T0 + MINUTE;
      await counters.reserve('rel', T0, end, 2);
      await counters.reserve('rel', T0, end, 2);
      await counters.release('rel', end);
      expect(await counters.get('rel', T0)).toStrictEqual({ count: 1, expiresAt: end });
      expect((await counters.reserve('rel', T0, end, 2)).reserved).toBe(true);
      await counters.release('rel', end + 1);
      expect(await counters.get('rel', T0)).toStrictEqual({ count: 2, expiresAt: end });
      await counters.release('rel', end);
      await counters.release('rel', end);
      await counters.release('rel', end);
      expect(await counters.get('rel', T0)).toStrictEqual({ count: 0, expiresAt: end });
      await expect(counters.release('never-seen', end)).resolves.toBeUndefined();
      expect(await counters.get('never-seen', T0)).toBeUndefined();
    });

    it('ignores a release for a window that has ended and been replaced', async () => {
      const { counters } = handle.storage;
      await counters.reserve('late', T0, T0 + MINUTE, 2);
      await counters.reserve('late', T0 + MINUTE, T0 + 2 * MINUTE, 2);
      await counters.release('late', T0 + MINUTE);
      expect(await counters.get('late', T0 + MINUTE)).toStrictEqual({
        count: 1,
        expiresAt: T0 + 2 * MINUTE,
      });
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
