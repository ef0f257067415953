import type { Context } from 'hono';
import type { AuditRecordInput } from '../audit/audit-log.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import type { OAuthContext } from '../oauth/context.js';
import type { CookieJar } from './cookies.js';

/** What a completed sign-in needs to open a session. */
export interface SignInSessionDeps {
  ctx: OAuthContext;
  cookies: CookieJar;
  sessionSeconds: number;
}

/** Audit fields of the `login.succeeded` event besides type, outcome and the user. */
export type SignInAuditFields = Omit<AuditRecordInput, 'type' | 'outcome' | 'userId' | 'username'>;

/**
 * Ends a successful sign-in (password or OpenID): stores a new session under
 * the hash of a random id, sets that id as the `session` cookie, and audits
 * the success. Only the hash is stored, so a storage leak yields no session.
 * @see RFC 6749 §3.1 (the authorization server authenticates the resource owner)
 * @see RFC 6265 §4.1
 */
export async function startSignedInSession(
  c: Context,
  deps: SignInSessionDeps,
  user: { id: string; username: string },
  auditFields: SignInAuditFields,
): Promise<void> {
  const { ctx, cookies, sessionSeconds } = deps;
  const sessionId = randomToken();
  const now = ctx.clock.now();
  await ctx.storage.sessions.create({
    idHash: hashSecret(sessionId),
    userId: user.id,
    createdAt: now,
    expiresAt: now + sessionSeconds * 1000,
  });
  cookies.set(c, 'session', sessionId, sessionSeconds);
  await ctx.audit.record({
    type: AUDIT_EVENT.loginSucceeded,
    outcome: 'success',
    userId: user.id,
    username: user.username,
    ...auditFields,
  });
}
