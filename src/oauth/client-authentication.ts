import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import type { ClientKind, ClientRecord } from '../storage/ports.js';
import { OAuthError } from './errors.js';

/** How the client presented itself at the token, revocation or introspection endpoint. */
export interface PresentedClient {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  /**
   * Present when the credentials came in `Authorization: Basic` (even as a
   * public client with an empty password): a failure must then answer with
   * a Basic challenge (RFC 6749 §5.2).
   */
  basicHeader?: true;
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Reads client credentials from the `Authorization: Basic` header or the
 * form body. Using both at once is an error.
 * @see RFC 6749 §2.3.1 (credentials are form-encoded before base64)
 * @throws OAuthError invalid_request / invalid_client
 */
export function readClientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): PresentedClient | undefined {
  const formId = form.get('client_id') ?? undefined;
  const formSecret = form.get('client_secret') ?? undefined;
  // `Basic` alone is an attempt too: header values arrive trimmed, so "Basic " loses its space.
  if (authorization !== undefined && /^basic(?:\s|$)/i.test(authorization)) {
    if (formSecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method, not two');
    }
    let decoded: string;
    try {
      decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    } catch {
      throw basicFailure('malformed Basic credentials');
    }
    const colon = decoded.indexOf(':');
    if (colon < 1) throw basicFailure('malformed Basic credentials');
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw basicFailure('malformed Basic credentials');
    }
    if (formId !== undefined && formId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body and the header differ');
    }
    // Some client libraries send public clients as Basic with an empty password.
    if (clientSecret === '') return { clientId, method: 'none', basicHeader: true };
    return { clientId, clientSecret, method: 'client_secret_basic', basicHeader: true };
  }
  if (formId === undefined || formId === '') return undefined;
  if (formSecret !== undefined) {
    return { clientId: formId, clientSecret: formSecret, method: 'client_secret_post' };
  }
  return { clientId: formId, method: 'none' };
}

/** The challenge a 401 carries when the client tried (or must use) HTTP Basic. @see RFC 6749 §5.2 */
export const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="jira-mcp-gateway"' } as const;

function basicFailure(description: string): OAuthError {
  return new OAuthError('invalid_client', description, { status: 401, headers: BASIC_CHALLENGE });
}

/**
 * Authenticates a client against its registration. Confidential clients
 * must present their secret (compared in constant time, as hashes); public
 * clients must present none. Failures are `invalid_client` 401, with a
 * `WWW-Authenticate` challenge when the client used the header.
 * @see RFC 6749 §2.3, §5.2; draft-ietf-oauth-v2-1-13 §2.4
 */
export function authenticateClient(
  presented: PresentedClient,
  client: ClientRecord | undefined,
  now: number,
  kinds: readonly ClientKind[] = ['oauth'],
): ClientRecord {
  const fail = (description: string): OAuthError =>
    presented.method === 'client_secret_basic' || presented.basicHeader === true
      ? basicFailure(description)
      : new OAuthError('invalid_client', description, { status: 401 });

  if (client === undefined || !kinds.includes(client.kind)) {
    // Spend the hashing time anyway so unknown ids are not distinguishable by timing.
    if (presented.clientSecret !== undefined) hashSecret(presented.clientSecret);
    throw fail('client authentication failed');
  }
  if (client.tokenEndpointAuthMethod === 'none' && client.kind === 'oauth') {
    if (presented.clientSecret !== undefined) throw fail('this client is public and has no secret');
    return client;
  }
  if (presented.clientSecret === undefined || client.secretHash === undefined) {
    throw fail('client authentication failed');
  }
  if (!constantTimeEqual(hashSecret(presented.clientSecret), client.secretHash)) {
    throw fail('client authentication failed');
  }
  if (client.secretExpiresAt !== undefined && client.secretExpiresAt <= now) {
    throw fail('client secret expired');
  }
  return client;
}
