/**
 * The password check shared by `/authorize/login` and `/account/login`:
 * the throttle slot is reserved before argon2 runs, refusals are audited on
 * a log scale, failures are audited, and a good password gives the slot back.
 */
import type { AuditRecordInput } from '../audit/audit-log.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { LoginAttempt, ThrottleDecision } from '../accounts/login-throttle.js';
import { normalizeUsername } from '../accounts/users.js';
import type { OAuthContext } from '../oauth/context.js';

/** What the pages need of accounts. */
export interface AuthorizeAccounts {
  authenticate(
    username: string,
    password: string,
  ): Promise<{ id: string; username: string } | undefined>;
}

/** What the pages need of the login throttle (see `LoginThrottle`). */
export interface AuthorizeThrottle {
  /** Counts the attempt before the password is checked; verify only when allowed. */
  reserve(username: string, ip: string): Promise<ThrottleDecision>;
  /** After a good password: the attempt no longer counts as a failure. */
  recordSuccess(attempt: LoginAttempt): Promise<void>;
}

export interface PasswordSignInDeps {
  ctx: Pick<OAuthContext, 'audit'>;
  accounts: AuthorizeAccounts;
  throttle: AuthorizeThrottle;
}

/** The outcome of one password sign-in attempt; `error` is for the page. */
export type PasswordSignIn =
  | { outcome: 'ok'; username: string; user: { id: string; username: string } }
  | { outcome: 'throttled'; username: string; error: string; retryAfterSeconds: number }
  | { outcome: 'wrong'; username: string; error: string };

/**
 * Checks a sign-in form's `username` and `password`. The slot is reserved
 * before the password is verified, so a parallel burst cannot have more
 * guesses checked than the limit allows.
 * @see RFC 6749 §10.10 (credentials guessing); NIST SP 800-63B §5.2.2 (rate limiting)
 */
export async function checkPasswordSignIn(
  deps: PasswordSignInDeps,
  form: URLSearchParams,
  from: Pick<AuditRecordInput, 'requestId' | 'ip' | 'clientId'> & { ip: string },
  detail?: Record<string, string>,
): Promise<PasswordSignIn> {
  const username = normalizeUsername((form.get('username') ?? '').trim());
  const password = form.get('password') ?? '';
  const throttle = await deps.throttle.reserve(username, from.ip);
  if (!throttle.allowed) {
    // One row for the 1st, 10th, 100th… refusal of a window, not one each:
    // refusals cost the sender nothing, so they must not grow the trail.
    if (throttle.audit) {
      await deps.ctx.audit.record({
        type: AUDIT_EVENT.loginThrottled,
        outcome: 'failure',
        username,
        ...from,
        detail: {
          ...detail,
          limitedBy: throttle.limitedBy,
          refusedInWindow: throttle.refusedInWindow,
        },
      });
    }
    return {
      outcome: 'throttled',
      username,
      error: `Too many failed sign-ins. Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minute(s).`,
      retryAfterSeconds: throttle.retryAfterSeconds,
    };
  }
  const user =
    username === '' || password === ''
      ? undefined
      : await deps.accounts.authenticate(username, password);
  if (user === undefined) {
    await deps.ctx.audit.record({
      type: AUDIT_EVENT.loginFailed,
      outcome: 'failure',
      username,
      ...from,
      ...(detail === undefined ? {} : { detail }),
    });
    return { outcome: 'wrong', username, error: 'Wrong username or password.' };
  }
  await deps.throttle.recordSuccess(throttle.attempt);
  return { outcome: 'ok', username, user };
}
