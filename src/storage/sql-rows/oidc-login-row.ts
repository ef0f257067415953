import type { OidcLoginRecord } from '../ports.js';

/** One `oidc_logins` row, identical in the SQLite and PostgreSQL schemas. */
export interface OidcLoginRow {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  request: string;
  created_at: number;
  expires_at: number;
}

/** The `oidc_logins` columns, in the order both adapters use. */
export const OIDC_LOGIN_COLUMNS =
  'id_hash, state, nonce, code_verifier, request, created_at, expires_at';

/**
 * A stored row back to a sign-in in flight.
 * @see OpenID Connect Core 1.0 §3.1.2.1 (state, nonce); RFC 7636 §4.1
 */
export function toOidcLogin(row: OidcLoginRow): OidcLoginRecord {
  return {
    idHash: row.id_hash,
    state: row.state,
    nonce: row.nonce,
    codeVerifier: row.code_verifier,
    request: row.request,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * A sign-in record to its row.
 * @see OpenID Connect Core 1.0 §3.1.2.1
 */
export function toOidcLoginRow(login: OidcLoginRecord): OidcLoginRow {
  return {
    id_hash: login.idHash,
    state: login.state,
    nonce: login.nonce,
    code_verifier: login.codeVerifier,
    request: login.request,
    created_at: login.createdAt,
    expires_at: login.expiresAt,
  };
}
