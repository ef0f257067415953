/**
 * RFC 7591 client metadata: parsed once, validated against this server's
 * policy, and turned from snake_case into camelCase. Shared by dynamic
 * registration and Client ID Metadata Documents, which carry the same fields.
 */
import { z } from 'zod';
import type { TokenEndpointAuthMethod } from '../storage/ports.js';
import { OAuthError } from './errors.js';
import { formatScopes, parseRequestedScopes } from './scopes.js';
import {
  LOOPBACK_HOSTS,
  MAX_REDIRECT_URI_LENGTH,
  validateRedirectUriForRegistration,
} from './redirect-uri.js';
import { hasUnsafeCharacters, splitAuthority, splitUri } from './uri-parts.js';

/** Most redirect URIs one client may register. */
export const MAX_REDIRECT_URIS = 20;
export const MAX_CLIENT_NAME_LENGTH = 200;

export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const RESPONSE_TYPES = ['code'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
] as const satisfies readonly TokenEndpointAuthMethod[];

/** Validated metadata, camelCase; optional fields are absent rather than empty. */
export interface ClientMetadata {
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: GrantType[];
  responseTypes: ResponseType[];
  /** Canonical, known scopes only. */
  scope: string;
  clientName?: string;
  clientUri?: string;
  logoUri?: string;
  tosUri?: string;
  policyUri?: string;
  contacts?: string[];
  softwareId?: string;
  softwareVersion?: string;
}

// `null` is read as "absent": some client SDKs serialise unset fields that way.
const optionalText = (max: number) => z.string().max(max).nullish();

const METADATA = z.object({
  token_endpoint_auth_method: z.string().nullish(),
  grant_types: z.array(z.string()).max(10).nullish(),
  response_types: z.array(z.string()).max(10).nullish(),
  client_name: z.string().max(MAX_CLIENT_NAME_LENGTH).nullish(),
  client_uri: z.string().nullish(),
  logo_uri: z.string().nullish(),
  tos_uri: z.string().nullish(),
  policy_uri: z.string().nullish(),
  scope: optionalText(1000),
  contacts: z.array(z.string().max(320)).max(20).nullish(),
  software_id: optionalText(200),
  software_version: optionalText(200),
});

/** C0/C1 controls and the bidirectional overrides used to disguise a name. */
const CONTROL_OR_BIDI = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export interface ParseClientMetadataOptions {
  /** Used when `token_endpoint_auth_method` is absent; RFC 7591 §2 says `client_secret_basic`. */
  defaultAuthMethod?: TokenEndpointAuthMethod;
}

/**
 * Parses and validates client metadata. Unknown members are ignored.
 * Throws `OAuthError('invalid_redirect_uri')` for anything wrong with
 * `redirect_uris` and `OAuthError('invalid_client_metadata')` otherwise.
 * @see RFC 7591 §2
 * @see RFC 7591 §2.1
 * @see RFC 7591 §3.2.2
 */
export function parseClientMetadata(
  body: unknown,
  options: ParseClientMetadataOptions = {},
): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidMetadata('client metadata must be a JSON object');
  }
  const redirectUris = parseRedirectUris((body as Record<string, unknown>)['redirect_uris']);
  const parsed = METADATA.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    throw invalidMetadata(
      `${typeof field === 'string' ? field : 'metadata'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const m = parsed.data;

  const metadata: ClientMetadata = {
    redirectUris,
    tokenEndpointAuthMethod: parseAuthMethod(
      m.token_endpoint_auth_method ?? options.defaultAuthMethod ?? 'client_secret_basic',
    ),
    grantTypes: parseGrantTypes(m.grant_types ?? undefined),
    responseTypes: parseResponseTypes(m.response_types ?? undefined),
    scope: formatScopes(parseRequestedScopes(m.scope)),
  };
  const clientName = parseClientName(m.client_name ?? undefined);
  if (clientName !== undefined) metadata.clientName = clientName;
  for (const [field, key] of [
    ['client_uri', 'clientUri'],
    ['logo_uri', 'logoUri'],
    ['tos_uri', 'tosUri'],
    ['policy_uri', 'policyUri'],
  ] as const) {
    const value = m[field];
    if (value !== undefined && value !== null) metadata[key] = parseWebUri(field, value);
  }
  if (m.contacts !== undefined && m.contacts !== null) {
    if (m.contacts.some((c) => CONTROL_OR_BIDI.test(c))) {
      throw invalidMetadata('contacts must not contain control characters');
    }
    metadata.contacts = m.contacts;
  }
  if (m.software_id !== undefined && m.software_id !== null) metadata.softwareId = m.software_id;
  if (m.software_version !== undefined && m.software_version !== null) {
    metadata.softwareVersion = m.software_version;
  }
  return metadata;
}

function parseRedirectUris(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris must be a non-empty array');
  }
  if (value.length > MAX_REDIRECT_URIS) {
    throw new OAuthError(
      'invalid_redirect_uri',
      `redirect_uris may hold at most ${MAX_REDIRECT_URIS} URIs`,
    );
  }
  const uris: string[] = [];
  for (const uri of value) {
    if (typeof uri !== 'string') {
      throw new OAuthError('invalid_redirect_uri', 'each redirect_uri must be a string');
    }
    validateRedirectUriForRegistration(uri);
    if (!uris.includes(uri)) uris.push(uri);
  }
  return uris;
}

function parseAuthMethod(value: string): TokenEndpointAuthMethod {
  const method = TOKEN_ENDPOINT_AUTH_METHODS.find((m) => m === value);
  if (method === undefined) {
    throw invalidMetadata(
      `token_endpoint_auth_method ${JSON.stringify(value)} is not supported; use one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`,
    );
  }
  return method;
}

/** Only the code flow and refresh exist here; OAuth 2.1 removed implicit and password. */
function parseGrantTypes(values: string[] | undefined): GrantType[] {
  if (values === undefined) return ['authorization_code'];
  const grants: GrantType[] = [];
  for (const value of values) {
    const grant = GRANT_TYPES.find((g) => g === value);
    if (grant === undefined) {
      throw invalidMetadata(`grant_types: ${JSON.stringify(value)} is not supported`);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  // RFC 7591 §2.1: the code response type requires the authorization_code grant.
  if (!grants.includes('authorization_code')) {
    throw invalidMetadata('grant_types must include authorization_code');
  }
  return grants;
}

function parseResponseTypes(values: string[] | undefined): ResponseType[] {
  if (values === undefined) return ['code'];
  for (const value of values) {
    if (value !== 'code') {
      throw invalidMetadata(`response_types: ${JSON.stringify(value)} is not supported`);
    }
  }
  if (values.length === 0) throw invalidMetadata('response_types must include code');
  return ['code'];
}

function parseClientName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // The name is shown on the consent page; hidden controls could disguise it.
  if (CONTROL_OR_BIDI.test(value)) {
    throw invalidMetadata('client_name must not contain control characters');
  }
  const name = value.trim();
  return name === '' ? undefined : name;
}

/**
 * A URI the consent page may link to or load (`client_uri`, `logo_uri`, …):
 * https, or http on loopback for local development; never userinfo.
 */
function parseWebUri(field: string, value: string): string {
  const fail: () => never = () => {
    throw invalidMetadata(`${field} must be an https URL`);
  };
  if (value.length > MAX_REDIRECT_URI_LENGTH || hasUnsafeCharacters(value)) fail();
  const parts = splitUri(value);
  const authority = parts.authority === undefined ? undefined : splitAuthority(parts.authority);
  if (authority === undefined || authority.host === '' || authority.userinfo !== undefined) fail();
  const scheme = parts.scheme?.toLowerCase();
  const loopbackHttp = scheme === 'http' && LOOPBACK_HOSTS.has(authority.host);
  if ((scheme !== 'https' && !loopbackHttp) || !URL.canParse(value)) fail();
  return value;
}

function invalidMetadata(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}
