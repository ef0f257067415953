import { hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import type { GrantRecord, TokenRecord } from '../storage/ports.js';
import type { OAuthContext } from './context.js';
import { formatScopes, type Scope } from './scopes.js';

/** The token response body. @see RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** Freshly minted tokens: the records to store and the response to send. */
export interface MintedTokens {
  records: TokenRecord[];
  response: TokenResponse;
}

/**
 * Mints an opaque access token (and a refresh token when the client may
 * refresh) for a grant. Only hashes go into the records; the plaintext
 * exists only in the response. No token outlives its grant. A refresh token
 * minted by a refresh names the exchanged one as its parent (`parentHash`),
 * which is how reuse detection follows the chain.
 * @see RFC 6749 §5.1; draft-ietf-oauth-v2-1-13 §4.3.1 (refresh rotation)
 */
export function mintTokens(
  ctx: OAuthContext,
  grant: GrantRecord,
  scopes: readonly Scope[],
  withRefresh: boolean,
  parentHash?: string,
): MintedTokens {
  const now = ctx.clock.now();
  const accessToken = randomToken();
  const accessExpiresAt = Math.min(now + ctx.lifetimes.accessTokenSeconds * 1000, grant.expiresAt);
  const base = {
    grantId: grant.id,
    clientId: grant.clientId,
    userId: grant.userId,
    scopes: [...scopes],
    resource: grant.resource,
    issuedAt: now,
  };
  const records: TokenRecord[] = [
    { ...base, tokenHash: hashSecret(accessToken), kind: 'access', expiresAt: accessExpiresAt },
  ];
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.max(0, Math.floor((accessExpiresAt - now) / 1000)),
    scope: formatScopes(scopes),
  };
  if (withRefresh) {
    const refreshToken = randomToken();
    const record: TokenRecord = {
      ...base,
      tokenHash: hashSecret(refreshToken),
      kind: 'refresh',
      expiresAt: Math.min(now + ctx.lifetimes.refreshTokenSeconds * 1000, grant.expiresAt),
    };
    if (parentHash !== undefined) record.parentHash = parentHash;
    records.push(record);
    response.refresh_token = refreshToken;
  }
  return { records, response };
}
