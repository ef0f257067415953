import { z } from 'zod';
import type { ClientRecord } from '../ports.js';

/**
 * One `clients` row as both SQL adapters read it: the column types agree
 * (TEXT lists as JSON, epoch milliseconds as a number, the PostgreSQL pool
 * parsing BIGINT to a number), so the mapping is shared and driver-free.
 */
export interface ClientRow {
  client_id: string;
  kind: string;
  secret_hash: string | null;
  secret_expires_at: number | null;
  client_name: string | null;
  redirect_uris: string;
  grant_types: string;
  response_types: string;
  token_endpoint_auth_method: string;
  scope: string | null;
  client_uri: string | null;
  logo_uri: string | null;
  source: string;
  created_at: number;
}

/** The `clients` columns, in the order both adapters insert and select them. */
export const CLIENT_COLUMNS = `client_id, kind, secret_hash, secret_expires_at, client_name, redirect_uris,
  grant_types, response_types, token_endpoint_auth_method, scope, client_uri, logo_uri, source,
  created_at`;

const stringList = z.array(z.string());
const kind = z.enum(['oauth', 'resource_server']);
const authMethod = z.enum(['none', 'client_secret_basic', 'client_secret_post']);
const source = z.enum(['dcr', 'cli', 'cimd']);

function parseList(json: string): string[] {
  return stringList.parse(JSON.parse(json));
}

/**
 * A stored row back to a client record; enums and lists are validated, so a
 * corrupted row fails loudly rather than becoming a half-valid client.
 * @see RFC 7591 §2 (client metadata)
 */
export function toClient(row: ClientRow): ClientRecord {
  const client: ClientRecord = {
    clientId: row.client_id,
    kind: kind.parse(row.kind),
    redirectUris: parseList(row.redirect_uris),
    grantTypes: parseList(row.grant_types),
    responseTypes: parseList(row.response_types),
    tokenEndpointAuthMethod: authMethod.parse(row.token_endpoint_auth_method),
    source: source.parse(row.source),
    createdAt: row.created_at,
  };
  // exactOptionalPropertyTypes: an absent column is an absent property, not `undefined`.
  if (row.secret_hash !== null) client.secretHash = row.secret_hash;
  if (row.secret_expires_at !== null) client.secretExpiresAt = row.secret_expires_at;
  if (row.client_name !== null) client.clientName = row.client_name;
  if (row.scope !== null) client.scope = row.scope;
  if (row.client_uri !== null) client.clientUri = row.client_uri;
  if (row.logo_uri !== null) client.logoUri = row.logo_uri;
  return client;
}

/**
 * A client record to its row (absent optional metadata stored as NULL).
 * @see RFC 7591 §2 (client metadata)
 */
export function toClientRow(client: ClientRecord): ClientRow {
  return {
    client_id: client.clientId,
    kind: client.kind,
    secret_hash: client.secretHash ?? null,
    secret_expires_at: client.secretExpiresAt ?? null,
    client_name: client.clientName ?? null,
    redirect_uris: JSON.stringify(client.redirectUris),
    grant_types: JSON.stringify(client.grantTypes),
    response_types: JSON.stringify(client.responseTypes),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scope ?? null,
    client_uri: client.clientUri ?? null,
    logo_uri: client.logoUri ?? null,
    source: client.source,
    created_at: client.createdAt,
  };
}
