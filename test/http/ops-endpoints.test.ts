/**
 * The operator's endpoints over real HTTP on 127.0.0.1: /healthz, /readyz
 * (storage ping, bounded and cached) and /metrics (Prometheus, optional
 * Bearer secret), with metric values asserted after real requests.
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpsRoutesOptions } from '../../src/http/ops-routes.js';
import { createPrometheusMetrics } from '../../src/metrics/prometheus-metrics.js';
import { createReadiness } from '../../src/ops/readiness.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { closeServer, listenOnLoopback } from '../helpers/loopback-servers.js';
import { obtainCode, redeem, registerClient, signedInAgent } from '../helpers/oauth-client.js';

const METRICS_TOKEN = 'scrape-secret-0123456789abcdef';

interface Served {
  gw: TestGateway;
  base: string;
  /** Sends to the loopback listener: `TEST_ISSUER` URLs are rewritten to it. */
  http: typeof fetch;
  pings: () => number;
  metrics: ReturnType<typeof createPrometheusMetrics>;
}

const open: { server: Server; gw: TestGateway }[] = [];

afterEach(async () => {
  for (const { server, gw } of open.splice(0)) {
    await closeServer(server);
    await gw.close().catch(() => undefined);
  }
});

/** A gateway app on a loopback port, its storage ping counted. */
async function serve(
  options: { metrics?: boolean; token?: string; cacheMs?: number; timeoutMs?: number } = {},
): Promise<Served> {
  const metrics = createPrometheusMetrics({ version: 'test', processMetrics: false });
  let pings = 0;
  const ref: { gw?: TestGateway } = {};
  const readiness = createReadiness({
    checks: [
      {
        name: 'storage',
        check: () => {
          pings += 1;
          if (ref.gw === undefined) return Promise.reject(new Error('not yet'));
          return ref.gw.storage.ping();
        },
      },
    ],
    clock: { now: () => ref.gw?.clock.now() ?? 0 },
    ...(options.cacheMs === undefined ? {} : { cacheMs: options.cacheMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const ops: OpsRoutesOptions = {
    readiness,
    ...(options.metrics === true
      ? {
          metrics: {
            render: () => metrics.render(),
            contentType: metrics.contentType,
            ...(options.token === undefined ? {} : { token: options.token }),
          },
        }
      : {}),
  };
  const gw = await createTestGateway({}, { ops, metrics: metrics.metrics });
  ref.gw = gw;
  const listener = getRequestListener((request) => gw.app.fetch(request));
  const server = createServer((request, response) => {
    void listener(request, response);
  });
  const port = await listenOnLoopback(server);
  open.push({ server, gw });
  const base = `http://127.0.0.1:${port}`;
  const http = ((input: string | URL | Request, init?: RequestInit) =>
    fetch(
      String(input instanceof Request ? input.url : input).replace(TEST_ISSUER, base),
      init,
    )) as typeof fetch;
  return { gw, base, http, pings: () => pings, metrics };
}

/** The value of one sample line of the exposition, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function scrape(s: Served, token = METRICS_TOKEN): Promise<string> {
  const response = await fetch(`${s.base}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('GET /healthz and GET /readyz (issue 14: operations)', () => {
  it('answers /healthz 200 without a token, never cached, with nothing but a status', async () => {
    const s = await serve();
    const response = await fetch(`${s.base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toStrictEqual({ status: 'ok' });
  });

  it('answers /readyz 200 while the store answers, and 503 naming only the check once it does not', async () => {
    const s = await serve();
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toStrictEqual({ status: 'ready', checks: { storage: 'ok' } });

    await s.gw.storage.close();
    // Still the cached answer within the cache period: probes do not reach the store.
    expect((await fetch(`${s.base}/readyz`)).status).toBe(200);
    s.gw.clock.advance(2_000);
    const down = await fetch(`${s.base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('cache-control')).toBe('no-store');
    const text = await down.text();
    expect(JSON.parse(text)).toStrictEqual({ status: 'not_ready', checks: { storage: 'failing' } });
    expect(text).not.toMatch(/sqlite|database|connection|\//i);
  });

  it('lets a storm of 200 concurrent probes cost the store one ping', async () => {
    const s = await serve();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${s.base}/readyz`).then((r) => r.status)),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
    expect(s.pings()).toBe(1);
    s.gw.clock.advance(2_000);
    await fetch(`${s.base}/readyz`);
    expect(s.pings()).toBe(2);
  });
});

describe('GET /metrics (Prometheus exposition, METRICS=true)', () => {
  it('does not exist without METRICS (404 like any unknown path)', async () => {
    const s = await serve();
    const response = await fetch(`${s.base}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toStrictEqual({
      error: 'not_found',
      error_description: 'no such endpoint',
    });
  });

  it('refuses a scrape without the Bearer secret (401 + challenge) and with a wrong one (invalid_token)', async () => {
    const s = await serve({ metrics: true, token: METRICS_TOKEN });
    const missing = await fetch(`${s.base}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(((await missing.json()) as { error: string }).error).toBe('unauthorized');

    for (const wrong of [`${METRICS_TOKEN}x`, METRICS_TOKEN.slice(0, -1), 'short']) {
      const refused = await fetch(`${s.base}/metrics`, {
        headers: { authorization: `Bearer ${wrong}` },
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe(
        'Bearer realm="metrics", error="invalid_token"',
      );
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_token');
    }
    const basic = await fetch(`${s.base}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);

    const ok = await fetch(`${s.base}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const text = await ok.text();
    expect(text).toContain('# TYPE jira_mcp_gateway_http_requests_total counter');
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it('counts requests by route pattern and status, and token issuance and refusals by grant type and error', async () => {
    const s = await serve({ metrics: true, token: METRICS_TOKEN });
    const gwOverHttp: TestGateway = { ...s.gw, fetch: s.http };
    const client = await registerClient(gwOverHttp);
    const agent = await signedInAgent(gwOverHttp, client.client_id);
    const { code, pkce } = await obtainCode(agent, client.client_id);
    const issued = await redeem(gwOverHttp, client.client_id, code, pkce.verifier);
    expect(issued.status).toBe(200);
    const replayed = await redeem(gwOverHttp, client.client_id, code, pkce.verifier);
    expect(replayed.status).toBe(400);
    const unsupported = await s.http(`${TEST_ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: client.client_id }),
    });
    expect(unsupported.status).toBe(400);
    await fetch(`${s.base}/healthz`);
    await fetch(`${s.base}/healthz`);

    const text = await scrape(s);
    const requests = 'jira_mcp_gateway_http_requests_total';
    expect(sample(text, `${requests}{route="/healthz",method="GET",status="200"}`)).toBe(2);
    expect(sample(text, `${requests}{route="/token",method="POST",status="200"}`)).toBe(1);
    expect(sample(text, `${requests}{route="/token",method="POST",status="400"}`)).toBe(2);
    expect(sample(text, `${requests}{route="/register",method="POST",status="201"}`)).toBe(1);
    expect(
      sample(
        text,
        'jira_mcp_gateway_http_request_duration_seconds_count{route="/healthz",method="GET"}',
      ),
    ).toBe(2);
    const issuedTotal = 'jira_mcp_gateway_oauth_tokens_issued_total';
    expect(sample(text, `${issuedTotal}{grant_type="authorization_code"}`)).toBe(1);
    expect(sample(text, `${issuedTotal}{grant_type="refresh_token"}`)).toBe(0);
    const refused = 'jira_mcp_gateway_oauth_token_refusals_total';
    expect(sample(text, `${refused}{error="invalid_grant"}`)).toBe(1);
    expect(sample(text, `${refused}{error="unsupported_grant_type"}`)).toBe(1);
    expect(text).not.toContain('grant_type="password"');
  });

  it('adds no series for paths an attacker invents: 300 random paths are one `unmatched` series', async () => {
    const s = await serve({ metrics: true });
    const before = (await scrape(s)).split('\n').length;
    const paths = Array.from(
      { length: 300 },
      (_, i) => `/${Math.random().toString(36).slice(2)}/${i}/x${String(i * 7919)}`,
    );
    for (let i = 0; i < paths.length; i += 50) {
      await Promise.all(
        paths
          .slice(i, i + 50)
          .map((p, j) =>
            fetch(`${s.base}${p}`, { method: j % 2 === 0 ? 'GET' : 'PROPFIND' }).then((r) =>
              r.arrayBuffer(),
            ),
          ),
      );
    }
    const text = await scrape(s);
    const requests = 'jira_mcp_gateway_http_requests_total';
    expect(sample(text, `${requests}{route="unmatched",method="GET",status="404"}`)).toBe(150);
    expect(sample(text, `${requests}{route="unmatched",method="OTHER",status="404"}`)).toBe(150);
    for (const p of paths) expect(text).not.toContain(p.split('/')[1] ?? p);
    // The unmatched series, their histograms, and the /metrics scrape itself: a bounded handful.
    expect(text.split('\n').length - before).toBeLessThan(60);
  });
});
