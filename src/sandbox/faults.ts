/**
 * Fault injection: tests make the sandbox answer like a struggling Jira
 * (429 with `Retry-After`, 500, 503) or answer slowly, a set number of
 * times. Faults run before authentication and routing, as a rate limiter
 * or load balancer in front of Jira would.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';

export interface FaultSpec {
  /** Status to answer with; omit to only delay and then answer normally. */
  status?: 429 | 500 | 502 | 503 | 504;
  /** How many matching requests the fault applies to; default 1. */
  times?: number;
  /** Sent as `Retry-After` (seconds). 429s always carry one; default 1. */
  retryAfterSeconds?: number;
  /** Waits this long before answering (or before handling, without `status`). */
  delayMs?: number;
  /** Only requests whose path starts with this; default every path. */
  pathPrefix?: string;
  /** Only this HTTP method; default every method. */
  method?: string;
}

/** Waits `ms` milliseconds; injectable so tests can control "slow" deterministically. */
export type Sleep = (ms: number) => Promise<void>;

export const REAL_SLEEP: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const MESSAGES: Record<number, string> = {
  429: 'Rate limit exceeded.',
  500: 'Internal server error.',
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
};

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** Holds the pending faults; `add` in a test, and the middleware consumes them. */
export class FaultInjector {
  #faults: ActiveFault[] = [];

  /** Queues a fault; faults are matched in the order they were added. */
  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError('times must be a positive integer');
    this.#faults.push({ spec, remaining: times });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#faults = [];
  }

  /** How many injections are still pending, over all faults. */
  get pending(): number {
    return this.#faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  /** Takes one use of the first fault matching the request, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.#faults.findIndex(
      ({ spec }) =>
        (spec.pathPrefix === undefined || path.startsWith(spec.pathPrefix)) &&
        (spec.method === undefined || spec.method.toUpperCase() === method.toUpperCase()),
    );
    const fault = this.#faults[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#faults.splice(index, 1);
    return fault.spec;
  }
}

/**
 * Middleware applying the next matching fault. A 429 carries `Retry-After`
 * and Jira Cloud's rate-limit headers; bodies are Jira's error collection.
 * @see https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
 */
export function faultMiddleware(
  faults: FaultInjector,
  clock: Clock,
  sleep: Sleep,
): MiddlewareHandler {
  return async (c, next) => {
    const fault = faults.take(c.req.method, c.req.path);
    if (fault === undefined) return next();
    if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.status === undefined) return next();
    const headers: Record<string, string> = {};
    const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    if (fault.status === 429) {
      headers['X-RateLimit-Limit'] = '100';
      headers['X-RateLimit-Remaining'] = '0';
      headers['X-RateLimit-Reset'] = new Date(clock.now() + (retryAfter ?? 1) * 1000).toISOString();
      headers['RateLimit-Reason'] = 'jira-burst-based';
    }
    return c.json(
      { errorMessages: [MESSAGES[fault.status] ?? 'Error.'], errors: {} },
      fault.status,
      headers,
    );
  };
}
