/**
 * A person disconnects one of their connected applications (or personal
 * access tokens) on `/account`: the grant is revoked, and with it every
 * token issued under it, because every token check reads the grant.
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { UserRecord } from '../storage/ports.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';

/** The revocation reason recorded on a grant its person disconnected. */
export const USER_DISCONNECTED_REASON = 'user_disconnected';

/**
 * `disconnected`: revoked now; `already`: it was revoked before (nothing
 * changes, nothing is audited again); `not_found`: no grant of this person
 * has that id (someone else's looks exactly like an unknown one).
 */
export type DisconnectOutcome = 'disconnected' | 'already' | 'not_found';

/**
 * Revokes `user`'s grant `grantId` with reason {@link USER_DISCONNECTED_REASON}
 * and audits `grant.disconnected`. Its access and refresh tokens stop at
 * once wherever tokens are checked against storage; a resource server that
 * caches introspection answers stops within its cache TTL.
 * @see RFC 7009 §2.1 (revoking a grant's tokens); RFC 7662 §4 (caching introspection answers)
 */
export async function disconnectGrant(
  ctx: Pick<OAuthContext, 'storage' | 'clock' | 'audit'>,
  user: Pick<UserRecord, 'id' | 'username'>,
  grantId: string,
  origin: RequestOrigin,
): Promise<DisconnectOutcome> {
  const grant = await ctx.storage.grants.get(grantId);
  if (grant === undefined || grant.userId !== user.id) return 'not_found';
  if (grant.revokedAt !== undefined) return 'already';
  await ctx.storage.grants.revoke(grant.id, ctx.clock.now(), USER_DISCONNECTED_REASON);
  await ctx.audit.record({
    type: AUDIT_EVENT.grantDisconnected,
    outcome: 'success',
    userId: user.id,
    username: user.username,
    clientId: grant.clientId,
    grantId: grant.id,
    ...originFields(origin),
    detail: { kind: grant.kind ?? 'oauth' },
  });
  return 'disconnected';
}
