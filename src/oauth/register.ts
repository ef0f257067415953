/**
 * Dynamic Client Registration: a client posts its metadata and gets a
 * client id (and, if confidential, a secret shown exactly once).
 */
import { ipBucket } from '../accounts/ip-bucket.js';
import type { Clock } from '../clock.js';
import { epochSeconds } from '../clock.js';
import { hashSecret } from '../crypto/hash.js';
import { randomId, randomToken } from '../crypto/random.js';
import type { ClientRecord, ClientRepository, CounterRepository } from '../storage/ports.js';
import { parseClientMetadata } from './client-metadata.js';
import { OAuthError } from './errors.js';

const HOUR_MS = 3_600_000;

/**
 * Counts one registration against the caller's address before any work is
 * done, and refuses it past `limitPerHour` in the current clock hour with
 * 429 and `Retry-After` (seconds to the next hour). The count is reserved
 * atomically, so parallel requests cannot all slip under the limit. An IPv6
 * caller is counted per /64, as logins are: one host usually holds a whole
 * /64 and could otherwise rotate past any limit.
 * @see RFC 7591 §3.2.2; RFC 6585 §4 (429); RFC 9110 §10.2.3 (Retry-After)
 */
export async function reserveRegistration(
  deps: { counters: CounterRepository; clock: Clock },
  ip: string,
  limitPerHour: number,
): Promise<void> {
  const now = deps.clock.now();
  const windowEnd = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  const count = await deps.counters.increment(`register:${ipBucket(ip)}`, now, windowEnd);
  if (count > limitPerHour) {
    throw new OAuthError('temporarily_unavailable', 'too many registrations from this address', {
      status: 429,
      headers: { 'Retry-After': String(Math.ceil((windowEnd - now) / 1000)) },
    });
  }
}

export interface RegisterClientDeps {
  clients: ClientRepository;
  clock: Clock;
}

export interface RegisterClientResult {
  /** What was stored: the secret only as its hash. */
  client: ClientRecord;
  /** The plaintext secret of a confidential client; never stored, never logged. */
  clientSecret?: string;
  /** The RFC 7591 §3.2.1 response body (contains `client_secret` when issued). */
  response: Record<string, unknown>;
}

/**
 * Registers a client from a parsed JSON request body. Public clients
 * (`token_endpoint_auth_method: none`) get no secret; confidential ones get
 * a 256-bit secret that never expires (`client_secret_expires_at: 0`).
 * Metadata members this server does not define are ignored, not echoed; the
 * response holds only what was registered.
 * Throws `OAuthError('invalid_redirect_uri' | 'invalid_client_metadata')`, status 400.
 * @see RFC 7591 §2
 * @see RFC 7591 §3.1
 * @see RFC 7591 §3.2.1
 * @see RFC 7591 §3.2.2
 */
export async function registerClient(
  body: unknown,
  deps: RegisterClientDeps,
  /** `cli`: made by an administrator, who thereby vouches for it (RFC 9700 §4.11.2). */
  source: 'dcr' | 'cli' = 'dcr',
): Promise<RegisterClientResult> {
  const metadata = parseClientMetadata(body);
  const now = deps.clock.now();
  const clientSecret = metadata.tokenEndpointAuthMethod === 'none' ? undefined : randomToken();

  const client: ClientRecord = {
    clientId: randomId('mcp'),
    kind: 'oauth',
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    responseTypes: metadata.responseTypes,
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    scope: metadata.scope,
    source,
    createdAt: now,
  };
  if (clientSecret !== undefined) client.secretHash = hashSecret(clientSecret);
  if (metadata.clientName !== undefined) client.clientName = metadata.clientName;
  if (metadata.clientUri !== undefined) client.clientUri = metadata.clientUri;
  if (metadata.logoUri !== undefined) client.logoUri = metadata.logoUri;

  await deps.clients.create(client);

  const response: Record<string, unknown> = {
    client_id: client.clientId,
    client_id_issued_at: epochSeconds(now),
    ...(clientSecret === undefined
      ? {}
      : { client_secret: clientSecret, client_secret_expires_at: 0 }),
    ...clientMetadataResponse(client),
  };
  return clientSecret === undefined ? { client, response } : { client, clientSecret, response };
}

/**
 * The registered metadata of a client in RFC 7591 form (snake_case), for
 * the registration response.
 * @see RFC 7591 §3.2.1
 */
export function clientMetadataResponse(client: ClientRecord): Record<string, unknown> {
  return {
    redirect_uris: [...client.redirectUris],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: [...client.grantTypes],
    response_types: [...client.responseTypes],
    ...(client.clientName === undefined ? {} : { client_name: client.clientName }),
    ...(client.scope === undefined ? {} : { scope: client.scope }),
    ...(client.clientUri === undefined ? {} : { client_uri: client.clientUri }),
    ...(client.logoUri === undefined ? {} : { logo_uri: client.logoUri }),
  };
}
