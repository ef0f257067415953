/**
 * The one rule both adapters enforce on a refresh token's replacements
 * before they write anything.
 */
import type { TokenRecord } from './ports.js';

/**
 * Throws when a replacement is in another grant, or is a refresh token that
 * does not name the exchanged token as its parent: a bug must neither strand
 * the grant nor start a chain that reuse detection cannot follow.
 * @see RFC 9700 §4.14.2
 */
export function checkReplacements(
  grantId: string,
  tokenHash: string,
  replacements: readonly TokenRecord[],
): void {
  if (replacements.some((t) => t.grantId !== grantId)) {
    throw new Error('replacement tokens must belong to the rotated token’s grant');
  }
  if (replacements.some((t) => t.kind === 'refresh' && t.parentHash !== tokenHash)) {
    throw new Error('a replacement refresh token must name the rotated token as its parent');
  }
}
