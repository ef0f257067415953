import { describe, expect, it } from 'vitest';
import { TtlLruCache } from '../../src/mcp/ttl-lru-cache.js';

describe('bounded TTL cache', () => {
  it('expires entries by the given clock and evicts the least recently used', () => {
    const cache = new TtlLruCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    expect(cache.get('a', 50)).toBe(1);
    cache.set('c', 3, 100);
    expect(cache.get('b', 50)).toBeUndefined();
    expect(cache.get('a', 99)).toBe(1);
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
