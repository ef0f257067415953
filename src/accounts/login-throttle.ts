/**
 * Throttles password guessing at the login form: attempts are counted per
 * username and per client IP in a 15-minute window held in the shared store,
 * so every gateway process (or Lambda) sees the same counts.
 *
 * An attempt is reserved, atomically, before its password is verified: a
 * check-then-count design lets every request of a parallel burst pass the
 * check before any of them is counted (40 parallel guesses, all verified,
 * against a limit of 5). Refused attempts are counted apart, so the audit
 * trail can record them by the power of ten instead of one row each.
 */
import type { Clock } from '../clock.js';
import type { CounterRepository, CounterReservation } from '../storage/ports.js';
import { ipBucket } from './ip-bucket.js';
import { normalizeUsername, USERNAME_PATTERN } from './users.js';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Many people may share one address (office NAT), so the IP limit is looser. */
export const PER_IP_FACTOR = 4;
export const DEFAULT_LOGIN_MAX_FAILURES = 5;

/** A reserved attempt, to hand back to {@link LoginThrottle.recordSuccess} if the password was right. */
export interface LoginAttempt {
  readonly userKey: string;
  readonly ipKey: string;
  /** End of the IP window the attempt was reserved in. */
  readonly ipWindowEnd: number;
}

/** Which limit refused an attempt. */
export type ThrottleScope = 'user' | 'ip';

export type ThrottleDecision =
  | { allowed: true; attempt: LoginAttempt }
  | {
      allowed: false;
      retryAfterSeconds: number;
      limitedBy: ThrottleScope;
      /** How many attempts this limit has refused in its current window, this one included. */
      refusedInWindow: number;
      /**
       * True for the 1st, 10th, 100th, … refusal of a window: only these
       * are worth an audit row, so a flood of refusals writes a handful of
       * rows (their count in the last one) instead of one each.
       */
      audit: boolean;
    };

export interface LoginThrottleOptions {
  /** Failures per username per window (`LOGIN_MAX_FAILURES`); per IP it is 4× this. */
  maxFailures?: number;
}

function userKey(username: string): string {
  const name = normalizeUsername(username);
  // Names that can never log in share one counter, so arbitrary input cannot
  // mint unbounded keys (the per-IP counter still limits the sender).
  return `login:user:${USERNAME_PATTERN.test(name) ? name : '~invalid'}`;
}

function ipKey(ip: string): string {
  return `login:ip:${ipBucket(ip)}`;
}

/**
 * True for 1, 10, 100, …: the refusals of a window that are audited, so the
 * rows a flood writes grow with the logarithm of its size.
 * @see OWASP Logging Cheat Sheet ("Event attributes": aggregate repeated events)
 */
export function isAuditedRefusal(refusedInWindow: number): boolean {
  let n = refusedInWindow;
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 10 === 0) n /= 10;
  return n === 1;
}

export class LoginThrottle {
  readonly #counters: CounterRepository;
  readonly #clock: Clock;
  readonly #maxPerUser: number;
  readonly #maxPerIp: number;

  constructor(counters: CounterRepository, clock: Clock, options: LoginThrottleOptions = {}) {
    const max = options.maxFailures ?? DEFAULT_LOGIN_MAX_FAILURES;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError('maxFailures must be a positive integer');
    }
    this.#counters = counters;
    this.#clock = clock;
    this.#maxPerUser = max;
    this.#maxPerIp = max * PER_IP_FACTOR;
  }

  /**
   * Reserves one login attempt for `username` from `ip`, counting it against
   * both limits before the password is verified; verify only when allowed.
   * The attempt stays counted unless {@link LoginThrottle.recordSuccess}
   * follows, so a failed one needs no further call. The address is reserved
   * first: an address past its limit then writes no username counter at
   * all, so it cannot fill the store by naming ever new usernames (only
   * attempts within the address's limit ever create one). A refusal by the
   * username's limit gives the address its slot back. A refused attempt is
   * not counted against the limits (the window still ends on time), only in
   * a separate tally of refusals. `retryAfterSeconds` suits `Retry-After`.
   * @see OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks"
   * @see RFC 9110 §10.2.3 (Retry-After)
   */
  async reserve(username: string, ip: string): Promise<ThrottleDecision> {
    const now = this.#clock.now();
    const end = now + LOGIN_WINDOW_MS;
    const attempt = { userKey: userKey(username), ipKey: ipKey(ip) };
    const address = await this.#counters.reserve(attempt.ipKey, now, end, this.#maxPerIp);
    if (!address.reserved) {
      // Report the later end when the username is locked as well, so the
      // person who waits as told is not refused again (a read: it creates nothing).
      const user = await this.#counters.get(attempt.userKey, now);
      const locked = user !== undefined && user.count >= this.#maxPerUser;
      const until = locked ? Math.max(user.expiresAt, address.expiresAt) : address.expiresAt;
      return this.#refuse('ip', attempt.ipKey, address, until, now);
    }
    const user = await this.#counters.reserve(attempt.userKey, now, end, this.#maxPerUser);
    if (!user.reserved) {
      await this.#counters.release(attempt.ipKey, address.expiresAt);
      return this.#refuse('user', attempt.userKey, user, user.expiresAt, now);
    }
    return { allowed: true, attempt: { ...attempt, ipWindowEnd: address.expiresAt } };
  }

  /**
   * After a good password: clears the username's count and gives the IP
   * slot back, so a success costs the address nothing (an office NAT of
   * many people signing in is not throttled), but a success never erases
   * the address's failures: one good login must not buy a fresh round of
   * guesses at other accounts.
   * @see OWASP Authentication Cheat Sheet, "Login Throttling"
   */
  async recordSuccess(attempt: LoginAttempt): Promise<void> {
    await Promise.all([
      this.#counters.reset(attempt.userKey),
      this.#counters.release(attempt.ipKey, attempt.ipWindowEnd),
    ]);
  }

  /**
   * Lifts the lock of one username (its count starts over), as after an
   * operator set a new password: the person may sign in with it at once.
   * The address counts stay, as after any success.
   * @see OWASP Authentication Cheat Sheet, "Account Lockout"
   */
  async clearUser(username: string): Promise<void> {
    await this.#counters.reset(userKey(username));
  }

  async #refuse(
    limitedBy: ThrottleScope,
    key: string,
    window: CounterReservation,
    until: number,
    now: number,
  ): Promise<ThrottleDecision> {
    // The tally's window is the refusing window, so a new lock starts a new tally.
    const refusedInWindow = await this.#counters.increment(
      `login:refused:${key}`,
      now,
      window.expiresAt,
    );
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
      limitedBy,
      refusedInWindow,
      audit: isAuditedRefusal(refusedInWindow),
    };
  }
}
