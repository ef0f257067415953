import { formatScopes, parseStoredScopes } from '../../oauth/scopes.js';
import type { GrantRecord } from '../ports.js';

/** A `grants` row as the driver returns it. */
export interface GrantRow {
  id: string;
  user_id: string;
  client_id: string;
  scopes: string;
  resource: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  kind: string | null;
  label: string | null;
  last_used_at: number | null;
}

export const GRANT_COLUMNS =
  'id, user_id, client_id, scopes, resource, created_at, expires_at, revoked_at, revoked_reason, kind, label, last_used_at';

/**
 * Maps a row to the port's record; NULL columns become absent properties.
 * @see docs/storage-schema.md#grants
 */
export function toGrant(row: GrantRow): GrantRecord {
  const grant: GrantRecord = {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    scopes: parseStoredScopes(row.scopes),
    resource: row.resource,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
  if (row.revoked_at !== null) grant.revokedAt = row.revoked_at;
  if (row.revoked_reason !== null) grant.revokedReason = row.revoked_reason;
  if (row.kind === 'oauth' || row.kind === 'personal') grant.kind = row.kind;
  if (row.label !== null) grant.label = row.label;
  if (row.last_used_at !== null) grant.lastUsedAt = row.last_used_at;
  return grant;
}

/**
 * Maps a record to a row; scopes are stored in their canonical string form.
 * @see RFC 6749 §3.3
 */
export function toGrantRow(grant: GrantRecord): GrantRow {
  return {
    id: grant.id,
    user_id: grant.userId,
    client_id: grant.clientId,
    scopes: formatScopes(grant.scopes),
    resource: grant.resource,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: grant.revokedAt ?? null,
    revoked_reason: grant.revokedReason ?? null,
    kind: grant.kind ?? null,
    label: grant.label ?? null,
    last_used_at: grant.lastUsedAt ?? null,
  };
}
