import type { ActiveToken } from '../ports.js';
import { GRANT_COLUMNS, toGrant, type GrantRow } from './grant-row.js';
import { TOKEN_COLUMNS, toToken, type TokenRow } from './token-row.js';

/** Grant columns renamed with a `g_` prefix so one joined row holds both records. */
export type ActiveTokenRow = TokenRow & { [K in keyof GrantRow as `g_${K}`]: GrantRow[K] };

/** The select list of a `tokens t JOIN grants g` query returning an {@link ActiveTokenRow}. */
export const ACTIVE_TOKEN_COLUMNS = [
  ...TOKEN_COLUMNS.split(',').map((c) => `t.${c.trim()}`),
  ...GRANT_COLUMNS.split(',').map((c) => `g.${c.trim()} AS g_${c.trim()}`),
].join(', ');

/**
 * Splits one joined row into the token and the grant it belongs to.
 * @see RFC 6750 §3.1 (a token is usable only while its grant is)
 */
export function toActiveToken(row: ActiveTokenRow): ActiveToken {
  const grant: GrantRow = {
    id: row.g_id,
    user_id: row.g_user_id,
    client_id: row.g_client_id,
    scopes: row.g_scopes,
    resource: row.g_resource,
    created_at: row.g_created_at,
    expires_at: row.g_expires_at,
    revoked_at: row.g_revoked_at,
    revoked_reason: row.g_revoked_reason,
    kind: row.g_kind,
    label: row.g_label,
    last_used_at: row.g_last_used_at,
  };
  return { token: toToken(row), grant: toGrant(grant) };
}
