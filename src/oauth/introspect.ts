import { AUDIT_EVENT } from '../audit/audit-events.js';
import { epochSeconds } from '../clock.js';
import { hashSecret } from '../crypto/hash.js';
import { recordGrantUse } from './grant-use.js';
import type { ClientRecord, TokenKind } from '../storage/ports.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';
import { OAuthError } from './errors.js';
import { formatScopes } from './scopes.js';

/** The RFC 7662 response body. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      username?: string;
      sub: string;
      token_type: 'Bearer' | 'refresh_token';
      exp: number;
      iat: number;
      aud: string;
      iss: string;
      /** Extension member (RFC 7662 §2.2 allows them): lets the MCP role audit by grant. */
      grant_id: string;
    };

/**
 * Answers whether a token is active, for a resource server that
 * authenticated with its credential. Revoked, expired, unknown tokens and
 * tokens of a revoked grant are all `{ active: false }` with nothing else.
 *
 * Only inactive answers are audited: a dead or unknown token presented to a
 * resource server is worth a record; a live one is not news here, and its
 * use is audited where it happens (`tool.called`, with the grant id this
 * answer carries). This keeps introspection nearly free of writes, as the
 * MCP role may ask once per call: an active access token records its grant's
 * last use at most once a minute (`recordGrantUse`), so split roles show
 * "last used" on `/account` too.
 * @see RFC 7662 §2.1, §2.2
 */
export async function introspectToken(
  ctx: OAuthContext,
  caller: ClientRecord,
  form: URLSearchParams,
  origin: RequestOrigin,
): Promise<IntrospectionResponse> {
  const tokens = form.getAll('token');
  if (tokens.length !== 1 || tokens[0] === '' || tokens[0] === undefined) {
    throw new OAuthError('invalid_request', 'exactly one token is required');
  }
  const hint = form.get('token_type_hint');
  const order: TokenKind[] =
    hint === 'refresh_token' ? ['refresh', 'access'] : ['access', 'refresh'];
  const now = ctx.clock.now();
  const tokenHash = hashSecret(tokens[0]);
  let found;
  for (const kind of order) {
    found = await ctx.storage.tokens.findActive(tokenHash, kind, now);
    if (found !== undefined) break;
  }
  const inactive = async (
    reason: string,
    holder?: { userId: string; grantId: string },
  ): Promise<IntrospectionResponse> => {
    await ctx.audit.record({
      type: AUDIT_EVENT.introspection,
      outcome: 'failure',
      clientId: caller.clientId,
      ...holder,
      ...originFields(origin),
      detail: { active: false, reason },
    });
    return { active: false };
  };
  if (found === undefined) return inactive('unknown, expired or revoked');
  if (found.grant.kind === 'personal' && ctx.personalAccessTokens?.enabled !== true) {
    return inactive('personal access tokens are turned off', {
      userId: found.token.userId,
      grantId: found.token.grantId,
    });
  }
  const user = await ctx.storage.users.getById(found.token.userId);
  if (user === undefined || user.disabled) {
    return inactive('user disabled', { userId: found.token.userId, grantId: found.token.grantId });
  }
  // A refresh token is used at /token, not at /mcp; only access tokens count.
  if (found.token.kind === 'access') {
    await recordGrantUse(ctx.storage.grants, found.grant, now, ctx.onGrantUseError);
  }
  return {
    active: true,
    scope: formatScopes(found.token.scopes),
    client_id: found.token.clientId,
    username: user.username,
    sub: user.id,
    token_type: found.token.kind === 'access' ? 'Bearer' : 'refresh_token',
    exp: epochSeconds(found.token.expiresAt),
    iat: epochSeconds(found.token.issuedAt),
    aud: found.token.resource,
    iss: ctx.issuer,
    grant_id: found.token.grantId,
  };
}
