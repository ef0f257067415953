import { parseStoredScopes } from '../../oauth/scopes.js';
import type { AuthorizationCodeRecord } from '../ports.js';

/** One `authorization_codes` row, identical in the SQLite and PostgreSQL schemas. */
export interface CodeRow {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  resource: string;
  scopes: string;
  code_challenge: string;
  grant_id: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** The `authorization_codes` columns, in the order both adapters use. */
export const CODE_COLUMNS = `code_hash, client_id, user_id, redirect_uri, resource, scopes, code_challenge,
  grant_id, created_at, expires_at, consumed_at`;

/**
 * A stored row back to an authorization code record.
 * @see RFC 6749 §4.1.2
 */
export function toCode(row: CodeRow): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    resource: row.resource,
    scopes: parseStoredScopes(row.scopes),
    codeChallenge: row.code_challenge,
    grantId: row.grant_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
