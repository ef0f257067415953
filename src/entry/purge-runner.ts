/**
 * Runs a purge and records it: the `purge` command and the server's
 * periodic purge share this, so both delete the same things and leave the
 * same trace (audit events, and the chain head in the log).
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../http/logger.js';
import type { Storage } from '../storage/ports.js';
import { purgeStorage, type PurgeReport } from '../storage/purge.js';
import type { RetentionSettings } from '../storage/purge-policy.js';

export interface PurgeDeps {
  storage: Storage;
  audit: AuditLog;
  clock: Clock;
  settings: RetentionSettings;
  /** Recorded as the events' `ip`: `cli` for the command, `server` for the periodic run. */
  origin: 'cli' | 'server';
}

/**
 * One purge, then its audit events: `audit.purged` whenever audit events
 * were deleted (how many, through which position, recorded before when),
 * so retention is never silent, and `purge.completed` when other records
 * were.
 * @see RFC 6749 §10.5
 */
export async function runPurge(deps: PurgeDeps): Promise<PurgeReport> {
  const report = await purgeStorage(deps.storage, deps.clock.now(), deps.settings);
  if (report.auditEvents > 0 && report.auditBefore !== undefined) {
    await deps.audit.record({
      type: AUDIT_EVENT.auditPurged,
      outcome: 'success',
      ip: deps.origin,
      detail: {
        events: report.auditEvents,
        throughSeq: report.auditAnchor.seq,
        before: new Date(report.auditBefore).toISOString(),
        retentionDays: deps.settings.auditRetentionDays,
      },
    });
  }
  const total = Object.values(report.deleted).reduce((sum, n) => sum + n, 0);
  if (total > 0) {
    await deps.audit.record({
      type: AUDIT_EVENT.purgeCompleted,
      outcome: 'success',
      ip: deps.origin,
      // `tokens` as a key would be taken for a credential and redacted.
      detail: {
        codes: report.deleted.codes,
        accessAndRefresh: report.deleted.tokens,
        sessions: report.deleted.sessions,
        counters: report.deleted.counters,
        grants: report.deleted.grants,
        clients: report.deleted.clients,
      },
    });
  }
  return report;
}

export interface PeriodicPurge {
  stop(): Promise<void>;
}

/**
 * Purges every `intervalSeconds` (the first run one interval, at most a
 * minute, after start), one run at a time. Each run logs the audit chain's
 * head: the log lives apart from the store, so a chain rewritten later can
 * be checked against it (`audit verify --expect SEQ:HASH`). A failed run is
 * logged and the next one tries again.
 * @see docs/security.md#audit-chain
 */
export function startPeriodicPurge(
  deps: Omit<PurgeDeps, 'origin'>,
  intervalSeconds: number,
  logger: Logger,
): PeriodicPurge {
  let running: Promise<void> | undefined;
  const runOnce = (): void => {
    if (running !== undefined) return;
    running = (async () => {
      try {
        const report = await runPurge({ ...deps, origin: 'server' });
        const { end } = await deps.storage.audit.chainState();
        logger.info('purge', {
          ...report.deleted,
          auditEvents: report.auditEvents,
          auditAnchorSeq: report.auditAnchor.seq,
          auditHeadSeq: end.seq,
          auditHeadHash: end.hash,
        });
      } catch (error) {
        logger.error('purge failed', {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      } finally {
        running = undefined;
      }
    })();
  };
  const intervalMs = intervalSeconds * 1000;
  const first = setTimeout(runOnce, Math.min(intervalMs, 60_000));
  const every = setInterval(runOnce, intervalMs);
  // A purge never keeps the process alive on its own.
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
