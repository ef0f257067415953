import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import {
  afterSignIn,
  buildRedirect,
  UntrustedRedirectError,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from '../oauth/authorization-request.js';
import type { OAuthContext } from '../oauth/context.js';
import { issueAuthorizationCode } from '../oauth/issue-code.js';
import { OAUTH_PATHS } from '../oauth/metadata.js';
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '../oauth/scopes.js';
import type { LoginAttempt, ThrottleDecision } from '../accounts/login-throttle.js';
import { normalizeUsername } from '../accounts/users.js';
import type { UserRecord } from '../storage/ports.js';
import { parseOwnQuery, readPageForm } from './body.js';
import type { CookieJar } from './cookies.js';
import { renderConsentPage, renderErrorPage, renderLoginPage } from './pages/index.js';
import { startSignedInSession } from './sign-in-session.js';
import type { LoginPageInput } from './pages/index.js';
import type { GatewayApp, GatewayEnv } from './types.js';

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

export interface AuthorizeRouteDeps {
  ctx: OAuthContext;
  accounts: AuthorizeAccounts;
  throttle: AuthorizeThrottle;
  cookies: CookieJar;
  sessionSeconds: number;
  /** What the login page offers besides (or instead of) the password form; see oidc-routes.ts. */
  loginOptions?: Pick<LoginPageInput, 'oidc' | 'localLogin'>;
}

const CSRF_COOKIE_SECONDS = 3600;

function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/**
 * The page CSP. `form-action` must also allow the client's redirect target,
 * because browsers apply it to the redirect that follows the consent POST.
 */
function pageCsp(nonce: string, redirectUri?: string): string {
  let formAction = "'self'";
  if (redirectUri !== undefined) {
    const url = new URL(redirectUri);
    formAction +=
      url.protocol === 'http:' || url.protocol === 'https:' ? ` ${url.origin}` : ` ${url.protocol}`;
  }
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function page(
  c: Context<GatewayEnv>,
  html: string,
  status: 200 | 400 | 401 | 403 | 429,
  csp: string,
): Response {
  return c.html(html, status, {
    'Content-Security-Policy': csp,
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
}

function redirectHost(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host === '' ? `${url.protocol}//` : url.host;
}

/**
 * Mounts `/authorize` and its pages: login, consent and error.
 * @see RFC 6749 §4.1.1–§4.1.2.1; draft-ietf-oauth-v2-1-13 §4.1; RFC 9207
 */
export function registerAuthorizeRoutes(app: GatewayApp, deps: AuthorizeRouteDeps): void {
  const { ctx, cookies } = deps;
  const issuerOrigin = new URL(ctx.issuer).origin;

  const errorPage = (
    c: Context<GatewayEnv>,
    status: 400 | 403 | 429,
    title: string,
    message: string,
    extra: { hint?: string | undefined; headers?: Readonly<Record<string, string>> } = {},
  ): Response => {
    const nonce = randomBytes(16).toString('base64');
    const response = page(
      c,
      renderErrorPage({ nonce, title, message, hint: extra.hint, requestId: c.get('requestId') }),
      status,
      pageCsp(nonce),
    );
    for (const [name, value] of Object.entries(extra.headers ?? {})) {
      response.headers.set(name, value);
    }
    return response;
  };

  const csrfToken = (c: Context<GatewayEnv>): string => {
    let token = cookies.get(c, 'csrf');
    if (token === undefined || token.length !== 43) {
      token = randomToken();
      cookies.set(c, 'csrf', token, CSRF_COOKIE_SECONDS);
    }
    return token;
  };

  const sessionUser = async (c: Context<GatewayEnv>): Promise<UserRecord | undefined> => {
    const sessionId = cookies.get(c, 'session');
    if (sessionId === undefined) return undefined;
    const session = await ctx.storage.sessions.get(hashSecret(sessionId), ctx.clock.now());
    if (session === undefined) return undefined;
    const user = await ctx.storage.users.getById(session.userId);
    return user === undefined || user.disabled ? undefined : user;
  };

  /**
   * Validates the request; answers the error page or error redirect itself.
   * `consentShown`: only the consent POST, after a person saw the consent
   * page, may redirect errors to a client nobody vouched for (RFC 9700 §4.11.2).
   */
  const validate = async (
    c: Context<GatewayEnv>,
    params: URLSearchParams,
    status: 302 | 303,
    consentShown = false,
  ): Promise<AuthorizationRequest | Response> => {
    try {
      const result = await validateAuthorizationRequest(params, ctx, {
        requester: { ip: c.get('ip') },
        consentShown,
      });
      if (result.ok) return result.request;
      return c.redirect(
        buildRedirect(result.redirectUri, ctx.issuer, {
          error: result.error.code,
          error_description: result.error.message,
          state: result.state,
        }),
        status,
      );
    } catch (error) {
      if (error instanceof UntrustedRedirectError) {
        return errorPage(c, error.status, error.title, error.message, {
          hint: error.hint,
          headers: error.headers,
        });
      }
      throw error;
    }
  };

  const showLogin = (
    c: Context<GatewayEnv>,
    request: AuthorizationRequest,
    rawRequest: string,
    status: 200 | 401 | 429,
    extra: { error?: string; username?: string } = {},
  ): Response => {
    const nonce = randomBytes(16).toString('base64');
    const html = renderLoginPage({
      nonce,
      csrfToken: csrfToken(c),
      action: OAUTH_PATHS.login,
      requestId: rawRequest,
      clientName: request.client.clientName ?? request.client.clientId,
      redirectHost: redirectHost(request.redirectUri),
      ...deps.loginOptions,
      ...extra,
    });
    return page(c, html, status, pageCsp(nonce));
  };

  const showConsent = (
    c: Context<GatewayEnv>,
    request: AuthorizationRequest,
    rawRequest: string,
    user: UserRecord,
  ): Response => {
    const nonce = randomBytes(16).toString('base64');
    const html = renderConsentPage({
      nonce,
      csrfToken: csrfToken(c),
      action: OAUTH_PATHS.consent,
      requestId: rawRequest,
      clientName: request.client.clientName ?? request.client.clientId,
      // A metadata-document client is identified by its URL, whose host is what we can vouch for.
      ...(request.client.source === 'cimd'
        ? { clientUri: request.client.clientId }
        : request.client.clientUri === undefined
          ? {}
          : { clientUri: request.client.clientUri }),
      redirectHost: redirectHost(request.redirectUri),
      username: user.username,
      scopes: request.scopes.map((scope) => ({
        scope,
        description: SCOPE_DESCRIPTIONS[scope],
        checked: true,
        // Reading is what every tool needs; the person may decline writing, or deny.
        required: scope === SCOPES.read,
      })),
      clientVerified: request.client.source === 'cli',
      accessTokenLifetime: humanDuration(ctx.lifetimes.accessTokenSeconds),
      refreshLifetime: humanDuration(ctx.lifetimes.grantSeconds),
    });
    return page(c, html, 200, pageCsp(nonce, request.redirectUri));
  };

  /** A POST is ours only if it comes from our own page, with the CSRF token of this browser. */
  const checkPost = async (c: Context<GatewayEnv>): Promise<URLSearchParams | Response> => {
    const fetchSite = c.req.header('sec-fetch-site');
    const requestOrigin = c.req.header('origin');
    // Our pages are `Referrer-Policy: no-referrer`, under which browsers send
    // `Origin: null` even from our own form (Fetch §3.1.3, "serialize a request
    // origin"). An attacker can produce `null` too, so it passes only when the
    // browser itself vouches with `Sec-Fetch-Site: same-origin`.
    const nullOriginVouched = requestOrigin === 'null' && fetchSite === 'same-origin';
    if (
      (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') ||
      (requestOrigin !== undefined && requestOrigin !== issuerOrigin && !nullOriginVouched)
    ) {
      return errorPage(c, 403, 'Request refused', 'This form was sent from another site.');
    }
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return errorPage(c, 400, 'Invalid request', 'The form could not be read.');
    }
    // A raw control character, an oversized or an aborted body: a 4xx from the error handler.
    const form = await readPageForm(c.req.raw);
    const cookie = cookies.get(c, 'csrf');
    const sent = form.get('csrf_token') ?? '';
    if (cookie === undefined || !constantTimeEqual(hashSecret(cookie), hashSecret(sent))) {
      return errorPage(
        c,
        403,
        'Session expired',
        'This form is no longer valid. Go back to the application and start signing in again.',
      );
    }
    return form;
  };

  /**
   * The authorization request a page carried in its hidden `request` field,
   * re-serialized; a field our pages could not have written (a raw CR, LF or
   * NUL) gets a 400 page.
   * @see WHATWG URL §5.2 (application/x-www-form-urlencoded serializing)
   */
  const requestField = (
    c: Context<GatewayEnv>,
    form: URLSearchParams,
  ): { params: URLSearchParams; raw: string } | Response => {
    const params = parseOwnQuery(form.get('request') ?? '');
    if (params === undefined) {
      return errorPage(
        c,
        400,
        'Invalid request',
        'This form was altered. Go back to the application and start signing in again.',
      );
    }
    return { params, raw: params.toString() };
  };

  app.get(OAUTH_PATHS.authorize, async (c) => {
    const params = new URL(c.req.url).searchParams;
    const request = await validate(c, params, 302);
    if (request instanceof Response) return request;
    const user = await sessionUser(c);
    if (user === undefined || request.forceLogin) {
      return showLogin(c, request, afterSignIn(params).toString(), 200);
    }
    return showConsent(c, request, params.toString(), user);
  });

  app.post(OAUTH_PATHS.login, async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const field = requestField(c, form);
    if (field instanceof Response) return field;
    const rawRequest = field.raw;
    const request = await validate(c, field.params, 303);
    if (request instanceof Response) return request;

    const username = normalizeUsername((form.get('username') ?? '').trim());
    const password = form.get('password') ?? '';
    const ip = c.get('ip');
    const origin = { requestId: c.get('requestId'), ip };
    // Reserved before the password is verified, so a parallel burst cannot
    // have more guesses checked than the limit allows.
    const throttle = await deps.throttle.reserve(username, ip);
    if (!throttle.allowed) {
      // One row for the 1st, 10th, 100th… refusal of a window, not one each:
      // refusals cost the sender nothing, so they must not grow the trail.
      if (throttle.audit) {
        await ctx.audit.record({
          type: AUDIT_EVENT.loginThrottled,
          outcome: 'failure',
          username,
          ...origin,
          detail: { limitedBy: throttle.limitedBy, refusedInWindow: throttle.refusedInWindow },
        });
      }
      const response = showLogin(c, request, rawRequest, 429, {
        error: `Too many failed sign-ins. Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minute(s).`,
        username,
      });
      response.headers.set('Retry-After', String(throttle.retryAfterSeconds));
      return response;
    }
    const user =
      username === '' || password === ''
        ? undefined
        : await deps.accounts.authenticate(username, password);
    if (user === undefined) {
      await ctx.audit.record({
        type: AUDIT_EVENT.loginFailed,
        outcome: 'failure',
        username,
        ...origin,
      });
      return showLogin(c, request, rawRequest, 401, {
        error: 'Wrong username or password.',
        username,
      });
    }
    await deps.throttle.recordSuccess(throttle.attempt);
    await startSignedInSession(c, deps, user, { clientId: request.client.clientId, ...origin });
    return c.redirect(`${OAUTH_PATHS.authorize}?${rawRequest}`, 303);
  });

  app.post(OAUTH_PATHS.consent, async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const field = requestField(c, form);
    if (field instanceof Response) return field;
    const rawRequest = field.raw;
    const request = await validate(c, field.params, 303, true);
    if (request instanceof Response) return request;
    const user = await sessionUser(c);
    if (user === undefined) return c.redirect(`${OAUTH_PATHS.authorize}?${rawRequest}`, 303);

    const origin = { requestId: c.get('requestId'), ip: c.get('ip') };
    const chosen = new Set(form.getAll('scope'));
    const scopes: Scope[] = request.scopes.filter((s) => chosen.has(s));
    const decision = form.get('decision');
    if (decision !== 'approve' || scopes.length === 0) {
      await ctx.audit.record({
        type: AUDIT_EVENT.consentDenied,
        outcome: 'failure',
        userId: user.id,
        username: user.username,
        clientId: request.client.clientId,
        ...origin,
      });
      return c.redirect(
        buildRedirect(request.redirectUri, ctx.issuer, {
          error: 'access_denied',
          error_description:
            decision === 'approve' ? 'no scope was approved' : 'the user denied the request',
          state: request.state,
        }),
        303,
      );
    }
    await ctx.audit.record({
      type: AUDIT_EVENT.consentGranted,
      outcome: 'success',
      userId: user.id,
      username: user.username,
      clientId: request.client.clientId,
      ...origin,
      detail: {
        scope: scopes.join(' '),
        writeDeclined: request.scopes.includes(SCOPES.write) && !scopes.includes(SCOPES.write),
      },
    });
    return c.redirect(await issueAuthorizationCode(ctx, request, user, scopes, origin), 303);
  });
}
