/**
 * Operations on the gateway as a real process (issue 14): tool calls and
 * Jira requests (retries, 429s) counted at /metrics, and graceful shutdown
 * on SIGTERM — no new connections, the slow request in flight finishes,
 * exit 0 — or, past SHUTDOWN_TIMEOUT_SECONDS, the request is cut and the
 * process still exits 0. Jira is the sandbox in this test process, slowed
 * or rate-limited by its fault injection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_API_TOKENS, startSandboxServer } from '../../src/sandbox/index.js';
import { PageAgent, inputValue } from '../helpers/browser.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

const METRICS_TOKEN = 'process-scrape-secret-4f1c9a';
const TOKEN_SHAPE = /jmcp_pat_[A-Za-z0-9_-]{43}/;

type SandboxServer = Awaited<ReturnType<typeof startSandboxServer>>;

/** A personal access token made on /account by the first-run admin. */
async function personalToken(gw: GatewayProcess): Promise<string> {
  const agent = new PageAgent(fetch, gw.publicUrl);
  const signIn = await (await agent.get('/account')).text();
  const login = await agent.post('/account/login', {
    csrf_token: inputValue(signIn, 'csrf_token'),
    username: 'admin',
    password: gw.adminPassword ?? '',
  });
  expect(login.status).toBe(303);
  const account = await (await agent.get('/account')).text();
  const section = /<section id="personal-tokens">[\s\S]*?<\/section>/.exec(account)?.[0] ?? '';
  const created = await agent.post('/account/personal-tokens', {
    csrf_token: inputValue(section, 'csrf_token'),
    form_id: inputValue(section, 'form_id'),
    name: 'operations test',
    scope: 'jira:read',
    days: '1',
  });
  expect(created.status).toBe(200);
  const token = TOKEN_SHAPE.exec(await created.text())?.[0];
  if (token === undefined) throw new Error('no personal access token on the page');
  return token;
}

async function connect(gw: GatewayProcess, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${gw.publicUrl}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'e2e-operations', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Resolves once a fetch of /healthz is refused (no listener any more); fails after `ms`. */
async function refusedWithin(url: string, ms: number): Promise<unknown> {
  const deadline = Date.now() + ms;
  for (;;) {
    const error = await fetch(`${url}/healthz`).then(
      async (r) => {
        await r.arrayBuffer();
        return undefined;
      },
      (e: unknown) => e,
    );
    if (error !== undefined) return error;
    if (Date.now() > deadline) throw new Error('the gateway still accepts connections');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the gateway process: metrics, readiness and graceful shutdown (issue 14)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-ops-'));
  let jira: SandboxServer;

  const start = (env: Record<string, string>): Promise<GatewayProcess> =>
    startGatewayProcess(
      {
        LOG_LEVEL: 'info',
        JIRA_BASE_URL: jira.url,
        JIRA_EMAIL: 'alice@example.com',
        JIRA_API_TOKEN: SANDBOX_API_TOKENS.alice,
        PERSONAL_ACCESS_TOKENS: 'true',
        METRICS: 'true',
        METRICS_TOKEN,
        ...env,
      },
      { timeoutMs: 60_000 },
    );

  beforeAll(async () => {
    jira = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db') });
  });
  afterAll(async () => {
    await jira.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts tool calls by outcome and Jira requests with their retries and 429s at /metrics', async () => {
    const gw = await start({});
    try {
      const client = await connect(gw, await personalToken(gw));
      jira.sandbox.faults.add({
        status: 429,
        retryAfterSeconds: 1,
        pathPrefix: '/rest/api/3/issue/DEMO-1',
      });
      const found = await client.callTool({
        name: 'jira_get_issue',
        arguments: { issueKey: 'DEMO-1' },
      });
      expect(found.isError).toBeFalsy();
      const missing = await client.callTool({
        name: 'jira_get_issue',
        arguments: { issueKey: 'DEMO-9999' },
      });
      expect(missing.isError).toBe(true);
      await client.close();

      const text = await (
        await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      const tools = 'jira_mcp_gateway_tool_calls_total';
      expect(sample(text, `${tools}{tool="jira_get_issue",outcome="success"}`)).toBe(1);
      expect(sample(text, `${tools}{tool="jira_get_issue",outcome="not_found"}`)).toBe(1);
      expect(
        sample(text, 'jira_mcp_gateway_tool_call_duration_seconds_count{tool="jira_get_issue"}'),
      ).toBe(2);
      expect(sample(text, 'jira_mcp_gateway_jira_requests_total{status="404"}')).toBe(1);
      expect(sample(text, 'jira_mcp_gateway_jira_requests_total{status="200"}')).toBeGreaterThan(0);
      expect(sample(text, 'jira_mcp_gateway_jira_request_retries_total')).toBe(1);
      expect(sample(text, 'jira_mcp_gateway_jira_rate_limited_responses_total')).toBe(1);
      // The one retried request waited for Retry-After (1 s): the histogram saw it.
      expect(sample(text, 'jira_mcp_gateway_jira_request_duration_seconds_sum')).toBeGreaterThan(1);
      expect(
        sample(
          text,
          'jira_mcp_gateway_http_requests_total{route="/mcp",method="POST",status="200"}',
        ),
      ).toBeGreaterThan(0);
      expect(text).toContain('process_cpu_seconds_total');

      const ready = await fetch(`${gw.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toStrictEqual({
        status: 'ready',
        checks: { storage: 'ok', jira: 'ok' },
      });
    } finally {
      await gw.stop();
    }
    expect(gw.stderr()).not.toContain(METRICS_TOKEN);
    expect(gw.stdout()).not.toContain(METRICS_TOKEN);
  });

  it('on SIGTERM stops accepting, lets the slow tool call in flight finish, and exits 0', async () => {
    const gw = await start({ SHUTDOWN_TIMEOUT_SECONDS: '20' });
    try {
      const client = await connect(gw, await personalToken(gw));
      const seen = jira.sandbox.requests.length;
      jira.sandbox.faults.add({ delayMs: 3000, pathPrefix: '/rest/api/3/issue/DEMO-2' });
      const inFlight = client.callTool({
        name: 'jira_get_issue',
        arguments: { issueKey: 'DEMO-2' },
      });
      // Wait until the gateway's request has reached Jira: the call is truly in flight.
      for (let i = 0; i < 200; i++) {
        if (jira.sandbox.requests.slice(seen).some((r) => r.path.includes('DEMO-2'))) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const signalled = Date.now();
      gw.signal('SIGTERM');
      await refusedWithin(gw.url, 2500);
      const result = await inFlight;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ key: 'DEMO-2' });
      expect(await gw.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(15_000);
      await client.close().catch(() => undefined);
    } finally {
      await gw.stop();
    }
    const lines = gw.stderr().split('\n');
    expect(lines.some((l) => l.includes('"msg":"shutting down') && l.includes('"SIGTERM"'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('"msg":"stopped"') && l.includes('"cut":0'))).toBe(true);
  });

  it('cuts a request still running after SHUTDOWN_TIMEOUT_SECONDS and still exits 0', async () => {
    const gw = await start({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    try {
      const client = await connect(gw, await personalToken(gw));
      const seen = jira.sandbox.requests.length;
      jira.sandbox.faults.add({ delayMs: 8000, pathPrefix: '/rest/api/3/issue/DEMO-3' });
      const inFlight = client
        .callTool({ name: 'jira_get_issue', arguments: { issueKey: 'DEMO-3' } })
        .then(
          () => 'answered',
          () => 'cut',
        );
      for (let i = 0; i < 200; i++) {
        if (jira.sandbox.requests.slice(seen).some((r) => r.path.includes('DEMO-3'))) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const signalled = Date.now();
      gw.signal('SIGTERM');
      expect(await gw.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(6000);
      expect(await inFlight).toBe('cut');
      await client.close().catch(() => undefined);
    } finally {
      await gw.stop();
    }
    expect(
      gw
        .stderr()
        .split('\n')
        .some((l) => l.includes('requests still running were cut') && l.includes('"cut":1')),
    ).toBe(true);
  });
});
