import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { randomToken } from '../crypto/random.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { OAuthError } from '../oauth/errors.js';
import { BodyAbortedError } from './body.js';
import { forwardedClientIp } from './forwarded-for.js';
import type { Logger } from './logger.js';
import type { GatewayEnv, PeerAddress } from './types.js';

/**
 * Gives every request an id (echoed in `X-Request-Id`), resolves the client
 * IP, and logs one line when it ends: method, path (never the query, which
 * may carry state or codes), status, duration. With `metrics`, counts it
 * under its route PATTERN (see {@link routeLabel}), never its raw path.
 */
export function requestContext(
  logger: Logger,
  peerAddress: PeerAddress,
  trustProxyHops: number,
  metrics?: GatewayMetrics,
): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = randomToken(12);
    c.set('requestId', requestId);
    c.set('ip', clientIp(c, peerAddress, trustProxyHops));
    await next();
    // Set on the response's own headers, as securityHeaders does: `c.header()`
    // after the response exists makes Hono copy it into a new one, which
    // turns @hono/node-server's lightweight response into a full web
    // Response (about 6% of an introspection's CPU; see BENCHMARKS.md).
    c.res.headers.set('X-Request-Id', requestId);
    const ms = performance.now() - started;
    logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(ms * 10) / 10,
    });
    metrics?.httpRequest(routeLabel(c), c.req.method, c.res.status, ms / 1000);
  };
}

/**
 * The route pattern that answered (`/mcp`, `/jira/*`), or `unmatched` when
 * only the catch-all middleware ran (the 404 of an unknown path). Patterns
 * are the app's own finite set, so paths an attacker invents add no series.
 * @see https://prometheus.io/docs/practices/naming/#labels
 */
export function routeLabel(c: Context): string {
  const pattern = routePath(c);
  return pattern === '' || pattern === '*' || pattern === '/*' ? 'unmatched' : pattern;
}

/** The entry the trusted proxies vouch for (see TRUST_PROXY), else the peer. */
function clientIp(c: Context, peerAddress: PeerAddress, trustProxyHops: number): string {
  return (
    forwardedClientIp(c.req.header('x-forwarded-for'), trustProxyHops) ??
    peerAddress(c.req.raw, c.env) ??
    'unknown'
  );
}

/**
 * Security headers on every response. Pages add their own nonce-based CSP;
 * everything else is data and gets a CSP that allows nothing.
 * @see OWASP Secure Headers; draft-ietf-oauth-v2-1-13 §7.5 (clickjacking)
 */
export function securityHeaders(https: boolean): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    if (!h.has('Content-Security-Policy')) {
      h.set(
        'Content-Security-Policy',
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
    }
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (https) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

/**
 * Maps errors to responses: `OAuthError` becomes its 4xx with the RFC 6749
 * §5.2 body; anything else is a fault, logged with the request id and
 * answered with a generic 500 that leaks nothing.
 */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context<GatewayEnv>): Response => {
    if (error instanceof OAuthError) {
      if (error instanceof BodyAbortedError) {
        // The client went away mid-body: worth a trace when debugging, not an alarm.
        logger.debug('request body aborted by the client', {
          requestId: c.get('requestId'),
          path: c.req.path,
        });
      }
      return oauthErrorResponse(error);
    }
    const requestId = c.get('requestId');
    logger.error('unhandled error', {
      requestId,
      path: c.req.path,
      error: error.name,
      detail: error.message,
      stack: error.stack?.split('\n').slice(0, 6).join(' | '),
    });
    return Response.json(
      { error: 'server_error', error_description: `internal error (request id ${requestId})` },
      { status: 500, headers: { 'Cache-Control': 'no-store' } },
    );
  };
}

/** The JSON error response of RFC 6749 §5.2, never cached. */
export function oauthErrorResponse(error: OAuthError): Response {
  return Response.json(error.toJSON(), {
    status: error.status,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...error.headers },
  });
}

/** `Cache-Control: no-store` on every OAuth response. @see RFC 6749 §5.1 */
export const noStore: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
  c.res.headers.set('Pragma', 'no-cache');
};

/**
 * Permissive CORS for endpoints browser-based clients call (metadata,
 * register, token, revoke): any origin, no cookies, so nothing ambient is
 * exposed. Not used on /authorize or the pages.
 * @see MCP 2025-11-25 authorization; Fetch Standard (CORS protocol)
 */
export function publicCors(methods: string): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Allow-Headers':
          'authorization, content-type, mcp-protocol-version, x-requested-with',
        'Access-Control-Max-Age': '86400',
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', 'WWW-Authenticate, X-Request-Id');
  };
}
