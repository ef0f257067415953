/**
 * Which callers may be sent a URL-mode elicitation. `/mcp` is stateless: the
 * capabilities a client declares in `initialize` are gone by its next
 * request. So the endpoint remembers, per grant, whether the client's last
 * `initialize` declared `elicitation.url`, in a bounded in-process cache.
 * When the answer is unknown (another process, a cold Lambda, an evicted
 * entry) the caller gets the HTTP 401 path instead, which every client
 * understands.
 */
import type { VerifiedToken } from './token-verifier.js';
import { TtlLruCache } from './ttl-lru-cache.js';

/** The protocol revision that introduced URL-mode elicitation. */
export const URL_ELICITATION_PROTOCOL_VERSION = '2025-11-25';

/** JSON-RPC error code of `URLElicitationRequiredError`. */
export const URL_ELICITATION_REQUIRED = -32042;

/** How many grants the cache holds; an entry is a few dozen bytes. */
const MAX_ENTRIES = 10_000;
/** An initialize is remembered this long; clients re-initialize on every start. */
const TTL_MS = 24 * 3600 * 1000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a single `initialize` request says about URL-mode elicitation:
 * true when it asks for 2025-11-25 and declares `capabilities.elicitation.url`,
 * false for any other initialize, undefined when `body` is not one.
 * @see MCP 2025-11-25 client/elicitation (Capabilities)
 */
export function initializeDeclaresUrlElicitation(body: unknown): boolean | undefined {
  if (!isObject(body) || body.method !== 'initialize' || !isObject(body.params)) return undefined;
  const { protocolVersion, capabilities } = body.params;
  if (protocolVersion !== URL_ELICITATION_PROTOCOL_VERSION || !isObject(capabilities)) return false;
  const elicitation = capabilities.elicitation;
  return isObject(elicitation) && isObject(elicitation.url);
}

/** Protocol revisions with form-mode elicitation (2025-06-18 introduced it, without modes). */
export const FORM_ELICITATION_PROTOCOL_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18'];

/**
 * What a single `initialize` request says about form-mode elicitation: true
 * when it asks for a revision that has it and declares `elicitation.form`,
 * or an empty `elicitation: {}` (which means form, for compatibility);
 * false for any other initialize, undefined when `body` is not one.
 * @see MCP 2025-11-25 client/elicitation (Capabilities)
 */
export function initializeDeclaresFormElicitation(body: unknown): boolean | undefined {
  if (!isObject(body) || body.method !== 'initialize' || !isObject(body.params)) return undefined;
  const { protocolVersion, capabilities } = body.params;
  if (typeof protocolVersion !== 'string') return false;
  if (!FORM_ELICITATION_PROTOCOL_VERSIONS.includes(protocolVersion)) return false;
  if (!isObject(capabilities) || !isObject(capabilities.elicitation)) return false;
  const { form, url } = capabilities.elicitation;
  return isObject(form) || (form === undefined && url === undefined);
}

/** The cache key of a token's client installation: its grant, else user and client. */
export function keyOf(token: VerifiedToken): string {
  return token.grantId === undefined
    ? `uc:${token.userId}\u0000${token.clientId}`
    : `g:${token.grantId}`;
}

/**
 * Remembers, per grant, whether the client declared URL-mode elicitation.
 * @see MCP 2025-11-25 client/elicitation (URL Elicitation Required Error)
 */
export class UrlElicitationSupport {
  readonly #cache = new TtlLruCache<true>(MAX_ENTRIES);
  /** Grants whose client declared form-mode elicitation (see confirm-destructive.ts). */
  readonly #forms = new TtlLruCache<true>(MAX_ENTRIES);

  /** Records what an `initialize` of `token`'s client declared (other bodies are ignored). */
  observe(token: VerifiedToken, body: unknown, now: number): void {
    const form = initializeDeclaresFormElicitation(body);
    if (form === true) this.#forms.set(keyOf(token), true, now + TTL_MS);
    else if (form === false) this.#forms.delete(keyOf(token));
    const declares = initializeDeclaresUrlElicitation(body);
    if (declares === undefined) return;
    // A client that re-initializes without the capability loses it at once.
    if (declares) this.#cache.set(keyOf(token), true, now + TTL_MS);
    else this.#cache.delete(keyOf(token));
  }

  /**
   * True only when this process saw the client declare `elicitation.url` and
   * the request speaks 2025-11-25: a server MUST NOT send a mode the client
   * did not declare.
   */
  supports(token: VerifiedToken, protocolVersion: string | null, now: number): boolean {
    if (protocolVersion !== URL_ELICITATION_PROTOCOL_VERSION) return false;
    return this.#cache.get(keyOf(token), now) === true;
  }

  /**
   * True only when this process saw the client declare form-mode
   * elicitation and the request speaks a revision that has it.
   */
  supportsForm(token: VerifiedToken, protocolVersion: string | null, now: number): boolean {
    if (protocolVersion === null || !FORM_ELICITATION_PROTOCOL_VERSIONS.includes(protocolVersion)) {
      return false;
    }
    return this.#forms.get(keyOf(token), now) === true;
  }
}
