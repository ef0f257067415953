import type { AuditEvent } from '../storage/ports.js';

export type AuditDetail = NonNullable<AuditEvent['detail']>;

/** Detail keys that name a credential; their values are never written. */
export const SECRET_KEY_PATTERN = /token|secret|password|code_verifier|authorization|credential/i;

/**
 * A run of 43 or more base64url characters: the shape of our random tokens,
 * codes and client secrets (and of their SHA-256 hashes), and of anything
 * longer that is likely a credential too, such as a JWT segment.
 */
export const TOKEN_SHAPE_PATTERN = /[A-Za-z0-9_-]{43,}/;

export interface RedactedDetail {
  detail: AuditDetail;
  /** Keys that were dropped, in input order. */
  dropped: string[];
}

/**
 * Drops every detail entry whose key names a credential or whose value looks
 * like one, keeping the rest. Key names are kept in `dropped`; they are not
 * secret, and they show that a caller tried to record something it must not.
 * @see RFC 6749 §10.3
 * @see RFC 6749 §10.4
 */
export function redactDetail(detail: AuditDetail): RedactedDetail {
  const kept: AuditDetail = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    const looksSecret =
      SECRET_KEY_PATTERN.test(key) ||
      (typeof value === 'string' && TOKEN_SHAPE_PATTERN.test(value));
    if (looksSecret) {
      dropped.push(key);
    } else {
      kept[key] = value;
    }
  }
  return { detail: kept, dropped };
}
