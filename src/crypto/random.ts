import { randomBytes } from 'node:crypto';

/** Bytes fetched from the CSPRNG at a time; see `randomText`. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `bytes` random bytes as base64url text. Bytes come from a pool refilled
 * 4 KiB at a time from `crypto.randomBytes` (the same CSPRNG; one call per
 * ~100 tokens instead of one each, as Node does for `randomUUID`), and the
 * bytes handed out are zeroed at once, so the pool holds only bytes not yet
 * used.
 */
function randomText(bytes: number): string {
  // A fractional or negative size would move `offset` back over used (zeroed) bytes.
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new RangeError('the number of random bytes must be a positive integer');
  }
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  const text = slice.toString('base64url');
  slice.fill(0);
  return text;
}

/**
 * A 256-bit random value, base64url without padding (43 characters).
 * Used for codes, access and refresh tokens, client secrets and CSRF tokens.
 * @see draft-ietf-oauth-v2-1-13 §7.1 (token entropy)
 */
export function randomToken(bytes = 32): string {
  return randomText(bytes);
}

/** A random, non-secret identifier with a readable prefix, e.g. `grt_…`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomText(16)}`;
}

/** Width of the time part of `timeOrderedId`: base 36 ms reach the year 5188. */
const TIME_DIGITS = 9;

/**
 * A random, non-secret identifier whose text sorts by `at` (epoch ms), e.g.
 * `aud_0mhx3k2a9…`: the time in base 36, fixed width, then 96 random bits.
 * Ids made in time order land next to each other in an index, so appending
 * one touches the index's last page instead of a random one.
 */
export function timeOrderedId(prefix: string, at: number): string {
  const time = Math.max(0, Math.floor(at)).toString(36).padStart(TIME_DIGITS, '0');
  return `${prefix}_${time}${randomText(12)}`;
}
