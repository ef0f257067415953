/**
 * Sign-in through the organisation's OpenID provider, between `/authorize`
 * and its consent page:
 *
 *   login page ──link──► GET /login/oidc/start?request=…   (303 to the provider)
 *   provider   ─────────► GET /login/oidc/callback?code&state&iss
 *              ─────────► 303 /authorize?…  (a session now exists: consent)
 *
 * From `/account` the start is `GET /account/login/oidc` and the callback
 * ends at `/account`: the record then holds {@link ACCOUNT_SIGN_IN_REQUEST}
 * instead of a request, so the destination is a fixed path, never a URL
 * anyone supplied.
 *
 * What the callback must check (state, nonce, PKCE verifier) and the MCP
 * client's pending authorization request are kept server-side under the
 * hash of a random value in an `HttpOnly` cookie of the browser that
 * started, for ten minutes, and are consumed by the first callback. Every
 * failure is a page with a reference, never a 500.
 */
import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import { checkAccess, type AccessRules } from '../accounts/oidc/access-policy.js';
import { provisionUser } from '../accounts/oidc/provision-user.js';
import type { OidcRelyingParty } from '../accounts/oidc/relying-party.js';
import { failurePage, OIDC_FAILURE, OidcSignInError } from '../accounts/oidc/sign-in-error.js';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import {
  buildRedirect,
  UntrustedRedirectError,
  validateAuthorizationRequest,
} from '../oauth/authorization-request.js';
import { ipBucket } from '../accounts/ip-bucket.js';
import { isAuditedRefusal } from '../accounts/login-throttle.js';
import type { OAuthContext } from '../oauth/context.js';
import { OAUTH_PATHS } from '../oauth/metadata.js';
import { ACCOUNT_PATHS } from './account-sections.js';
import { parseOwnQuery } from './body.js';
import type { CookieJar } from './cookies.js';
import type { Logger } from './logger.js';
import { renderErrorPage } from './pages/index.js';
import { startSignedInSession } from './sign-in-session.js';
import type { GatewayApp, GatewayEnv } from './types.js';

export const OIDC_PATHS = {
  start: '/login/oidc/start',
  callback: '/login/oidc/callback',
} as const;

/**
 * Stored in place of the authorization request by a sign-in started on
 * `/account`. A serialized request can never equal it: `#` is always
 * percent-encoded in application/x-www-form-urlencoded output.
 */
export const ACCOUNT_SIGN_IN_REQUEST = '#account';

/** Longest pending authorization request kept across the round trip, in characters. */
export const MAX_REQUEST_LENGTH = 8192;

/** How long a person may take at the provider before the sign-in must start again. */
export const OIDC_LOGIN_SECONDS = 600;

/**
 * Sign-ins one address (an IPv6 /64 counts as one) may start per
 * {@link OIDC_LOGIN_SECONDS}: each stores up to {@link MAX_REQUEST_LENGTH}
 * characters for that long, and anyone can register a client to make the
 * request valid. A person needs a few; an office NAT a few dozen.
 */
export const MAX_OIDC_STARTS_PER_ADDRESS = 30;

/**
 * Failures anyone can cause without a round trip at the provider (no cookie,
 * wrong state, a replayed or expired record): counted per address and only
 * the 1st, 10th, 100th… of a window audited, as throttled password logins are.
 */
const FREE_FAILURES: ReadonlySet<string> = new Set([
  OIDC_FAILURE.noSignInInFlight,
  OIDC_FAILURE.stateMismatch,
]);

export interface OidcRouteDeps {
  ctx: OAuthContext;
  cookies: CookieJar;
  sessionSeconds: number;
  relyingParty: OidcRelyingParty;
  rules: AccessRules;
  providerName: string;
  /** LOCAL_LOGIN: when false, the password form's POST is refused here. */
  localLogin: boolean;
  logger: Logger;
}

function pageHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  };
}

/**
 * Mounts the start and callback of the OpenID Connect sign-in, and (with
 * LOCAL_LOGIN=false) the refusal of the password form. Register before the
 * `/authorize` routes so the refusal answers first.
 * @see OpenID Connect Core 1.0 §3.1 (authorization code flow); RFC 7636; RFC 9207
 */
export function registerOidcRoutes(app: GatewayApp, deps: OidcRouteDeps): void {
  const { ctx, cookies, relyingParty } = deps;

  const showPage = (
    c: Context<GatewayEnv>,
    status: 400 | 403 | 429 | 502 | 503,
    title: string,
    message: string,
  ): Response => {
    const nonce = randomBytes(16).toString('base64');
    return c.html(
      renderErrorPage({ nonce, title, message, requestId: c.get('requestId') }),
      status,
      pageHeaders(nonce),
    );
  };

  const fail = async (c: Context<GatewayEnv>, error: OidcSignInError): Promise<Response> => {
    const requestId = c.get('requestId');
    const ip = c.get('ip');
    if (FREE_FAILURES.has(error.failure)) {
      // These cost the sender nothing, so they must not grow the trail (nor
      // contend on its chain head): one row for the 1st, 10th, 100th… of a window.
      const now = ctx.clock.now();
      const refusedInWindow = await ctx.storage.counters.increment(
        `oidc:refused:${ipBucket(ip)}`,
        now,
        now + OIDC_LOGIN_SECONDS * 1000,
      );
      deps.logger.info('oidc sign-in refused', {
        requestId,
        failure: error.failure,
        detail: error.detail,
        refusedInWindow,
      });
      if (isAuditedRefusal(refusedInWindow)) {
        await ctx.audit.record({
          type: AUDIT_EVENT.loginFailed,
          outcome: 'failure',
          requestId,
          ip,
          detail: { method: 'oidc', reason: error.failure, refusedInWindow },
        });
      }
    } else {
      deps.logger.warn('oidc sign-in failed', {
        requestId,
        failure: error.failure,
        detail: error.detail,
      });
      await ctx.audit.record({
        type: AUDIT_EVENT.loginFailed,
        outcome: 'failure',
        requestId,
        ip,
        detail: { method: 'oidc', reason: error.failure },
      });
    }
    const page = failurePage(error.failure, deps.providerName);
    return showPage(c, page.status, page.title, page.message);
  };

  /** Sends the browser to the provider; `request` is what the callback resumes. */
  const begin = async (c: Context<GatewayEnv>, request: string): Promise<Response> => {
    // Reserved atomically before anything is stored, so a parallel burst
    // cannot store more than the limit.
    const startedAt = ctx.clock.now();
    const slot = await ctx.storage.counters.reserve(
      `oidc:start:${ipBucket(c.get('ip'))}`,
      startedAt,
      startedAt + OIDC_LOGIN_SECONDS * 1000,
      MAX_OIDC_STARTS_PER_ADDRESS,
    );
    if (!slot.reserved) {
      const retryAfter = Math.max(1, Math.ceil((slot.expiresAt - startedAt) / 1000));
      deps.logger.info('oidc sign-in start throttled', {
        requestId: c.get('requestId'),
        count: slot.count,
      });
      const response = showPage(
        c,
        429,
        'Too many sign-ins',
        `Too many sign-ins were started from this network. Try again in ${String(Math.ceil(retryAfter / 60))} minute(s).`,
      );
      response.headers.set('Retry-After', String(retryAfter));
      return response;
    }
    let start;
    try {
      start = await relyingParty.start();
    } catch (error) {
      if (error instanceof OidcSignInError) return fail(c, error);
      throw error;
    }
    const id = randomToken();
    const now = ctx.clock.now();
    await ctx.storage.oidcLogins.save({
      idHash: hashSecret(id),
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      request,
      createdAt: now,
      expiresAt: now + OIDC_LOGIN_SECONDS * 1000,
    });
    cookies.set(c, 'oidc', id, OIDC_LOGIN_SECONDS);
    c.header('Cache-Control', 'no-store');
    return c.redirect(start.url.href, 303);
  };

  if (!deps.localLogin) {
    app.post(OAUTH_PATHS.login, (c) =>
      showPage(
        c,
        403,
        'Password sign-in is turned off',
        `People sign in with ${deps.providerName} here. Go back to the application and choose "Sign in with ${deps.providerName}".`,
      ),
    );
  }

  app.get(OIDC_PATHS.start, async (c) => {
    const rawRequest = new URL(c.req.url).searchParams.get('request') ?? '';
    // Stored until the callback: a real authorization request is far shorter.
    if (rawRequest.length > MAX_REQUEST_LENGTH) {
      return showPage(c, 400, 'Invalid request', 'This sign-in link is malformed.');
    }
    // Only what our own login page wrote: a raw CR, LF or NUL put in by hand
    // must never reach the Location header built from it after the callback.
    const requestParams = parseOwnQuery(rawRequest);
    if (requestParams === undefined) {
      return showPage(c, 400, 'Invalid request', 'This sign-in link is malformed.');
    }
    // The same checks as /authorize: an unknown client or redirect URI ends here.
    let validated;
    try {
      validated = await validateAuthorizationRequest(requestParams, ctx, {
        requester: { ip: c.get('ip') },
      });
    } catch (error) {
      if (error instanceof UntrustedRedirectError) {
        return showPage(c, error.status, error.title, error.message);
      }
      throw error;
    }
    if (!validated.ok) {
      return c.redirect(
        buildRedirect(validated.redirectUri, ctx.issuer, {
          error: validated.error.code,
          error_description: validated.error.message,
          state: validated.state,
        }),
        302,
      );
    }
    return begin(c, requestParams.toString());
  });

  app.get(ACCOUNT_PATHS.oidcStart, (c) => begin(c, ACCOUNT_SIGN_IN_REQUEST));

  app.get(OIDC_PATHS.callback, async (c) => {
    const search = new URL(c.req.url).search;
    const params = new URLSearchParams(search);
    const cookie = cookies.get(c, 'oidc');
    cookies.clear(c, 'oidc');
    try {
      const login =
        cookie === undefined
          ? undefined
          : await ctx.storage.oidcLogins.consume(hashSecret(cookie), ctx.clock.now());
      if (login === undefined) {
        throw new OidcSignInError(
          OIDC_FAILURE.noSignInInFlight,
          cookie === undefined ? 'no sign-in cookie' : 'sign-in expired or already used',
        );
      }
      // Checked before anything else of the answer: a forged callback ends here.
      if (!constantTimeEqual(hashSecret(params.get('state') ?? ''), hashSecret(login.state))) {
        throw new OidcSignInError(OIDC_FAILURE.stateMismatch, 'state does not match');
      }
      // The URL the provider was told to use, whatever Host this request came in by.
      const callbackUrl = new URL(relyingParty.settings.redirectUri);
      callbackUrl.search = search;
      const claims = await relyingParty.finish(callbackUrl, login);
      checkAccess(claims, deps.rules);
      const { user, created } = await provisionUser(ctx.storage.users, ctx.clock, claims);
      const origin = { requestId: c.get('requestId'), ip: c.get('ip') };
      if (created) {
        await ctx.audit.record({
          type: AUDIT_EVENT.userCreated,
          outcome: 'success',
          userId: user.id,
          username: user.username,
          ...origin,
          detail: { method: 'oidc', issuer: claims.iss },
        });
      }
      await startSignedInSession(c, deps, user, { ...origin, detail: { method: 'oidc' } });
      c.header('Cache-Control', 'no-store');
      return c.redirect(
        login.request === ACCOUNT_SIGN_IN_REQUEST
          ? ACCOUNT_PATHS.account
          : `${OAUTH_PATHS.authorize}?${login.request}`,
        303,
      );
    } catch (error) {
      if (error instanceof OidcSignInError) return fail(c, error);
      throw error;
    }
  });
}
