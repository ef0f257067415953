/**
 * What a purge deletes, and when: the one place that turns the retention
 * settings and the current time into the cut-offs every adapter applies.
 * @see docs/storage-schema.md#purge
 */
import type { PurgeCutoffs } from './ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long an expired code is kept. A replayed code revokes what it issued,
 * but only a replay racing the legitimate redemption matters: the client
 * redeems within CODE_TTL (at most 60 s), so a day covers it with room to
 * spare; a later replay of a deleted code is refused as unknown all the same.
 * The same window as the DynamoDB TTL of a code item.
 * @see RFC 6749 §4.1.2
 */
export const CODE_RETENTION_AFTER_EXPIRY_MS = DAY_MS;

/** How long an expired token is kept (a reused one is refused as unknown after that). */
export const TOKEN_RETENTION_AFTER_EXPIRY_MS = DAY_MS;

/**
 * How long a grant is kept after it expired or was revoked, so that
 * `grant list` still shows recent revocations to an administrator.
 */
export const ENDED_GRANT_RETENTION_MS = 30 * DAY_MS;

export interface RetentionSettings {
  /** Registered clients with no grant are deleted this long after creation; 0 keeps them. */
  unusedClientTtlSeconds: number;
  /** Audit events older than this many days are deleted; 0 keeps them forever. */
  auditRetentionDays: number;
}

/**
 * The cut-offs for a purge at `now`: sessions and counter windows go as
 * soon as they end, codes and tokens a day after, grants 30 days after they
 * ended, unused clients after UNUSED_CLIENT_TTL.
 * @see RFC 6749 §10.5
 */
export function purgeCutoffs(now: number, settings: RetentionSettings): PurgeCutoffs {
  return {
    codesExpiredBefore: now - CODE_RETENTION_AFTER_EXPIRY_MS,
    tokensExpiredBefore: now - TOKEN_RETENTION_AFTER_EXPIRY_MS,
    sessionsExpiredBefore: now,
    countersExpiredBefore: now,
    grantsEndedBefore: now - ENDED_GRANT_RETENTION_MS,
    ...(settings.unusedClientTtlSeconds > 0
      ? { unusedClientsCreatedBefore: now - settings.unusedClientTtlSeconds * 1000 }
      : {}),
  };
}

/**
 * The time before which audit events are purged, or undefined when they are kept forever.
 * @see docs/security.md#audit-chain
 */
export function auditCutoff(now: number, settings: RetentionSettings): number | undefined {
  return settings.auditRetentionDays > 0 ? now - settings.auditRetentionDays * DAY_MS : undefined;
}
