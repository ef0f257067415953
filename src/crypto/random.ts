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
