/**
 * Client ID Metadata Documents: a `client_id` that is an https URL names a
 * JSON document, published by the client, holding its metadata. The server
 * fetches it instead of requiring registration.
 */
import type { Clock } from '../clock.js';
import type { ClientRecord } from '../storage/ports.js';
import { parseClientMetadata } from './client-metadata.js';
import { OAuthError } from './errors.js';
import { DocumentFetchError, fetchJsonDocument } from './fetch-json-document.js';
import { hasDotSegment, hasUnsafeCharacters, splitAuthority, splitUri } from './uri-parts.js';

export interface ClientMetadataDocumentResolverOptions {
  clock: Clock;
  /** Deadline for the whole fetch; default 5000 ms. */
  timeoutMs?: number;
  /** Largest accepted document; default 5120 bytes. */
  maxBytes?: number;
  /**
   * Bounds in milliseconds on how long a document is cached, whatever its
   * `Cache-Control: max-age` says; default 5 minutes .. 24 hours.
   */
  cacheTtlBounds?: { min: number; max: number };
  /** Allow loopback/private addresses. Tests only: it re-opens SSRF. */
  allowPrivateAddresses?: boolean;
  /** An extra trusted CA (PEM) for tests. */
  ca?: string | Buffer;
}

export interface ClientMetadataDocumentResolver {
  /** True when `clientId` has the shape of a metadata document URL (no fetch). */
  isMetadataDocumentClientId(clientId: string): boolean;
  /** The client the document describes; throws `OAuthError('invalid_client')`. */
  resolve(clientId: string): Promise<ClientRecord>;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 5120;
const MINUTE = 60_000;
const DEFAULT_TTL_BOUNDS = { min: 5 * MINUTE, max: 24 * 60 * MINUTE };
/** Used when the document has no `max-age`. */
const DEFAULT_TTL_MS = 60 * MINUTE;
/** Anyone can make us fetch URLs, so the cache must not grow without bound. */
const MAX_CACHE_ENTRIES = 1000;
const MAX_CLIENT_ID_LENGTH = 2000;

/**
 * True when `clientId` is a valid metadata document URL: `https`, a host, a
 * path other than `/`, no fragment, no userinfo, no dot segments, and already
 * in the canonical form a URL parser would give it, so one document cannot
 * be named by two different client ids.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §3
 * @see MCP 2025-11-25 authorization
 */
export function isMetadataDocumentClientId(clientId: string): boolean {
  if (clientId.length > MAX_CLIENT_ID_LENGTH || hasUnsafeCharacters(clientId)) return false;
  if (!clientId.startsWith('https://')) return false;
  const parts = splitUri(clientId);
  if (parts.authority === undefined || parts.fragment !== undefined) return false;
  const authority = splitAuthority(parts.authority);
  if (authority === undefined || authority.userinfo !== undefined || authority.host === '') {
    return false;
  }
  if (parts.path === '' || parts.path === '/' || hasDotSegment(parts.path)) return false;
  return URL.canParse(clientId) && new URL(clientId).href === clientId;
}

/**
 * Creates a resolver that fetches, validates and caches metadata documents.
 * The document must name itself (`client_id` equal to the URL), list valid
 * `redirect_uris`, and describe a public client: no `client_secret`, and a
 * `token_endpoint_auth_method` of `none` when present (we cannot verify
 * `private_key_jwt`). Valid documents are cached for their `max-age` clamped
 * to `cacheTtlBounds`; failures are never cached; concurrent resolves of one
 * URL share one fetch. Every failure is `OAuthError('invalid_client')`, 400.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4
 * @see MCP 2025-11-25 authorization
 */
export function createClientMetadataDocumentResolver(
  options: ClientMetadataDocumentResolverOptions,
): ClientMetadataDocumentResolver {
  const { clock } = options;
  const bounds = options.cacheTtlBounds ?? DEFAULT_TTL_BOUNDS;
  const cache = new Map<string, { client: ClientRecord; expiresAt: number }>();
  const inFlight = new Map<string, Promise<ClientRecord>>();

  async function fetchAndValidate(clientId: string): Promise<ClientRecord> {
    let fetched;
    try {
      fetched = await fetchJsonDocument(new URL(clientId), {
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
        allowPrivateAddresses: options.allowPrivateAddresses ?? false,
        ca: options.ca,
      });
    } catch (error) {
      if (error instanceof DocumentFetchError) throw invalidClient(clientId, error.message);
      throw error;
    }
    const client = clientFromDocument(clientId, fetched.body, clock.now());
    const maxAgeMs = parseMaxAge(fetched.cacheControl);
    const freshForMs =
      maxAgeMs === undefined ? DEFAULT_TTL_MS : maxAgeMs - fetched.ageSeconds * 1000;
    // The lower bound stops a client from making us refetch on every request.
    const ttl = Math.min(bounds.max, Math.max(bounds.min, freshForMs));
    if (cache.size >= MAX_CACHE_ENTRIES) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(clientId, { client, expiresAt: clock.now() + ttl });
    return client;
  }

  return {
    isMetadataDocumentClientId,
    async resolve(clientId) {
      if (!isMetadataDocumentClientId(clientId)) {
        throw invalidClient(clientId, 'it is not a valid https metadata document URL');
      }
      const cached = cache.get(clientId);
      if (cached !== undefined) {
        if (cached.expiresAt > clock.now()) return copy(cached.client);
        cache.delete(clientId);
      }
      let pending = inFlight.get(clientId);
      if (pending === undefined) {
        pending = fetchAndValidate(clientId).finally(() => inFlight.delete(clientId));
        inFlight.set(clientId, pending);
      }
      return copy(await pending);
    },
  };
}

/**
 * Validates a fetched document and turns it into a public client record.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4.1
 */
function clientFromDocument(clientId: string, body: unknown, now: number): ClientRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidClient(clientId, 'the document is not a JSON object');
  }
  const document = body as Record<string, unknown>;
  // The document must name itself, or one URL could impersonate another client.
  if (document['client_id'] !== clientId) {
    throw invalidClient(clientId, 'the client_id in the document does not equal its URL');
  }
  // No shared secret can exist with a self-published client.
  if ('client_secret' in document || 'client_secret_expires_at' in document) {
    throw invalidClient(clientId, 'the document must not contain a client secret');
  }
  const method = document['token_endpoint_auth_method'];
  if (method !== undefined && method !== null && method !== 'none') {
    throw invalidClient(clientId, 'token_endpoint_auth_method must be "none"');
  }
  let metadata;
  try {
    metadata = parseClientMetadata(document, { defaultAuthMethod: 'none' });
  } catch (error) {
    if (error instanceof OAuthError) throw invalidClient(clientId, error.message);
    throw error;
  }
  const client: ClientRecord = {
    clientId,
    kind: 'oauth',
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    responseTypes: metadata.responseTypes,
    tokenEndpointAuthMethod: 'none',
    scope: metadata.scope,
    source: 'cimd',
    createdAt: now,
  };
  if (metadata.clientName !== undefined) client.clientName = metadata.clientName;
  if (metadata.clientUri !== undefined) client.clientUri = metadata.clientUri;
  if (metadata.logoUri !== undefined) client.logoUri = metadata.logoUri;
  return client;
}

/**
 * `max-age` in milliseconds; `no-store`/`no-cache` count as 0 (then the
 * lower cache bound applies); undefined when the header says nothing.
 * @see RFC 9111 §5.2.2
 */
function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (cacheControl === undefined) return undefined;
  let maxAge: number | undefined;
  for (const directive of cacheControl.toLowerCase().split(',')) {
    const [name = '', value = ''] = directive.trim().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age') {
      const seconds = Number(value.replace(/^"(.*)"$/, '$1'));
      if (Number.isInteger(seconds) && seconds >= 0) maxAge = seconds * 1000;
    }
  }
  return maxAge;
}

/** A copy, so a caller changing its record cannot change the cache. */
function copy(client: ClientRecord): ClientRecord {
  return {
    ...client,
    redirectUris: [...client.redirectUris],
    grantTypes: [...client.grantTypes],
    responseTypes: [...client.responseTypes],
  };
}

function invalidClient(clientId: string, why: string): OAuthError {
  const shown = clientId.length > 200 ? `${clientId.slice(0, 200)}…` : clientId;
  return new OAuthError(
    'invalid_client',
    `The client metadata document ${JSON.stringify(shown)} was refused: ${why}.`,
    { status: 400 },
  );
}
