/**
 * Readiness: may a load balancer send this process traffic now? Each check
 * (storage reachable, Jira configured) is bounded in time, and the answer is
 * cached briefly and shared by concurrent probes, so a storm of probes costs
 * the store at most one ping per cache period. Once shutdown begins the
 * answer is "no" at once, so the balancer stops routing here while
 * in-flight requests finish.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
import type { Clock } from '../clock.js';

/** One dependency the process needs to serve: resolves when usable, rejects (or hangs) when not. */
export interface ReadinessCheck {
  /** Shown in the `/readyz` body (`storage`, `jira`): a fixed word, never a detail. */
  name: string;
  check(): Promise<void>;
}

export type CheckState = 'ok' | 'failing';

export interface ReadinessResult {
  status: 'ready' | 'not_ready' | 'shutting_down';
  /** Each check's state; empty while shutting down (nothing is probed then). */
  checks: Record<string, CheckState>;
}

export interface Readiness {
  /** The current answer: cached for `cacheMs`, one evaluation shared by concurrent callers. */
  probe(): Promise<ReadinessResult>;
  /** Shutdown has begun: every later probe answers `shutting_down`. */
  drain(): void;
}

export interface ReadinessOptions {
  checks: readonly ReadinessCheck[];
  clock: Clock;
  /** How long an answer is reused. Default 2000 ms. */
  cacheMs?: number;
  /** The longest one check may take before it counts as failing. Default 2000 ms. */
  timeoutMs?: number;
  /** Told when a check turns failing (and only then), for the log; never put in a response. */
  onFailure?: (name: string, error: unknown) => void;
  /** Told when a failing check works again. */
  onRecovery?: (name: string) => void;
}

/** Raised in place of a check that did not settle in time. */
export class ReadinessTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`readiness check ${name} did not answer within ${ms} ms`);
    this.name = 'ReadinessTimeoutError';
  }
}

/**
 * Builds the readiness of a process from its checks.
 * @see https://kubernetes.io/docs/reference/using-api/health-checks/
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const cacheMs = options.cacheMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let draining = false;
  const isDraining = (): boolean => draining;
  let cached: { at: number; result: ReadinessResult } | undefined;
  let evaluating: Promise<ReadinessResult> | undefined;
  // A check still running from an earlier probe (a hung store) is not started
  // again: a probe storm must not pile up pings on a store that is stuck.
  const running = new Map<string, Promise<void>>();
  const failing = new Set<string>();

  async function runCheck(check: ReadinessCheck): Promise<CheckState> {
    let pending = running.get(check.name);
    if (pending === undefined) {
      // Through a promise, so a check that throws synchronously counts as failing too.
      const started = Promise.resolve().then(() => check.check());
      pending = started;
      running.set(check.name, started);
      const settle = (): void => {
        if (running.get(check.name) === started) running.delete(check.name);
      };
      started.then(settle, settle);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ReadinessTimeoutError(check.name, timeoutMs));
      }, timeoutMs);
      // A probe must never keep a stopping process alive.
      timer.unref();
    });
    try {
      await Promise.race([pending, deadline]);
      if (failing.delete(check.name)) options.onRecovery?.(check.name);
      return 'ok';
    } catch (error) {
      if (!failing.has(check.name)) {
        failing.add(check.name);
        options.onFailure?.(check.name, error);
      }
      return 'failing';
    } finally {
      clearTimeout(timer);
    }
  }

  async function evaluate(): Promise<ReadinessResult> {
    const states = await Promise.all(options.checks.map((check) => runCheck(check)));
    const checks: Record<string, CheckState> = {};
    options.checks.forEach((check, i) => {
      checks[check.name] = states[i] ?? 'failing';
    });
    const status = states.every((s) => s === 'ok') ? 'ready' : 'not_ready';
    return { status, checks };
  }

  return {
    async probe() {
      if (draining) return { status: 'shutting_down', checks: {} };
      const now = options.clock.now();
      if (cached !== undefined && now - cached.at < cacheMs) return cached.result;
      evaluating ??= evaluate().then(
        (result) => {
          cached = { at: options.clock.now(), result };
          evaluating = undefined;
          return result;
        },
        (error: unknown) => {
          evaluating = undefined;
          throw error;
        },
      );
      const result = await evaluating;
      // Shutdown may have begun while the checks ran.
      return isDraining() ? { status: 'shutting_down', checks: {} } : result;
    },
    drain() {
      draining = true;
    },
  };
}
