/**
 * The 3LO grant rules the sandbox enforces, as Atlassian documents them:
 * codes are single-use and live 10 minutes; access tokens live an hour;
 * with `offline_access` a refresh token comes along and rotates on every
 * use; a rotated token still works for a reuse leeway (10 minutes), and a
 * reuse after it revokes the whole family; each refresh token expires
 * after 90 days unused, and a family 365 days after consent.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { hashSecret } from '../../crypto/hash.js';
import { randomId, randomToken } from '../../crypto/random.js';
import type { AccessRow, AtlassianTokenStore } from './token-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface GrantLifetimes {
  codeMs: number;
  accessMs: number;
  reuseLeewayMs: number;
  refreshInactivityMs: number;
  familyAbsoluteMs: number;
}

/** Atlassian's documented lifetimes. */
export const ATLASSIAN_LIFETIMES: GrantLifetimes = {
  codeMs: 10 * MINUTE_MS,
  accessMs: 60 * MINUTE_MS,
  reuseLeewayMs: 10 * MINUTE_MS,
  refreshInactivityMs: 90 * DAY_MS,
  familyAbsoluteMs: 365 * DAY_MS,
};

/** What tests read to see what happened. Counted since the sandbox started. */
export interface GrantCounters {
  codesRedeemed: number;
  /** Successful refresh-token exchanges (including reuses within the leeway). */
  refreshes: number;
  /** Exchanges of an already rotated token within the leeway. */
  reusesWithinLeeway: number;
  /** Families revoked by a reuse after the leeway or a replayed code. */
  familiesRevoked: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
}

export interface CodeRequest {
  clientId: string;
  accountId: string;
  scopes: readonly string[];
  redirectUri: string;
  codeChallenge?: string;
}

/** Why a grant was refused; the token route turns it into Atlassian's answer. */
export type GrantFailure = 'invalid_code' | 'pkce' | 'invalid_refresh';

export class GrantError extends Error {
  constructor(readonly failure: GrantFailure) {
    super(failure);
    this.name = 'GrantError';
  }
}

/** The sandbox's grant book: issues codes and tokens, rotates, revokes. */
export class AtlassianGrants {
  readonly counters: GrantCounters = {
    codesRedeemed: 0,
    refreshes: 0,
    reusesWithinLeeway: 0,
    familiesRevoked: 0,
  };

  constructor(
    private readonly store: AtlassianTokenStore,
    private readonly clock: Clock,
    readonly lifetimes: GrantLifetimes,
  ) {}

  /**
   * A new single-use authorization code for a consent.
   * @see RFC 6749 §4.1.2
   */
  issueCode(request: CodeRequest): string {
    const now = this.clock.now();
    const code = randomToken();
    this.store.prune(now - DAY_MS);
    this.store.insertCode({
      codeHash: hashSecret(code),
      clientId: request.clientId,
      accountId: request.accountId,
      scope: request.scopes.join(' '),
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge ?? null,
      expiresAt: now + this.lifetimes.codeMs,
      familyId: null,
      usedAt: null,
    });
    return code;
  }

  /**
   * Exchanges a code (once) for tokens. A replayed code revokes what it issued.
   * @see RFC 6749 §4.1.3
   * @see RFC 6749 §4.1.2 (a code used twice: revoke the tokens it issued)
   * @see RFC 7636 §4.6
   */
  redeemCode(input: {
    code: string;
    clientId: string;
    redirectUri: string;
    codeVerifier?: string;
  }): IssuedTokens {
    const now = this.clock.now();
    const codeHash = hashSecret(input.code);
    // Failures are returned, not thrown, inside the transaction: a throw would roll
    // back the "used" mark and the revocation along with everything else.
    return settle(
      this.store.transaction((): IssuedTokens | GrantFailure => {
        const row = this.store.findCode(codeHash);
        if (row === undefined) return 'invalid_code';
        if (!this.store.markCodeUsed(codeHash, now)) {
          if (row.familyId !== null) {
            this.#revoke(row.familyId, now);
            this.store.deleteFamilyAccessTokens(row.familyId);
          }
          return 'invalid_code';
        }
        if (
          row.expiresAt <= now ||
          row.clientId !== input.clientId ||
          row.redirectUri !== input.redirectUri
        ) {
          return 'invalid_code';
        }
        if (row.codeChallenge !== null && !pkceMatches(row.codeChallenge, input.codeVerifier)) {
          return 'pkce';
        }
        const familyId = randomId('fam');
        this.store.insertFamily({
          id: familyId,
          clientId: row.clientId,
          accountId: row.accountId,
          scope: row.scope,
          createdAt: now,
          expiresAt: now + this.lifetimes.familyAbsoluteMs,
          revokedAt: null,
        });
        this.store.setCodeFamily(codeHash, familyId);
        this.counters.codesRedeemed += 1;
        return this.#issue(familyId, row.accountId, row.scope, now);
      }),
    );
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token.
   * @see RFC 6749 §6
   * @see draft-ietf-oauth-v2-1-13 §4.3.1 (refresh token rotation)
   */
  refresh(input: { refreshToken: string; clientId: string }): IssuedTokens {
    const now = this.clock.now();
    const tokenHash = hashSecret(input.refreshToken);
    // Immediate: two exchanges of one token serialise, so exactly one is the rotation.
    return settle(
      this.store.transaction((): IssuedTokens | GrantFailure => {
        const row = this.store.findRefresh(tokenHash);
        const family = row === undefined ? undefined : this.store.findFamily(row.familyId);
        if (row === undefined || family === undefined) return 'invalid_refresh';
        if (
          family.revokedAt !== null ||
          family.clientId !== input.clientId ||
          family.expiresAt <= now ||
          row.expiresAt <= now
        ) {
          return 'invalid_refresh';
        }
        if (row.rotatedAt !== null) {
          // Leeway 0 means no reuse at all, not "reuse within the same millisecond".
          if (now - row.rotatedAt >= this.lifetimes.reuseLeewayMs) {
            this.#revoke(family.id, now);
            return 'invalid_refresh';
          }
          this.counters.reusesWithinLeeway += 1;
        } else {
          this.store.markRotated(tokenHash, now);
        }
        this.counters.refreshes += 1;
        return this.#issue(family.id, family.accountId, family.scope, now);
      }),
    );
  }

  /**
   * The access token's grant when it is known and unexpired.
   * @see RFC 6750 §3.1
   */
  verifyAccess(accessToken: string): AccessRow | undefined {
    const row = this.store.findAccess(hashSecret(accessToken));
    if (row === undefined || row.expiresAt <= this.clock.now()) return undefined;
    return row;
  }

  #revoke(familyId: string, now: number): void {
    if (this.store.revokeFamily(familyId, now)) this.counters.familiesRevoked += 1;
  }

  #issue(familyId: string, accountId: string, scope: string, now: number): IssuedTokens {
    const accessToken = randomToken();
    this.store.insertAccess({
      tokenHash: hashSecret(accessToken),
      familyId,
      accountId,
      scope,
      expiresAt: now + this.lifetimes.accessMs,
    });
    const issued: IssuedTokens = {
      accessToken,
      expiresInSeconds: Math.floor(this.lifetimes.accessMs / 1000),
      scope,
    };
    if (scope.split(' ').includes('offline_access')) {
      const refreshToken = randomToken();
      this.store.insertRefresh({
        tokenHash: hashSecret(refreshToken),
        familyId,
        issuedAt: now,
        expiresAt: now + this.lifetimes.refreshInactivityMs,
        rotatedAt: null,
      });
      issued.refreshToken = refreshToken;
    }
    return issued;
  }
}

function settle(result: IssuedTokens | GrantFailure): IssuedTokens {
  if (typeof result === 'string') throw new GrantError(result);
  return result;
}

/** S256: BASE64URL(SHA256(verifier)) equals the challenge. @see RFC 7636 §4.6 */
function pkceMatches(challenge: string, verifier: string | undefined): boolean {
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier, 'ascii').digest('base64url') === challenge;
}
