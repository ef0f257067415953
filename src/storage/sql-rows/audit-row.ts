import { z } from 'zod';
import type { AuditAnchor, AuditEvent } from '../ports.js';

/**
 * The event fields of an `audit_events` row, identical in both SQL schemas
 * (each adapter adds the chain columns `seq`, `prev_hash`, `hash` as its
 * queries return them).
 */
export interface AuditEventRow {
  id: string;
  at: number;
  type: string;
  outcome: string;
  user_id: string | null;
  username: string | null;
  client_id: string | null;
  grant_id: string | null;
  request_id: string | null;
  ip: string | null;
  detail: string | null;
}

/** The one `audit_chain` row: the anchor (oldest kept link) and the head. */
export interface AuditChainRow {
  anchor_seq: number;
  anchor_hash: string;
  anchor_at: number | null;
  purged: number;
  head_seq: number;
  head_hash: string;
}

const outcome = z.enum(['success', 'failure']);
const detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/**
 * A stored row back to an audit event; `outcome` and `detail` are validated
 * so a hand-edited row fails loudly.
 * @see docs/storage-schema.md#audit_events
 */
export function toAuditEvent(row: AuditEventRow): AuditEvent {
  const event: AuditEvent = {
    id: row.id,
    at: row.at,
    type: row.type,
    outcome: outcome.parse(row.outcome),
  };
  if (row.user_id !== null) event.userId = row.user_id;
  if (row.username !== null) event.username = row.username;
  if (row.client_id !== null) event.clientId = row.client_id;
  if (row.grant_id !== null) event.grantId = row.grant_id;
  if (row.request_id !== null) event.requestId = row.request_id;
  if (row.ip !== null) event.ip = row.ip;
  if (row.detail !== null) event.detail = detail.parse(JSON.parse(row.detail));
  return event;
}

/**
 * The chain row's anchor as the port reports it.
 * @see docs/storage-schema.md#audit_events
 */
export function toAuditAnchor(row: AuditChainRow): AuditAnchor {
  return {
    seq: row.anchor_seq,
    hash: row.anchor_hash,
    purged: row.purged,
    ...(row.anchor_at === null ? {} : { movedAt: row.anchor_at }),
  };
}
