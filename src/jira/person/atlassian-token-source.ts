/**
 * A person's Atlassian access token, kept usable: served from memory until
 * a minute before it expires, then refreshed. Atlassian rotates refresh
 * tokens on every use and revokes the whole family when a rotated one is
 * used late, so a refresh token must be exchanged once, by one process,
 * and its successor stored before anything else happens:
 *
 * 1. Within this process, concurrent callers for one person share one refresh.
 * 2. Across processes (SQLite file, DynamoDB table, Lambda containers), the
 *    refresher first takes a lease on the link record with a conditional
 *    write on its version; of concurrent takers exactly one wins. The
 *    others wait and re-read until the winner has stored the new tokens,
 *    then use those. A lease outlives the refresh request's timeout, so it
 *    never runs out while its holder may still be talking to Atlassian.
 * 3. The new refresh token is stored (conditionally, on the lease's version)
 *    before the new access token is used. If Atlassian refuses the refresh
 *    (`invalid_grant`, `unauthorized_client`), the link is marked broken and
 *    the caller gets {@link JiraLinkRequiredError}('broken').
 * 4. Everything taken from a link (cached grant, lease, pending tokens) is
 *    tied to its `linkId` and exact version: after an unlink and a re-link
 *    (versions restart at 1) nothing of the old account is used or written.
 * 5. Once Atlassian has rotated, the new pair is kept in memory until it is
 *    stored: sealing and storing are retried a few times, the lease is
 *    handed back whatever happens, and the next call of this process stores
 *    (and uses) the kept pair instead of the rotated-out refresh token.
 */
import type { Clock } from '../../clock.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import { randomId } from '../../crypto/random.js';
import type { JiraLinkRecord, JiraLinkRepository, JiraLinkVersion } from '../../storage/ports.js';
import { JIRA_ERROR, JiraError } from '../errors.js';
import {
  ATLASSIAN_OAUTH_ERROR,
  AtlassianOAuthError,
  type AtlassianOAuthClient,
} from './atlassian-oauth-client.js';
import { openLinkSecret, sealLinkSecret } from './link-secrets.js';
import { JiraLinkRequiredError } from './link-errors.js';
import type { PersonalJiraLog } from './personal-jira.js';

/** An access token is renewed this long before it expires, so no call carries a dying token. */
export const ACCESS_TOKEN_MARGIN_MS = 60_000;
/** How long a refresh lease holds; well above the refresh request's timeout (10 s). */
export const REFRESH_LEASE_MS = 30_000;
/** Attempts to seal and store a rotated token pair before keeping it in memory only. */
export const STORE_ATTEMPTS = 3;
/** Wait before the second store attempt (doubled before the third). */
const STORE_BACKOFF_MS = 50;

export interface AccessGrant {
  accessToken: string;
  /** `{apiUrl}/ex/jira/{cloudId}`. */
  baseUrl: string;
  expiresAt: number;
  /** The link (generation) these tokens belong to. */
  linkId: string;
  /** The link record's version these tokens belong to. */
  version: number;
}

/** A rotated pair Atlassian issued that is not stored yet. */
interface PendingPair {
  linkId: string;
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
}

export interface AtlassianTokenSourceOptions {
  links: JiraLinkRepository;
  cipher: SecretCipher;
  clock: Clock;
  oauth: AtlassianOAuthClient;
  log?: PersonalJiraLog;
  /** Waits between re-reads while another process refreshes. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Default 50 ms. */
  pollMs?: number;
  /** Default {@link REFRESH_LEASE_MS}. */
  leaseMs?: number;
}

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Access tokens for every linked person of one gateway process.
 * @see RFC 6749 §6
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/ (rotating refresh tokens)
 */
export class AtlassianTokenSource {
  readonly #links: JiraLinkRepository;
  readonly #cipher: SecretCipher;
  readonly #clock: Clock;
  readonly #oauth: AtlassianOAuthClient;
  readonly #log: PersonalJiraLog | undefined;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  /** Identifies this process's leases in the store. */
  readonly #owner = randomId('lease');
  readonly #cache = new Map<string, AccessGrant>();
  readonly #inflight = new Map<string, Promise<AccessGrant>>();
  /** Rotated pairs whose store failed, per person: the only copy of the live refresh token. */
  readonly #pending = new Map<string, PendingPair>();

  constructor(options: AtlassianTokenSourceOptions) {
    this.#links = options.links;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
    this.#oauth = options.oauth;
    this.#log = options.log;
    this.#sleep = options.sleep ?? realSleep;
    this.#pollMs = options.pollMs ?? 50;
    this.#leaseMs = options.leaseMs ?? REFRESH_LEASE_MS;
  }

  /** Remembers tokens just stored by a link, so its first call needs no decrypt. */
  remember(userId: string, grant: AccessGrant): void {
    this.#cache.set(userId, grant);
  }

  /** Forgets a person's token (unlink, re-link). */
  forget(userId: string): void {
    this.#cache.delete(userId);
    this.#pending.delete(userId);
  }

  /**
   * A usable access token for the person. Throws JiraLinkRequiredError when
   * there is no link or it is broken, JiraError('unavailable') when
   * Atlassian cannot refresh it now.
   */
  async access(userId: string, seen: JiraLinkVersion): Promise<AccessGrant> {
    const cached = this.#cache.get(userId);
    // Only the very write the caller saw: any other (re-linked, even at the
    // same version after an unlink; refreshed elsewhere) is read again.
    if (
      cached?.linkId === seen.linkId &&
      cached.version === seen.version &&
      this.#fresh(cached.expiresAt)
    ) {
      return cached;
    }
    return this.#shared(userId, undefined);
  }

  /**
   * Jira refused `accessToken`: refresh unless someone already has. Returns
   * the grant to retry with.
   */
  async renew(userId: string, accessToken: string): Promise<AccessGrant> {
    const cached = this.#cache.get(userId);
    if (cached !== undefined && cached.accessToken === accessToken) this.#cache.delete(userId);
    return this.#shared(userId, accessToken);
  }

  #fresh(expiresAt: number): boolean {
    return expiresAt - ACCESS_TOKEN_MARGIN_MS > this.#clock.now();
  }

  #shared(userId: string, refused: string | undefined): Promise<AccessGrant> {
    const running = this.#inflight.get(userId);
    if (running !== undefined) return running;
    const work = this.#obtain(userId, refused).finally(() => {
      this.#inflight.delete(userId);
    });
    this.#inflight.set(userId, work);
    return work;
  }

  async #obtain(userId: string, refused: string | undefined): Promise<AccessGrant> {
    // Enough rounds to outwait one lease held by a process that then died.
    const rounds = Math.ceil((this.#leaseMs * 2) / this.#pollMs) + 10;
    for (let round = 0; round < rounds; round += 1) {
      const link = await this.#links.get(userId);
      if (link?.kind !== 'atlassian-oauth') throw new JiraLinkRequiredError('missing');
      if (link.status === 'broken') {
        this.#cache.delete(userId);
        throw new JiraLinkRequiredError('broken');
      }
      const kept = this.#pending.get(userId);
      if (kept !== undefined && kept.linkId !== link.linkId) this.#pending.delete(userId);
      const pending = kept?.linkId === link.linkId ? kept : undefined;
      const now = this.#clock.now();
      // Someone is refreshing: wait for their result (re-read, no decrypt,
      // so a waiting Lambda costs storage reads, not KMS calls).
      if (link.lease !== undefined && link.lease.until > now) {
        await this.#sleep(this.#pollMs);
        continue;
      }
      // A kept pair holds the live refresh token; the stored one was rotated out.
      const secret =
        pending ?? (await openLinkSecret(this.#cipher, userId, 'atlassian-oauth', link.ciphertext));
      const usable = this.#fresh(secret.accessExpiresAt) && secret.accessToken !== refused;
      if (usable && pending === undefined) {
        const grant = this.#grantOf(link, secret.accessToken, secret.accessExpiresAt, link.version);
        this.#cache.set(userId, grant);
        return grant;
      }
      const leased = await this.#links.acquireLease(
        userId,
        { linkId: link.linkId, version: link.version },
        { owner: this.#owner, until: now + this.#leaseMs },
        now,
      );
      if (leased === undefined) continue;
      if (usable && pending !== undefined) return this.#store(link, leased, pending);
      return this.#refresh(link, leased, secret.refreshToken);
    }
    throw new JiraError(
      JIRA_ERROR.unavailable,
      'Another gateway process is renewing your Atlassian access and has not finished; try again in a minute.',
    );
  }

  async #refresh(
    link: JiraLinkRecord,
    leasedVersion: number,
    refreshToken: string,
  ): Promise<AccessGrant> {
    const { userId } = link;
    const { lease: _held, ...unleased } = link;
    let tokens;
    try {
      tokens = await this.#oauth.refresh(refreshToken);
    } catch (error) {
      if (error instanceof AtlassianOAuthError && error.code === ATLASSIAN_OAUTH_ERROR.refused) {
        const now = this.#clock.now();
        await this.#links.replace(
          { ...unleased, status: 'broken', brokenAt: now, updatedAt: now },
          leasedVersion,
        );
        this.#cache.delete(userId);
        this.#pending.delete(userId);
        this.#log?.('info', 'Atlassian refused a refresh; the Jira link is broken', {
          userId,
          oauthError: error.oauthError ?? 'none',
        });
        throw new JiraLinkRequiredError('broken');
      }
      // Nothing was exchanged (or we cannot know): hand the lease back so the next call retries.
      await this.#links.replace(unleased, leasedVersion);
      const reason = error instanceof AtlassianOAuthError ? error.message : 'unexpected failure';
      this.#log?.('warn', 'Atlassian token refresh failed', { userId, reason });
      throw new JiraError(
        JIRA_ERROR.unavailable,
        `Could not renew your Atlassian access: ${reason} Try again later.`,
      );
    }
    const pair: PendingPair = {
      linkId: link.linkId,
      accessToken: tokens.accessToken,
      // Atlassian rotates; an answer without one means the old one stays valid.
      refreshToken: tokens.refreshToken ?? refreshToken,
      accessExpiresAt: tokens.expiresAt,
    };
    // From here on the old refresh token is spent: keep the new one until stored.
    this.#pending.set(userId, pair);
    return this.#store(link, leasedVersion, pair);
  }

  /**
   * Stores a rotated pair on the leased record (same linkId, leased
   * version), retrying a KMS or storage failure a few times. The lease is
   * handed back in any case; a pair that could not be stored stays in
   * memory for the next call, and its access token still serves this one.
   */
  async #store(
    link: JiraLinkRecord,
    leasedVersion: number,
    pair: PendingPair,
  ): Promise<AccessGrant> {
    const { userId } = link;
    const { lease: _held, ...unleased } = link;
    let stored: boolean | undefined;
    let failure: unknown;
    try {
      for (let attempt = 1; attempt <= STORE_ATTEMPTS && stored === undefined; attempt += 1) {
        try {
          const ciphertext = await sealLinkSecret(this.#cipher, userId, {
            kind: 'atlassian-oauth',
            accessToken: pair.accessToken,
            refreshToken: pair.refreshToken,
            accessExpiresAt: pair.accessExpiresAt,
          });
          stored = await this.#links.replace(
            {
              ...unleased,
              ciphertext,
              accessExpiresAt: pair.accessExpiresAt,
              updatedAt: this.#clock.now(),
            },
            leasedVersion,
          );
        } catch (error) {
          failure = error;
          if (attempt < STORE_ATTEMPTS) await this.#sleep(STORE_BACKOFF_MS * 2 ** (attempt - 1));
        }
      }
    } finally {
      // Not stored: hand the lease back (best effort; it also runs out by itself).
      if (stored === undefined) {
        await this.#links.replace(unleased, leasedVersion).catch(() => false);
      }
    }
    if (stored === undefined) {
      this.#log?.('warn', 'could not store rotated Atlassian tokens; kept in memory', {
        userId,
        reason: failure instanceof Error ? failure.name : 'unexpected failure',
      });
      if (this.#fresh(pair.accessExpiresAt)) {
        // Usable now, but not cached: the next call tries to store it again.
        return this.#grantOf(link, pair.accessToken, pair.accessExpiresAt, leasedVersion);
      }
      throw new JiraError(
        JIRA_ERROR.unavailable,
        'Could not store your renewed Atlassian access; try again in a minute.',
      );
    }
    if (this.#pending.get(userId) === pair) this.#pending.delete(userId);
    if (!stored) {
      // Someone re-linked (or took an expired lease) meanwhile: their record
      // wins, and these tokens are never used, since they were never stored.
      this.#log?.('warn', 'refreshed Atlassian tokens were superseded before they were stored', {
        userId,
      });
      return this.#obtain(userId, undefined);
    }
    const grant = this.#grantOf(link, pair.accessToken, pair.accessExpiresAt, leasedVersion + 1);
    this.#cache.set(userId, grant);
    return grant;
  }

  #grantOf(
    link: JiraLinkRecord,
    accessToken: string,
    expiresAt: number,
    version: number,
  ): AccessGrant {
    return {
      accessToken,
      baseUrl: `${this.#oauth.apiUrl}/ex/jira/${encodeURIComponent(link.cloudId ?? '')}`,
      expiresAt,
      linkId: link.linkId,
      version,
    };
  }
}
