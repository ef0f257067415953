import { hashSecret } from '../crypto/hash.js';
import { randomToken, timeOrderedId } from '../crypto/random.js';
import type { UserRecord } from '../storage/ports.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { buildRedirect } from './authorization-request.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';
import { formatScopes, type Scope } from './scopes.js';

/**
 * Issues a single-use authorization code for an approved request and returns
 * the redirect that carries it. The code is stored only as a hash, bound to
 * client, redirect URI, resource, user, scopes and PKCE challenge, and lives
 * at most `codeSeconds` (≤ 60 s).
 * @see RFC 6749 §4.1.2; draft-ietf-oauth-v2-1-13 §4.1.2; RFC 9207 §2
 */
export async function issueAuthorizationCode(
  ctx: OAuthContext,
  request: AuthorizationRequest,
  user: UserRecord,
  scopes: readonly Scope[],
  origin: RequestOrigin,
): Promise<string> {
  const code = randomToken();
  const now = ctx.clock.now();
  // Time-ordered: the grants table and the tokens' grant index then grow at their ends.
  const grantId = timeOrderedId('grt', now);
  await ctx.storage.codes.save({
    codeHash: hashSecret(code),
    clientId: request.client.clientId,
    userId: user.id,
    redirectUri: request.redirectUri,
    resource: request.resource,
    scopes: [...scopes],
    codeChallenge: request.codeChallenge,
    grantId,
    createdAt: now,
    expiresAt: now + ctx.lifetimes.codeSeconds * 1000,
  });
  await ctx.audit.record({
    type: AUDIT_EVENT.codeIssued,
    outcome: 'success',
    userId: user.id,
    username: user.username,
    clientId: request.client.clientId,
    grantId,
    ...originFields(origin),
    detail: { scope: formatScopes(scopes) },
  });
  return buildRedirect(request.redirectUri, ctx.issuer, { code, state: request.state });
}
