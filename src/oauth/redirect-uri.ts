/**
 * The redirect-URI policy: which URIs a client may register, and which
 * requested URI matches a registered one.
 */
import { OAuthError } from './errors.js';
import {
  hasDotSegment,
  hasUnsafeCharacters,
  isValidPort,
  isValidScheme,
  splitAuthority,
  splitUri,
} from './uri-parts.js';

/** Longest redirect URI accepted; far above any real client's, well below abuse. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/**
 * Hosts for which plain `http` is allowed and the port is ignored when
 * matching. Spelled exactly: `127.1` or `LOCALHOST` are not accepted, since
 * the comparison is on strings.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Native apps whose private-use scheme is a single label, not the
 * reverse-domain form RFC 8252 §7.1 asks for, but which real MCP clients
 * register: Cursor (`cursor://anysphere.cursor-mcp/oauth/callback`), VS Code
 * and its Insiders build (`vscode://…`, `vscode-insiders://…`, the editors'
 * URI handlers) and Windsurf, a VS Code derivative (`windsurf://…`). Every
 * other scheme without a period is refused: single labels are where the
 * dangerous and well-known schemes live (`javascript`, `data`, `intent`,
 * `jar`, `mailto`, `sms`, `tel`, `file`, …). To admit another app, add its
 * scheme here with the client that needs it.
 */
export const KNOWN_APP_SCHEMES: ReadonlySet<string> = new Set([
  'cursor',
  'vscode',
  'vscode-insiders',
  'windsurf',
]);

/** `com.example.app`: at least two dot-separated labels of letters, digits and hyphens. */
const REVERSE_DOMAIN_SCHEME =
  /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/**
 * Whether a (lower-cased) scheme may receive an authorization code: an
 * allow-list, never a deny-list. `https`; `http` (the caller still requires a
 * loopback host); a private-use scheme in reverse-domain form; or one of
 * {@link KNOWN_APP_SCHEMES}.
 * @see RFC 8252 §7.1
 * @see RFC 8252 §8.3
 * @see RFC 9700 §4.1
 */
export function isAllowedRedirectScheme(scheme: string): boolean {
  return (
    scheme === 'https' ||
    scheme === 'http' ||
    KNOWN_APP_SCHEMES.has(scheme) ||
    REVERSE_DOMAIN_SCHEME.test(scheme)
  );
}

/**
 * Checks one redirect URI a client wants to register and returns it unchanged
 * (it is later compared as an exact string). Accepts `https` URIs, `http`
 * URIs on a loopback host, private-use schemes in reverse-domain form such
 * as `com.example.app:/cb`, and the single-label schemes of
 * {@link KNOWN_APP_SCHEMES} such as `cursor://anysphere.cursor-mcp/oauth/callback`.
 * Throws `OAuthError('invalid_redirect_uri')` naming the URI and the reason.
 * @see RFC 6749 §3.1.2
 * @see RFC 8252 §7.1
 * @see RFC 8252 §7.3
 * @see RFC 8252 §8.3
 * @see RFC 7591 §3.2.2
 */
export function validateRedirectUriForRegistration(uri: string): string {
  const fail: (why: string) => never = (why) => {
    throw new OAuthError('invalid_redirect_uri', `redirect_uri ${quote(uri)} ${why}`);
  };
  if (uri === '') fail('is empty');
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    fail(`is longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  }
  if (hasUnsafeCharacters(uri)) fail('contains whitespace, control or non-ASCII characters');
  if (uri.includes('*')) fail('contains a wildcard; redirect URIs must be exact');

  const parts = splitUri(uri);
  if (parts.scheme === undefined || !isValidScheme(parts.scheme)) {
    fail('is not an absolute URI');
  }
  const scheme = parts.scheme.toLowerCase();
  if (!isAllowedRedirectScheme(scheme)) {
    fail(
      `uses the scheme "${scheme}:", which is not allowed; use https, http on 127.0.0.1, [::1] or localhost, or a private-use scheme in reverse-domain form such as com.example.app (RFC 8252 §7.1)`,
    );
  }
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component.
  if (parts.fragment !== undefined) fail('has a fragment');

  let host: string | undefined;
  if (parts.authority !== undefined) {
    const authority = splitAuthority(parts.authority);
    if (authority === undefined || !isValidPort(authority.port)) fail('has a malformed authority');
    // Userinfo makes `https://good.example@evil.example/` read as the wrong host.
    if (authority.userinfo !== undefined) fail('has userinfo');
    host = authority.host;
  }
  if (hasDotSegment(parts.path)) fail('has "." or ".." path segments');
  if (!URL.canParse(uri)) fail('is not a valid URI');

  if (scheme === 'https' && (host === undefined || host === '')) fail('has no host');
  if (scheme === 'http' && (host === undefined || !LOOPBACK_HOSTS.has(host))) {
    // RFC 8252 §8.3: plain http only for the loopback interface.
    fail('uses http, which is allowed only for 127.0.0.1, [::1] or localhost; use https');
  }
  return uri;
}

/**
 * Finds the registered redirect URI that `requested` matches and returns
 * `requested`, or undefined. Exact string comparison, except for `http` URIs
 * on a loopback host, where the port is ignored (native apps bind an
 * ephemeral port) and an empty path equals `/`; scheme, host, path and query
 * must still be identical.
 * @see RFC 6749 §3.1.2.3
 * @see draft-ietf-oauth-v2-1-13 §2.3.1
 * @see RFC 8252 §7.3
 */
export function matchRedirectUri(
  registered: readonly string[],
  requested: string,
): string | undefined {
  if (registered.includes(requested)) return requested;
  const wanted = loopbackParts(requested);
  if (wanted === undefined) return undefined;
  const found = registered.some((uri) => {
    const candidate = loopbackParts(uri);
    return (
      candidate !== undefined &&
      candidate.scheme === wanted.scheme &&
      candidate.host === wanted.host &&
      candidate.path === wanted.path &&
      candidate.query === wanted.query
    );
  });
  return found ? requested : undefined;
}

interface LoopbackParts {
  scheme: string;
  host: string;
  path: string;
  query: string | undefined;
}

/** The comparable parts of a loopback `http` URI, or undefined for any other URI. */
function loopbackParts(uri: string): LoopbackParts | undefined {
  if (uri.length > MAX_REDIRECT_URI_LENGTH || hasUnsafeCharacters(uri)) return undefined;
  const parts = splitUri(uri);
  if (parts.scheme?.toLowerCase() !== 'http' || parts.authority === undefined) return undefined;
  if (parts.fragment !== undefined || hasDotSegment(parts.path)) return undefined;
  const authority = splitAuthority(parts.authority);
  if (
    authority === undefined ||
    authority.userinfo !== undefined ||
    !isValidPort(authority.port) ||
    !LOOPBACK_HOSTS.has(authority.host)
  ) {
    return undefined;
  }
  return {
    scheme: parts.scheme,
    host: authority.host,
    path: parts.path === '' ? '/' : parts.path,
    query: parts.query,
  };
}

/** The URI as shown in an error: JSON-escaped and cut short, never a wall of text. */
function quote(uri: string): string {
  const shown = uri.length > 100 ? `${uri.slice(0, 100)}…` : uri;
  return JSON.stringify(shown);
}
