import type { JiraLinkRecord } from '../ports.js';

/**
 * One `jira_links` row. `ciphertext` is a BLOB in SQLite and a BYTEA in
 * PostgreSQL; both drivers return bytes (PostgreSQL a Buffer, a Uint8Array),
 * so the shared type says only Uint8Array.
 */
export interface JiraLinkRow {
  user_id: string;
  link_id: string;
  kind: JiraLinkRecord['kind'];
  status: JiraLinkRecord['status'];
  version: number;
  ciphertext: Uint8Array;
  account_id: string;
  display_name: string;
  email: string | null;
  site_url: string;
  cloud_id: string | null;
  access_expires_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  broken_at: number | null;
}

/** One `jira_link_states` row, identical in both schemas. */
export interface JiraLinkStateRow {
  state_hash: string;
  user_id: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

/** The `jira_links` columns, in the order both adapters use. */
export const JIRA_LINK_COLUMNS =
  'user_id, link_id, kind, status, version, ciphertext, account_id, display_name, email, site_url, cloud_id, access_expires_at, lease_owner, lease_until, created_at, updated_at, broken_at';
/** The `jira_link_states` columns, in the order both adapters use. */
export const JIRA_LINK_STATE_COLUMNS = 'state_hash, user_id, return_to, created_at, expires_at';

/**
 * A stored row back to a Jira link; a lease needs both its owner and its end.
 * @see docs/storage-schema.md#jira_links
 */
export function toJiraLink(row: JiraLinkRow): JiraLinkRecord {
  const link: JiraLinkRecord = {
    userId: row.user_id,
    linkId: row.link_id,
    kind: row.kind,
    status: row.status,
    version: row.version,
    // A plain copy, so callers never hold a Buffer tied to the driver.
    ciphertext: Uint8Array.from(row.ciphertext),
    accountId: row.account_id,
    displayName: row.display_name,
    siteUrl: row.site_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.email !== null) link.email = row.email;
  if (row.cloud_id !== null) link.cloudId = row.cloud_id;
  if (row.access_expires_at !== null) link.accessExpiresAt = row.access_expires_at;
  if (row.lease_owner !== null && row.lease_until !== null) {
    link.lease = { owner: row.lease_owner, until: row.lease_until };
  }
  if (row.broken_at !== null) link.brokenAt = row.broken_at;
  return link;
}
