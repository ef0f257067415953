import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import type { ClientRecord } from '../storage/ports.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';
import { OAuthError } from './errors.js';

/**
 * Revokes a token. Revoking a refresh token revokes its whole grant, so the
 * access tokens issued with it stop working too. Unknown tokens, and tokens
 * of other clients, are answered the same way (200, nothing done) so the
 * endpoint cannot be used to probe for tokens.
 * @see RFC 7009 §2.1, §2.2
 */
export async function revokeToken(
  ctx: OAuthContext,
  client: ClientRecord,
  form: URLSearchParams,
  origin: RequestOrigin,
): Promise<void> {
  const tokens = form.getAll('token');
  if (tokens.length !== 1 || tokens[0] === '' || tokens[0] === undefined) {
    throw new OAuthError('invalid_request', 'exactly one token is required');
  }
  const now = ctx.clock.now();
  const tokenHash = hashSecret(tokens[0]);
  const record = await ctx.storage.tokens.get(tokenHash);
  if (record === undefined || record.clientId !== client.clientId) return;

  if (record.kind === 'refresh') {
    await ctx.storage.grants.revoke(record.grantId, now, 'refresh token revoked by client');
  } else {
    await ctx.storage.tokens.revoke(tokenHash, now);
  }
  await ctx.audit.record({
    type: AUDIT_EVENT.tokenRevoked,
    outcome: 'success',
    clientId: client.clientId,
    userId: record.userId,
    grantId: record.grantId,
    ...originFields(origin),
    detail: { kind: record.kind },
  });
}
