import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Storage } from '../storage/ports.js';
import type { ClientDirectory } from './client-directory.js';

/** What the authorization server's domain functions need, injected. */
export interface OAuthContext {
  issuer: string;
  resource: string;
  storage: Storage;
  clients: ClientDirectory;
  clock: Clock;
  audit: AuditLog;
  lifetimes: {
    accessTokenSeconds: number;
    refreshTokenSeconds: number;
    grantSeconds: number;
    codeSeconds: number;
    /**
     * REFRESH_REUSE_INTERVAL: how long a rotated refresh token may be
     * presented again (parallel refreshes) before it counts as reuse; 0: never.
     */
    refreshReuseIntervalSeconds: number;
  };
  /**
   * PERSONAL_ACCESS_TOKENS and PERSONAL_ACCESS_TOKEN_MAX_DAYS. Absent: off,
   * and introspection answers every personal access token inactive.
   */
  personalAccessTokens?: { enabled: boolean; maxDays: number };
  /** Told when recording a grant's last use failed; the request goes on (see grant-use.ts). */
  onGrantUseError?: (error: unknown) => void;
}

/** Where a request came from, for the audit trail. */
export interface RequestOrigin {
  requestId?: string;
  ip?: string;
}

/** Copies only the defined fields, for `exactOptionalPropertyTypes`. */
export function originFields(origin: RequestOrigin): { requestId?: string; ip?: string } {
  const out: { requestId?: string; ip?: string } = {};
  if (origin.requestId !== undefined) out.requestId = origin.requestId;
  if (origin.ip !== undefined) out.ip = origin.ip;
  return out;
}
