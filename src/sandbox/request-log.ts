/**
 * Records every request the sandbox receives, so tests can check what a
 * client sent: e.g. that the gateway never forwards an MCP bearer token to
 * Jira. Credentials are redacted at capture time: only the scheme of
 * `Authorization` is kept, and cookies are dropped.
 */
import type { MiddlewareHandler } from 'hono';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string, including `?`, or `''`. */
  query: string;
  /** Lower-cased header names; `authorization` reads e.g. `Basic [REDACTED]`. */
  headers: Record<string, string>;
  /** The body as text, for methods that carry one. */
  body?: string;
  /** The status the sandbox answered with. */
  status?: number;
}

const REDACTED_HEADERS = new Set(['cookie', 'proxy-authorization']);

// Bodies that carry credentials (client secret, codes, refresh tokens, passwords): kept as a marker only.
const REDACTED_BODY_PATHS = new Set(['/oauth/token', '/authorize']);

/** How many records the log keeps by default: the sandbox may run for days inside `serve`. */
export const REQUEST_LOG_LIMIT = 10_000;

/**
 * Appends a redacted record of each request (and, afterwards, its status) to
 * `log`, dropping the oldest records beyond `limit`.
 */
export function requestLogMiddleware(
  log: RecordedRequest[],
  limit = REQUEST_LOG_LIMIT,
): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      const lower = name.toLowerCase();
      if (lower === 'authorization') headers[lower] = `${value.split(' ')[0] ?? ''} [REDACTED]`;
      else if (REDACTED_HEADERS.has(lower)) headers[lower] = '[REDACTED]';
      else headers[lower] = value;
    });
    const record: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: url.search,
      headers,
    };
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      record.body = REDACTED_BODY_PATHS.has(url.pathname)
        ? '[REDACTED]'
        : await c.req.raw.clone().text();
    }
    log.push(record);
    if (log.length > limit) log.splice(0, log.length - limit);
    await next();
    record.status = c.res.status;
  };
}
