import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import type { OAuthContext } from '../oauth/context.js';
import type { UserRecord } from '../storage/ports.js';
import { readPageForm } from './body.js';
import type { CookieJar } from './cookies.js';
import { renderErrorPage } from './pages/index.js';
import type { GatewayEnv } from './types.js';

/** Statuses our HTML pages answer with. */
export type PageStatus = 200 | 400 | 401 | 403 | 404 | 409 | 429;

/** Statuses of the error page. */
export type ErrorPageStatus = 400 | 403 | 404 | 409 | 429;

/** Optional parts of an error page. */
export interface ErrorPageExtra {
  hint?: string | undefined;
  headers?: Readonly<Record<string, string>>;
}

/** What the page kit needs: the OAuth context (issuer, storage, clock) and the cookie jar. */
export interface PageKitDeps {
  ctx: Pick<OAuthContext, 'issuer' | 'storage' | 'clock'>;
  cookies: CookieJar;
}

/** The shared helpers of the gateway's HTML pages (authorize, /account, Jira link). */
export interface PageKit {
  /** This browser's CSRF token; sets the cookie when absent or malformed. */
  csrfToken: (c: Context<GatewayEnv>) => string;
  /** The signed-in, enabled person of this browser's session, if any. */
  sessionUser: (c: Context<GatewayEnv>) => Promise<UserRecord | undefined>;
  /**
   * Checks that a POST comes from our own page with this browser's CSRF token;
   * answers the form, or a 400/403 error page to return as is.
   * `expiredMessage` replaces the advice of the 403 for a missing or wrong
   * CSRF token (the default speaks of signing in to an application).
   */
  checkPost: (
    c: Context<GatewayEnv>,
    options?: { expiredMessage?: string },
  ) => Promise<URLSearchParams | Response>;
  /** An error page with the page headers (CSP with a fresh nonce, no-store). */
  errorPage: (
    c: Context<GatewayEnv>,
    status: ErrorPageStatus,
    title: string,
    message: string,
    extra?: ErrorPageExtra,
  ) => Response;
  /** An HTML page with `Content-Security-Policy: csp`, `Cache-Control: no-store`, `Pragma: no-cache`. */
  page: (c: Context<GatewayEnv>, html: string, status: PageStatus, csp: string) => Response;
  /** The strict page CSP for this nonce; see {@link pageCsp}. */
  pageCsp: (nonce: string, formTarget?: string) => string;
}

const CSRF_COOKIE_SECONDS = 3600;

/**
 * A fresh per-response CSP nonce (128 bits, base64).
 * @see W3C Content Security Policy Level 3 §2.3.1 (nonces must be unguessable, fresh per response)
 */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The page CSP: nothing but our nonce'd style and same-origin forms, never framed.
 * `formTarget` (a redirect URI) is added to `form-action`, because browsers
 * apply it to the redirect that follows the consent POST.
 * @see W3C Content Security Policy Level 3 §6.3.1 (form-action), §6.4.2 (frame-ancestors)
 */
export function pageCsp(nonce: string, formTarget?: string): string {
  let formAction = "'self'";
  if (formTarget !== undefined) {
    const url = new URL(formTarget);
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

/**
 * An HTML page that no cache may keep (it carries a CSRF token and personal data).
 * @see RFC 9111 §5.2.2.5 (no-store)
 */
export function page(
  c: Context<GatewayEnv>,
  html: string,
  status: PageStatus,
  csp: string,
): Response {
  return c.html(html, status, {
    'Content-Security-Policy': csp,
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
}

/**
 * Builds the page helpers bound to one issuer, storage and cookie jar.
 * @see RFC 6749 §10.12 (CSRF protection of the authorization endpoint's pages)
 */
export function createPageKit(deps: PageKitDeps): PageKit {
  const { ctx, cookies } = deps;
  const issuerOrigin = new URL(ctx.issuer).origin;

  const errorPage: PageKit['errorPage'] = (c, status, title, message, extra = {}) => {
    const nonce = newNonce();
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

  const csrfToken: PageKit['csrfToken'] = (c) => {
    let token = cookies.get(c, 'csrf');
    if (token === undefined || token.length !== 43) {
      token = randomToken();
      cookies.set(c, 'csrf', token, CSRF_COOKIE_SECONDS);
    }
    return token;
  };

  const sessionUser: PageKit['sessionUser'] = async (c) => {
    const sessionId = cookies.get(c, 'session');
    if (sessionId === undefined) return undefined;
    const session = await ctx.storage.sessions.get(hashSecret(sessionId), ctx.clock.now());
    if (session === undefined) return undefined;
    const user = await ctx.storage.users.getById(session.userId);
    return user === undefined || user.disabled ? undefined : user;
  };

  const checkPost: PageKit['checkPost'] = async (c, options = {}) => {
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
        options.expiredMessage ??
          'This form is no longer valid. Go back to the application and start signing in again.',
      );
    }
    return form;
  };

  return { csrfToken, sessionUser, checkPost, errorPage, page, pageCsp };
}
