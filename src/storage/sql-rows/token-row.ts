import { formatScopes, parseStoredScopes } from '../../oauth/scopes.js';
import type { TokenKind, TokenRecord } from '../ports.js';

/** A `tokens` row as the driver returns it. */
export interface TokenRow {
  token_hash: string;
  kind: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scopes: string;
  resource: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  rotated_at: number | null;
  parent_hash: string | null;
  successor_hash: string | null;
}

export const TOKEN_COLUMNS = `token_hash, kind, grant_id, client_id, user_id, scopes, resource,
  issued_at, expires_at, revoked_at, rotated_at, parent_hash, successor_hash`;

function toKind(value: string): TokenKind {
  if (value === 'access' || value === 'refresh') {
    return value;
  }
  // The column has a CHECK constraint, so this means the file was edited by hand.
  throw new Error('tokens.kind holds an unknown value');
}

/**
 * Maps a row to the port's record; NULL columns become absent properties.
 * @see docs/storage-schema.md#tokens
 */
export function toToken(row: TokenRow): TokenRecord {
  const token: TokenRecord = {
    tokenHash: row.token_hash,
    kind: toKind(row.kind),
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: parseStoredScopes(row.scopes),
    resource: row.resource,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
  if (row.revoked_at !== null) token.revokedAt = row.revoked_at;
  if (row.rotated_at !== null) token.rotatedAt = row.rotated_at;
  if (row.parent_hash !== null) token.parentHash = row.parent_hash;
  if (row.successor_hash !== null) token.successorHash = row.successor_hash;
  return token;
}

/**
 * Maps a record to a row; scopes are stored in their canonical string form.
 * @see RFC 6749 §3.3
 */
export function toTokenRow(token: TokenRecord): TokenRow {
  return {
    token_hash: token.tokenHash,
    kind: token.kind,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: formatScopes(token.scopes),
    resource: token.resource,
    issued_at: token.issuedAt,
    expires_at: token.expiresAt,
    revoked_at: token.revokedAt ?? null,
    rotated_at: token.rotatedAt ?? null,
    parent_hash: token.parentHash ?? null,
    successor_hash: token.successorHash ?? null,
  };
}
