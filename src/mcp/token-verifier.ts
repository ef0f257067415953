/**
 * The resource server's question to the authorization server (steps 8–9 of
 * DESIGN.md): "is this bearer token usable here, and for whom?". Two answers
 * exist — in-process against storage, or RFC 7662 introspection over HTTP —
 * and the MCP routes only see this port.
 */
import type { Scope } from '../oauth/scopes.js';

/** What a usable access token stands for. Times are epoch milliseconds. */
export interface VerifiedToken {
  userId: string;
  username?: string;
  clientId: string;
  /**
   * The grant the token belongs to. Always known in-process; over
   * introspection only when the answer carries the `grant_id` extension
   * member, which RFC 7662 does not define.
   */
  grantId?: string;
  scopes: Scope[];
  /** The audience the token was issued for; always this server's resource. */
  resource: string;
  expiresAt: number;
}

/**
 * Decides whether a bearer token may be used at this resource server.
 * Resolves `undefined` for any token that must be refused (unknown, expired,
 * revoked, issued for another resource): the caller answers 401
 * `invalid_token` without saying which. Rejects with
 * {@link TokenVerifierUnavailableError} when it cannot decide.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken | undefined>;
}

/**
 * The verifier could not reach a decision (introspection endpoint down,
 * slow or misconfigured). This is a fault of the server side, so the MCP
 * routes answer 503 rather than 401: a 401 would make clients throw away a
 * token that may be perfectly valid.
 */
export class TokenVerifierUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenVerifierUnavailableError';
  }
}

/**
 * Whether `resource` names this server: exact string equality, because the
 * authorization server stores the canonical resource it validated at
 * /authorize (no trailing slash, no fragment).
 * @see RFC 8707 §2; MCP 2025-11-25 authorization (Token Audience Binding and Validation)
 */
export function isAudience(resource: string, expected: string): boolean {
  return resource === expected;
}
