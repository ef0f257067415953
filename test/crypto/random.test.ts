import { describe, expect, it } from 'vitest';
import { randomId, randomToken, timeOrderedId } from '../../src/crypto/random.js';

describe('random values', () => {
  it('makes 256-bit tokens and prefixed ids, all distinct', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomId('grt')).toMatch(/^grt_[A-Za-z0-9_-]{22}$/);
    // 1,000 tokens draw on the 4 KiB pool several times over.
    const tokens = new Set(Array.from({ length: 1_000 }, () => randomToken()));
    expect(tokens.size).toBe(1_000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('makes values larger than the pool, and odd sizes, at full length', () => {
    expect(randomToken(5_000)).toHaveLength(Math.ceil((5_000 * 4) / 3));
    expect(randomToken(12)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(randomToken(1)).toMatch(/^[A-Za-z0-9_-]{2}$/);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s bytes', (bytes) => {
    expect(() => randomToken(bytes)).toThrow(RangeError);
  });

  it('makes time-ordered ids whose text sorts by time, whatever the magnitude', () => {
    const times = [0, 1, 35, 36, 1_000, Date.UTC(2026, 10, 27), Date.UTC(2026, 10, 27) + 1, 9e12];
    const ids = times.map((at) => timeOrderedId('aud', at));
    for (const id of ids) expect(id).toMatch(/^aud_[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
    expect([...ids].reverse().sort()).toStrictEqual(ids);
  });

  it('keeps time-ordered ids of the same millisecond distinct', () => {
    const at = Date.UTC(2026, 10, 27);
    const ids = new Set(Array.from({ length: 1_000 }, () => timeOrderedId('aud', at)));
    expect(ids.size).toBe(1_000);
  });
});
