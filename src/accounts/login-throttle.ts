/**
 * Throttles password guessing at the login form: failures are counted per
 * username and per client IP in a 15-minute window held in the shared store,
 * so every gateway process (or Lambda) sees the same counts.
 */
import type { Clock } from '../clock.js';
import type { CounterRepository } from '../storage/ports.js';
import { ipBucket } from './ip-bucket.js';
import { normalizeUsername, USERNAME_PATTERN } from './users.js';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Many people may share one address (office NAT), so the IP limit is looser. */
export const PER_IP_FACTOR = 4;
export const DEFAULT_LOGIN_MAX_FAILURES = 5;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

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
   * Whether a login for `username` from `ip` may be tried now. Call before
   * verifying the password, and do not verify (or count) a refused attempt,
   * so a locked window ends on time. `retryAfterSeconds` suits `Retry-After`.
   * @see OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks"
   * @see RFC 9110 §10.2.3 (Retry-After)
   */
  async check(username: string, ip: string): Promise<ThrottleDecision> {
    const now = this.#clock.now();
    const [user, address] = await Promise.all([
      this.#counters.get(userKey(username), now),
      this.#counters.get(ipKey(ip), now),
    ]);
    let blockedUntil = 0;
    if (user !== undefined && user.count >= this.#maxPerUser) {
      blockedUntil = user.expiresAt;
    }
    if (address !== undefined && address.count >= this.#maxPerIp) {
      blockedUntil = Math.max(blockedUntil, address.expiresAt);
    }
    if (blockedUntil <= now) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
    };
  }

  /**
   * Counts one failed login against both the username and the IP.
   * @see OWASP Authentication Cheat Sheet, "Login Throttling"
   */
  async recordFailure(username: string, ip: string): Promise<void> {
    const now = this.#clock.now();
    const expiresAt = now + LOGIN_WINDOW_MS;
    await Promise.all([
      this.#counters.increment(userKey(username), now, expiresAt),
      this.#counters.increment(ipKey(ip), now, expiresAt),
    ]);
  }

  /**
   * Clears the username's failures after a good login. The IP count stays:
   * one success must not buy an address a fresh round of guesses at others.
   * @see OWASP Authentication Cheat Sheet, "Login Throttling"
   */
  async recordSuccess(username: string): Promise<void> {
    await this.#counters.reset(userKey(username));
  }
}
