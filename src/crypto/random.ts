import { randomBytes } from 'node:crypto';

/**
 * A 256-bit random value, base64url without padding (43 characters).
 * Used for codes, access and refresh tokens, client secrets and CSRF tokens.
 * @see draft-ietf-oauth-v2-1-13 §7.1 (token entropy)
 */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random, non-secret identifier with a readable prefix, e.g. `grt_…`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
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
  return `${prefix}_${time}${randomBytes(12).toString('base64url')}`;
}
