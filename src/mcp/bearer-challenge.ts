/**
 * `WWW-Authenticate: Bearer …` challenges of the MCP endpoint, built in one
 * place so 401 and 403 answers always point at the same metadata document.
 */
import { formatScopes, type Scope } from '../oauth/scopes.js';

/** RFC 7235 quoted-string: backslash-escape `"` and `\`. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface BearerChallenge {
  /** Absent when the request carried no token at all (RFC 6750 §3.1). */
  error?: 'invalid_token' | 'insufficient_scope';
  errorDescription?: string;
  /** The scopes that would satisfy the request. */
  scopes: readonly Scope[];
  /** URL of the protected resource metadata document. */
  resourceMetadata: string;
}

/**
 * Formats a Bearer challenge. With no `error` it is the discovery challenge
 * a client gets before it has any token; `invalid_token` answers a token
 * that is unknown, expired, revoked or for another audience;
 * `insufficient_scope` asks for a step-up.
 * @see RFC 6750 §3, §3.1; RFC 9728 §5.1; MCP 2025-11-25 authorization (Scope Challenge Handling)
 */
export function bearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error !== undefined) params.push(`error=${quote(challenge.error)}`);
  if (challenge.errorDescription !== undefined) {
    params.push(`error_description=${quote(challenge.errorDescription)}`);
  }
  params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  params.push(`scope=${quote(formatScopes(challenge.scopes))}`);
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The bearer token of an `Authorization` header, or undefined when the
 * header is absent, uses another scheme or is malformed. Tokens anywhere
 * else (query string, form body) are deliberately not looked at: they end
 * up in logs and browser history.
 * @see RFC 6750 §2.1; RFC 9728 §2 (bearer_methods_supported: header)
 */
export function readBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  const token = match?.[1];
  if (token === undefined || !B64TOKEN.test(token)) return undefined;
  return token;
}
