/**
 * The operator's side of `serve`: what `/readyz` checks and what `/metrics`
 * exposes, built once per process from its runtime.
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../http/logger.js';
import type { OpsRoutesOptions } from '../http/ops-routes.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { createReadiness, type ReadinessCheck } from '../ops/readiness.js';
import { storageReadiness } from './compose.js';
import type { JiraSetup } from './jira-setup.js';
import type { LocalRuntime } from './runtime.js';

/**
 * `/readyz`'s checks (the store answers a ping; the shared Jira credential
 * reads) and, with METRICS=true, `/metrics`: one of each per process, shared
 * by the apps of every loopback issuer.
 * @see https://kubernetes.io/docs/reference/using-api/health-checks/
 */
export function opsRoutes(
  config: Config,
  runtime: LocalRuntime,
  jira: JiraSetup | undefined,
  logger: Logger,
  prometheus: PrometheusMetrics | undefined,
): OpsRoutesOptions & { readiness: NonNullable<OpsRoutesOptions['readiness']> } {
  const checks: ReadinessCheck[] = [storageReadiness(runtime.storage)];
  // A process that talks to Jira resolved it at start-up (or refused to start);
  // only the stored shared credential can stop working later.
  if (jira !== undefined) {
    checks.push({ name: 'jira', check: jira.ready ?? (() => Promise.resolve()) });
  }
  const readiness = createReadiness({
    checks,
    clock: runtime.clock,
    // The error's name and code only: messages may hold hosts or paths.
    onFailure: (check, error) => {
      logger.warn('not ready: a readiness check fails', {
        check,
        error: error instanceof Error ? error.name : 'unknown',
        code: errorCode(error),
      });
    },
    onRecovery: (check) => {
      logger.info('readiness check works again', { check });
    },
  });
  return {
    readiness,
    ...(prometheus === undefined
      ? {}
      : {
          metrics: {
            render: () => prometheus.render(),
            contentType: prometheus.contentType,
            ...(config.metrics.token === undefined ? {} : { token: config.metrics.token }),
          },
        }),
  };
}

/** A driver's error code (`ECONNREFUSED`, `SQLITE_IOERR`), when it is a plain word. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : undefined;
}
