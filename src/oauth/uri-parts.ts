/**
 * Raw URI syntax, without the WHATWG URL parser's normalisation. Redirect URIs
 * and metadata-document client ids are compared as exact strings, so the
 * checks that guard those comparisons must look at the string the client sent,
 * not at a cleaned-up copy (`new URL` turns `127.1` into `127.0.0.1`, drops
 * `..`, lower-cases hosts and treats `\` as `/`).
 */

/** The five components of a URI reference; `undefined` when absent. */
export interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

/** An authority split into its parts; `port` is the text after the last `:`. */
export interface AuthorityParts {
  userinfo: string | undefined;
  host: string;
  port: string | undefined;
}

// The regular expression of RFC 3986 Appendix B; it matches every string.
const URI_REFERENCE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * Splits a URI reference into scheme, authority, path, query and fragment.
 * @see RFC 3986 Appendix B
 */
export function splitUri(uri: string): UriParts {
  const m = URI_REFERENCE.exec(uri);
  return {
    scheme: m?.[1],
    authority: m?.[2],
    path: m?.[3] ?? '',
    query: m?.[4],
    fragment: m?.[5],
  };
}

/**
 * True for a syntactically valid scheme name.
 * @see RFC 3986 §3.1
 */
export function isValidScheme(scheme: string): boolean {
  return SCHEME.test(scheme);
}

/**
 * Splits `userinfo@host:port`. Returns undefined when the port is not made of
 * digits or a bracketed IP literal is malformed, so callers never guess.
 * @see RFC 3986 §3.2
 */
export function splitAuthority(authority: string): AuthorityParts | undefined {
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let host: string;
  let rest: string;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return undefined;
    host = hostPort.slice(0, close + 1);
    rest = hostPort.slice(close + 1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    rest = colon === -1 ? '' : hostPort.slice(colon);
  }
  if (rest === '') return { userinfo, host, port: undefined };
  if (!rest.startsWith(':')) return undefined;
  const port = rest.slice(1);
  if (!/^\d*$/.test(port)) return undefined;
  return { userinfo, host, port };
}

/** True when `port` is absent or a decimal number in 1..65535. */
export function isValidPort(port: string | undefined): boolean {
  if (port === undefined) return true;
  if (!/^\d{1,5}$/.test(port)) return false;
  const n = Number(port);
  return n >= 1 && n <= 65535;
}

/**
 * True when the path has a `.` or `..` segment, also percent-encoded.
 * Such a URI names a different resource than it spells, which defeats
 * exact-string comparison.
 * @see RFC 3986 §5.2.4
 */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => {
    const decoded = segment.toLowerCase().replaceAll('%2e', '.');
    return decoded === '.' || decoded === '..';
  });
}

/**
 * True when the string holds anything but printable ASCII: whitespace,
 * control characters, or non-ASCII (a URI is ASCII; non-ASCII hosts invite
 * homograph spoofing on the consent page).
 * @see RFC 3986 §2
 */
export function hasUnsafeCharacters(value: string): boolean {
  return /[^\x21-\x7e]/.test(value);
}
