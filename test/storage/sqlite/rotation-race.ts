/**
 * What the parent test and the worker process of the cross-process rotation
 * race share: the message protocol and how each side builds its offer.
 * Kept apart from the worker so importing it runs nothing.
 */
import { hashSecret } from '../../../src/crypto/hash.js';
import { randomToken } from '../../../src/crypto/random.js';
import type { RotateRefreshResult, TokenRecord } from '../../../src/storage/ports.js';

export interface RaceTarget {
  hash: string;
  grantId: string;
}

export interface RaceOutcome {
  hash: string;
  status: RotateRefreshResult['status'];
  /** The replacement this side offered. */
  replacement: string;
}

export interface GoMessage {
  type: 'go';
  /** Wall-clock ms at which both sides start, so their loops overlap. */
  startAt: number;
  now: number;
  targets: RaceTarget[];
  /** REFRESH_REUSE_INTERVAL in ms; 0 is strict rotation. */
  reuseIntervalMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; results: RaceOutcome[] }
  | { type: 'failed'; message: string };

/** A replacement refresh token in the target's grant. */
export function replacementFor(target: RaceTarget, now: number): TokenRecord {
  return {
    tokenHash: hashSecret(randomToken()),
    kind: 'refresh',
    grantId: target.grantId,
    clientId: 'cli_race',
    userId: 'usr_race',
    scopes: ['jira:read'],
    resource: 'https://gateway.example/mcp',
    issuedAt: now,
    expiresAt: now + 86_400_000,
    parentHash: target.hash,
  };
}

/** Resolves at wall-clock `startAt`; a start barrier, not a wait for expiry. */
export function waitUntil(startAt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
}

/** Rotates every target in order with a fresh replacement, recording each outcome. */
export async function rotateAll(
  rotate: (
    hash: string,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs: number,
  ) => Promise<RotateRefreshResult>,
  targets: readonly RaceTarget[],
  now: number,
  reuseIntervalMs = 0,
): Promise<RaceOutcome[]> {
  const results: RaceOutcome[] = [];
  for (const target of targets) {
    const replacement = replacementFor(target, now);
    const result = await rotate(target.hash, now, [replacement], reuseIntervalMs);
    results.push({ hash: target.hash, status: result.status, replacement: replacement.tokenHash });
  }
  return results;
}
