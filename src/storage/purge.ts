/**
 * One purge run over a store: every kind of expired record, then audit
 * retention, each in bounded batches so that a purge never holds up other
 * writes for long.
 * @see docs/storage-schema.md#purge
 */
import { auditCutoff, purgeCutoffs, type RetentionSettings } from './purge-policy.js';
import type { AuditAnchor, PurgeKind, Storage } from './ports.js';

/** Rows per batch: one short transaction on SQLite (milliseconds), a few requests on DynamoDB. */
export const PURGE_BATCH_SIZE = 500;

/** In this order: grants before clients, since a client with grants left is not unused. */
export const PURGE_KINDS: readonly PurgeKind[] = [
  'codes',
  'tokens',
  'sessions',
  'counters',
  'grants',
  'clients',
];

export interface PurgeReport {
  deleted: Record<PurgeKind, number>;
  /** Audit events deleted by retention. */
  auditEvents: number;
  /** The cut-off applied to audit events; absent when they are kept forever. */
  auditBefore?: number;
  /** The audit chain's anchor after the run. */
  auditAnchor: AuditAnchor;
}

/**
 * Deletes what the retention settings say is done with, as of `now`.
 * Batches run one after another, each awaited, so other writes interleave.
 * @see RFC 6749 §10.5
 */
export async function purgeStorage(
  storage: Storage,
  now: number,
  settings: RetentionSettings,
  batchSize: number = PURGE_BATCH_SIZE,
): Promise<PurgeReport> {
  const cutoffs = purgeCutoffs(now, settings);
  const deleted: Record<PurgeKind, number> = {
    codes: 0,
    tokens: 0,
    sessions: 0,
    counters: 0,
    grants: 0,
    clients: 0,
  };
  for (const kind of PURGE_KINDS) {
    for (;;) {
      const n = await storage.purge.purgeBatch(kind, cutoffs, batchSize);
      deleted[kind] += n;
      if (n < batchSize) break;
    }
  }
  const before = auditCutoff(now, settings);
  let auditEvents = 0;
  let anchor = (await storage.audit.chainState()).anchor;
  if (before !== undefined) {
    for (;;) {
      const result = await storage.audit.purgeBefore(before, batchSize, now);
      auditEvents += result.deleted;
      anchor = result.anchor;
      if (result.deleted < batchSize) break;
    }
  }
  return {
    deleted,
    auditEvents,
    auditAnchor: anchor,
    ...(before === undefined ? {} : { auditBefore: before }),
  };
}
