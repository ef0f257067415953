/**
 * The audit trail's hash chain: each event's hash covers its position, its
 * content and the previous event's hash, so altering, removing, inserting or
 * reordering any event breaks every link after it. Pure functions; both
 * storage adapters and `audit verify` use them, so a store and the verifier
 * can never disagree about the form that is hashed.
 *
 * Threat model (docs/security.md#audit-chain): the chain is unkeyed SHA-256.
 * It proves that the trail is intact against anything that does not
 * recompute the chain (bugs, partial restores, hand edits, a careless
 * administrator); someone with write access to the store who recomputes
 * every later hash is detected only against a head recorded elsewhere (the
 * server logs the head at every purge run; `audit verify --expect` checks it).
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../storage/ports.js';

/** The `prevHash` of the first event of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** A SHA-256 hex digest, as every `hash` and `prevHash` is written. */
export const CHAIN_HASH_PATTERN = /^[0-9a-f]{64}$/;

function sortedDetail(detail: AuditEvent['detail']): [string, unknown][] | null {
  if (detail === undefined) return null;
  return Object.keys(detail)
    .sort()
    .map((key) => [key, detail[key]]);
}

/**
 * The exact text that is hashed for an event: a JSON array of every field in
 * a fixed order (absent fields as `null`, detail entries sorted by key), so
 * that two stores holding the same event hash it the same way whatever order
 * they return detail keys in.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
export function canonicalEvent(seq: number, event: AuditEvent): string {
  return JSON.stringify([
    seq,
    event.id,
    event.at,
    event.type,
    event.outcome,
    event.userId ?? null,
    event.username ?? null,
    event.clientId ?? null,
    event.grantId ?? null,
    event.requestId ?? null,
    event.ip ?? null,
    sortedDetail(event.detail),
  ]);
}

/**
 * The chain hash of the event at `seq`: SHA-256 over the previous hash, a
 * newline, and the canonical event, as lowercase hex.
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
export function chainHash(prevHash: string, seq: number, event: AuditEvent): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalEvent(seq, event))
    .digest('hex');
}
