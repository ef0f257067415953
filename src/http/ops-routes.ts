/**
 * The operator's endpoints: liveness (`/healthz`), readiness (`/readyz`) and
 * Prometheus metrics (`/metrics`, only with METRICS=true). The probes are
 * unauthenticated, cheap and say nothing about internals; none is cached by
 * anything between the probe and the process.
 */
import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import type { Readiness } from '../ops/readiness.js';
import type { GatewayApp } from './types.js';

/** Probe answers must reflect this instant, never a proxy's copy. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** The `/metrics` exposition of this process. */
export interface MetricsExposition {
  render(): Promise<string>;
  contentType: string;
  /**
   * METRICS_TOKEN: when set, `/metrics` wants `Authorization: Bearer <it>`.
   * Only its hash is kept here.
   */
  token?: string;
}

export interface OpsRoutesOptions {
  /** Absent: `/readyz` answers ready whenever the process answers at all. */
  readiness?: Readiness;
  /** Absent (METRICS=false): `/metrics` does not exist (404). */
  metrics?: MetricsExposition;
}

/** `WWW-Authenticate` of a refused scrape. @see RFC 6750 §3 */
const METRICS_REALM = 'Bearer realm="metrics"';

/**
 * Registers `/healthz`, `/readyz` and, when configured, `/metrics`.
 * - `/healthz`: 200 `{"status":"ok"}` while the process can answer at all
 *   (liveness: it checks nothing else, so a down database never gets a
 *   healthy process restarted).
 * - `/readyz`: 200 `{"status":"ready",…}`, or 503 with `not_ready` (a check
 *   failing) or `shutting_down` (SIGTERM received); each check named with
 *   `ok`/`failing` only.
 * - `/metrics`: the Prometheus text format; with a token, 401 without
 *   `Authorization: Bearer <token>` (compared in constant time).
 * @see https://kubernetes.io/docs/reference/using-api/health-checks/; https://prometheus.io/docs/instrumenting/exposition_formats/; RFC 6750 §2.1, §3.1
 */
export function registerOpsRoutes(app: GatewayApp, options: OpsRoutesOptions): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, NO_STORE));

  const readiness = options.readiness;
  app.get('/readyz', async (c) => {
    if (readiness === undefined) return c.json({ status: 'ready', checks: {} }, 200, NO_STORE);
    const result = await readiness.probe();
    return c.json(result, result.status === 'ready' ? 200 : 503, NO_STORE);
  });

  const metrics = options.metrics;
  if (metrics === undefined) return;
  const tokenHash = metrics.token === undefined ? undefined : hashSecret(metrics.token);
  app.get('/metrics', async (c) => {
    if (tokenHash !== undefined) {
      const header = c.req.header('authorization');
      const presented = /^Bearer ([\x21-\x7e]+)$/i.exec(header ?? '')?.[1];
      if (presented === undefined) {
        return c.json(
          { error: 'unauthorized', error_description: 'send the metrics token as a Bearer token' },
          401,
          { ...NO_STORE, 'WWW-Authenticate': METRICS_REALM },
        );
      }
      // Hashes have one length, so neither the length nor the contents of the token leak.
      if (!constantTimeEqual(hashSecret(presented), tokenHash)) {
        return c.json(
          { error: 'invalid_token', error_description: 'the metrics token is not valid' },
          401,
          { ...NO_STORE, 'WWW-Authenticate': `${METRICS_REALM}, error="invalid_token"` },
        );
      }
    }
    return c.body(await metrics.render(), 200, {
      ...NO_STORE,
      'Content-Type': metrics.contentType,
    });
  });
}
