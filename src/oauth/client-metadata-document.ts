/**
 * Client ID Metadata Documents: a `client_id` that is an https URL names a
 * JSON document, published by the client, holding its metadata. The server
 * fetches it instead of requiring registration.
 */
import { ipBucket } from '../accounts/ip-bucket.js';
import type { Clock } from '../clock.js';
import type { ClientRecord, CounterRepository } from '../storage/ports.js';
import { parseClientMetadata } from './client-metadata.js';
import { OAuthError } from './errors.js';
import { DocumentFetchError, fetchJsonDocument } from './fetch-json-document.js';
import { MetadataDocumentError, refused } from './metadata-document-error.js';
import { hasDotSegment, hasUnsafeCharacters, splitAuthority, splitUri } from './uri-parts.js';

export interface ClientMetadataDocumentResolverOptions {
  clock: Clock;
  /** Where the per-IP fetch budget is counted (shared by every process). */
  counters: CounterRepository;
  /**
   * False: https client ids are refused without a fetch, and the server
   * metadata says documents are not supported. Default true.
   */
  enabled?: boolean;
  /** Outbound fetches one IP address may cause per hour; default 20. */
  fetchesPerIpPerHour?: number;
  /** How long a failed fetch or a refused document is remembered; default 60 s. */
  failureTtlMs?: number;
  /** Most failures remembered at once (the oldest is forgotten first); default 1000. */
  failureCacheSize?: number;
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

/** Who caused a resolve: the budget of outbound fetches is per IP address. */
export interface DocumentRequester {
  ip: string;
}

export interface ClientMetadataDocumentResolver {
  /** Whether documents are fetched at all (`CLIENT_METADATA_DOCUMENTS`). */
  readonly enabled: boolean;
  /** True when `clientId` has the shape of a metadata document URL (no fetch). */
  isMetadataDocumentClientId(clientId: string): boolean;
  /** The client the document describes; throws {@link MetadataDocumentError}. */
  resolve(clientId: string, requester: DocumentRequester): Promise<ClientRecord>;
}

export { MetadataDocumentError, type MetadataDocumentProblem } from './metadata-document-error.js';

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 5120;
const MINUTE = 60_000;
const DEFAULT_TTL_BOUNDS = { min: 5 * MINUTE, max: 24 * 60 * MINUTE };
/** Used when the document has no `max-age`. */
const DEFAULT_TTL_MS = 60 * MINUTE;
/** Anyone can make us fetch URLs, so the caches must not grow without bound. */
const MAX_CACHE_ENTRIES = 1000;
const MAX_FAILURE_ENTRIES = 1000;
const DEFAULT_FAILURE_TTL_MS = 60_000;
const DEFAULT_FETCHES_PER_IP_PER_HOUR = 20;
const HOUR = 60 * MINUTE;
/** A waiter whose shared fetch was refused for another IP's budget tries on its own, this often. */
const MAX_ATTEMPTS = 3;
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
 * to `cacheTtlBounds`; a failure (unreachable URL or refused document) is
 * remembered for `failureTtlMs`, so repeating a bad URL does not refetch it;
 * concurrent resolves of one URL share one fetch. Each outbound fetch is
 * first reserved against the requester's hourly budget in the shared
 * counters (`CounterRepository.reserve`, atomic), so the budget holds under
 * concurrency and across processes. Failures throw {@link MetadataDocumentError}.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4
 * @see draft-ietf-oauth-client-id-metadata-document-00 §6
 * @see MCP 2025-11-25 authorization
 */
export function createClientMetadataDocumentResolver(
  options: ClientMetadataDocumentResolverOptions,
): ClientMetadataDocumentResolver {
  const { clock, counters } = options;
  const enabled = options.enabled ?? true;
  const bounds = options.cacheTtlBounds ?? DEFAULT_TTL_BOUNDS;
  const fetchLimit = options.fetchesPerIpPerHour ?? DEFAULT_FETCHES_PER_IP_PER_HOUR;
  const failureTtl = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  const failureCacheSize = options.failureCacheSize ?? MAX_FAILURE_ENTRIES;
  const cache = new Map<string, { client: ClientRecord; expiresAt: number }>();
  const failures = new Map<string, { error: MetadataDocumentError; expiresAt: number }>();
  const inFlight = new Map<string, Promise<ClientRecord>>();

  /** Reserve first, then fetch: of concurrent callers, only `fetchLimit` get a slot. */
  async function reserveFetch(clientId: string, ip: string): Promise<void> {
    const now = clock.now();
    const windowEnd = Math.floor(now / HOUR) * HOUR + HOUR;
    // Per /64 for IPv6, as logins and registrations: one host owns a whole /64.
    const reservation = await counters.reserve(
      `cimd-fetch:${ipBucket(ip)}`,
      now,
      windowEnd,
      fetchLimit,
    );
    if (!reservation.reserved) {
      throw new MetadataDocumentError(
        'busy',
        clientId,
        'too many client metadata documents were fetched for this address; try again later',
        Math.ceil((reservation.expiresAt - now) / 1000),
      );
    }
  }

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
      if (error instanceof DocumentFetchError) {
        throw refused('fetch_failed', clientId, error.message);
      }
      throw error;
    }
    const client = clientFromDocument(clientId, fetched.body, clock.now());
    const maxAgeMs = parseMaxAge(fetched.cacheControl);
    const freshForMs =
      maxAgeMs === undefined ? DEFAULT_TTL_MS : maxAgeMs - fetched.ageSeconds * 1000;
    // The lower bound stops a client from making us refetch on every request.
    const ttl = Math.min(bounds.max, Math.max(bounds.min, freshForMs));
    remember(cache, MAX_CACHE_ENTRIES, clientId, { client, expiresAt: clock.now() + ttl });
    failures.delete(clientId);
    return client;
  }

  /** One fetch per URL at a time; its result is shared by every concurrent resolve. */
  function startFlight(clientId: string, ip: string): Promise<ClientRecord> {
    const flight = (async () => {
      await reserveFetch(clientId, ip);
      try {
        return await fetchAndValidate(clientId);
      } catch (error) {
        if (error instanceof MetadataDocumentError) {
          remember(failures, failureCacheSize, clientId, {
            error,
            expiresAt: clock.now() + failureTtl,
          });
        }
        throw error;
      }
    })().finally(() => inFlight.delete(clientId));
    inFlight.set(clientId, flight);
    return flight;
  }

  return {
    enabled,
    isMetadataDocumentClientId,
    async resolve(clientId, requester) {
      if (!enabled) {
        throw new MetadataDocumentError(
          'disabled',
          clientId,
          'this server does not use client metadata documents (CLIENT_METADATA_DOCUMENTS=false); register the client at the registration endpoint instead',
        );
      }
      if (!isMetadataDocumentClientId(clientId)) {
        throw refused('invalid', clientId, 'it is not a valid https metadata document URL');
      }
      for (let attempt = 1; ; attempt += 1) {
        const now = clock.now();
        const cached = cache.get(clientId);
        if (cached !== undefined) {
          if (cached.expiresAt > now) return copy(cached.client);
          cache.delete(clientId);
        }
        const failed = failures.get(clientId);
        if (failed !== undefined) {
          if (failed.expiresAt > now) throw failed.error;
          failures.delete(clientId);
        }
        const shared = inFlight.get(clientId);
        try {
          return copy(await (shared ?? startFlight(clientId, requester.ip)));
        } catch (error) {
          // A shared fetch refused for its starter's budget says nothing about ours.
          const othersBudget =
            shared !== undefined &&
            error instanceof MetadataDocumentError &&
            error.problem === 'busy';
          if (!othersBudget || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
  };
}

/** Inserts into a bounded map, dropping the oldest entry when full. */
function remember<V>(map: Map<string, V>, max: number, key: string, value: V): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
}

/**
 * Validates a fetched document and turns it into a public client record.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4.1
 */
function clientFromDocument(clientId: string, body: unknown, now: number): ClientRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw refused('invalid', clientId, 'the document is not a JSON object');
  }
  const document = body as Record<string, unknown>;
  // The document must name itself, or one URL could impersonate another client.
  if (document['client_id'] !== clientId) {
    throw refused('invalid', clientId, 'the client_id in the document does not equal its URL');
  }
  // No shared secret can exist with a self-published client.
  if ('client_secret' in document || 'client_secret_expires_at' in document) {
    throw refused('invalid', clientId, 'the document must not contain a client secret');
  }
  const method = document['token_endpoint_auth_method'];
  if (method !== undefined && method !== null && method !== 'none') {
    throw refused('invalid', clientId, 'token_endpoint_auth_method must be "none"');
  }
  let metadata;
  try {
    metadata = parseClientMetadata(document, { defaultAuthMethod: 'none' });
  } catch (error) {
    if (error instanceof OAuthError) throw refused('invalid', clientId, error.message);
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
