import { z } from 'zod';
import type { Clock } from '../clock.js';
import { hashSecret } from '../crypto/hash.js';
import { OAUTH_PATHS } from '../oauth/metadata.js';
import { parseStoredScopes } from '../oauth/scopes.js';
import {
  isAudience,
  TokenVerifierUnavailableError,
  type TokenVerifier,
  type VerifiedToken,
} from './token-verifier.js';
import { TtlLruCache } from './ttl-lru-cache.js';

/** Upper bound on how long a positive answer may be reused after a revocation. */
export const MAX_INTROSPECTION_CACHE_TTL_MS = 30_000;

export interface IntrospectionTokenVerifierOptions {
  /** The authorization server's issuer; `iss` in answers must equal it when present. */
  issuer: string;
  /** Defaults to `{issuer}/introspect`. */
  endpoint?: string;
  /** The resource server's own client credential (a `resource_server` client). */
  clientId: string;
  clientSecret: string;
  /** This server's resource identifier; `aud` must include it. */
  resource: string;
  clock: Clock;
  /** Per-request timeout; default 5 s. */
  timeoutMs?: number;
  /** How long a positive answer is reused, at most 30 s (and never past `exp`); default 15 s. 0 disables caching. */
  cacheTtlMs?: number;
  /** Bound on cached answers; default 1000. */
  cacheMaxEntries?: number;
  /** Injectable for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** RFC 7662 §2.2 members we use; anything else is ignored. */
const INTROSPECTION_RESPONSE = z.looseObject({
  active: z.boolean(),
  scope: z.string().optional(),
  client_id: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  sub: z.string().min(1).optional(),
  token_type: z.string().optional(),
  exp: z.number().optional(),
  nbf: z.number().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  iss: z.string().optional(),
  /** Not in RFC 7662: the gateway's authorization server adds it for the audit trail. */
  grant_id: z.string().min(1).optional(),
});

type IntrospectionResponse = z.infer<typeof INTROSPECTION_RESPONSE>;

/** Form-encodes a client credential before base64, as RFC 6749 §2.3.1 requires. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (v: string): string => new URLSearchParams({ v }).toString().slice(2);
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64');
}

/**
 * Verifies bearer tokens by asking the authorization server, for the split
 * deployment where `/mcp` runs apart from the issuer.
 *
 * A token is accepted only when the answer is `active`, its `aud` includes
 * this resource, `exp` is present and in the future, `iss` (when present)
 * is the issuer, and `token_type` (when present) is an access token, so a
 * refresh token cannot be replayed as a bearer token.
 *
 * Positive answers are cached, keyed by the token's SHA-256 (the token
 * itself is never kept), in a bounded LRU for min(`cacheTtlMs`, `exp`):
 * a revoked token can stay usable here for at most that long.
 * Negative answers are never cached, so a token that was just issued is
 * never refused from a stale entry. Concurrent checks of one token share a
 * single request. Timeouts, network errors, non-200 answers and malformed
 * bodies reject with {@link TokenVerifierUnavailableError}.
 * @see RFC 7662 §2.1, §2.2, §4; RFC 6749 §2.3.1; RFC 8707 §2
 */
export function createIntrospectionTokenVerifier(
  options: IntrospectionTokenVerifierOptions,
): TokenVerifier {
  const cacheTtlMs = options.cacheTtlMs ?? 15_000;
  if (cacheTtlMs < 0 || cacheTtlMs > MAX_INTROSPECTION_CACHE_TTL_MS) {
    throw new RangeError(`cacheTtlMs must be between 0 and ${MAX_INTROSPECTION_CACHE_TTL_MS}`);
  }
  const endpoint = options.endpoint ?? options.issuer + OAUTH_PATHS.introspect;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;
  const authorization = `Basic ${basicCredentials(options.clientId, options.clientSecret)}`;
  const cache = new TtlLruCache<VerifiedToken>(options.cacheMaxEntries ?? 1000);
  const inFlight = new Map<string, Promise<VerifiedToken | undefined>>();
  const { clock } = options;

  async function introspect(token: string): Promise<IntrospectionResponse> {
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization,
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        // A redirect would carry the credential and the token somewhere else.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new TokenVerifierUnavailableError(
        timedOut
          ? `token introspection timed out after ${timeoutMs} ms`
          : 'token introspection request failed',
        { cause: error },
      );
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new TokenVerifierUnavailableError(
        `token introspection answered HTTP ${response.status}`,
      );
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES) {
      throw new TokenVerifierUnavailableError('token introspection answer too large');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new TokenVerifierUnavailableError('token introspection answer is not JSON');
    }
    const parsed = INTROSPECTION_RESPONSE.safeParse(json);
    if (!parsed.success) {
      throw new TokenVerifierUnavailableError('token introspection answer is malformed');
    }
    return parsed.data;
  }

  function accept(answer: IntrospectionResponse, now: number): VerifiedToken | undefined {
    if (!answer.active) return undefined;
    const audiences = typeof answer.aud === 'string' ? [answer.aud] : (answer.aud ?? []);
    if (!audiences.some((aud) => isAudience(aud, options.resource))) return undefined;
    if (answer.exp === undefined || answer.exp * 1000 <= now) return undefined;
    if (answer.nbf !== undefined && answer.nbf * 1000 > now) return undefined;
    if (answer.iss !== undefined && answer.iss !== options.issuer) return undefined;
    if (answer.token_type !== undefined && !/^(bearer|access_token)$/i.test(answer.token_type)) {
      return undefined;
    }
    if (answer.sub === undefined || answer.client_id === undefined) return undefined;
    const verified: VerifiedToken = {
      userId: answer.sub,
      clientId: answer.client_id,
      scopes: parseStoredScopes(answer.scope ?? ''),
      resource: options.resource,
      expiresAt: answer.exp * 1000,
    };
    if (answer.username !== undefined) verified.username = answer.username;
    if (answer.grant_id !== undefined) verified.grantId = answer.grant_id;
    return verified;
  }

  async function verifyUncached(token: string, key: string): Promise<VerifiedToken | undefined> {
    const answer = await introspect(token);
    const now = clock.now();
    const verified = accept(answer, now);
    if (verified !== undefined && cacheTtlMs > 0) {
      cache.set(key, verified, Math.min(now + cacheTtlMs, verified.expiresAt));
    }
    return verified;
  }

  return {
    async verify(token: string): Promise<VerifiedToken | undefined> {
      if (token === '') return undefined;
      const key = hashSecret(token);
      const cached = cache.get(key, clock.now());
      if (cached !== undefined) return { ...cached, scopes: [...cached.scopes] };
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const request = verifyUncached(token, key).finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    },
  };
}
