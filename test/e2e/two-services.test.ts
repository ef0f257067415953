import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/entry/cli.js';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { newPkce } from '../helpers/oauth-client.js';

const CACHE_SECONDS = 2;

async function cli(dataDir: string, argv: string[]): Promise<string> {
  let out = '';
  const code = await runCli(argv, {
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    readStdin: () => Promise.resolve(''),
  });
  expect(code).toBe(0);
  return out;
}

function mcpCall(mcpUrl: string, token: string, body: object): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify(body),
  });
}

/**
 * The two-service topology: `serve --role oauth` and `serve --role mcp` as
 * separate processes sharing one SQLite file; the MCP role checks tokens by
 * RFC 7662 introspection at the OAuth role, with a bounded positive cache.
 */
describe('serve --role oauth + serve --role mcp (RFC 7662 between them)', () => {
  let dataDir: string;
  let oauthProc: GatewayProcess;
  let mcpProc: GatewayProcess;
  let publicUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'jmg-split-'));
    const credential = await cli(dataDir, ['client', 'add-resource-server', 'mcp-role']);
    const clientId = /INTROSPECTION_CLIENT_ID=(\S+)/.exec(credential)?.[1] ?? '';
    const clientSecret = /INTROSPECTION_CLIENT_SECRET=(\S+)/.exec(credential)?.[1] ?? '';
    const oauthPort = await freePort();
    publicUrl = `http://127.0.0.1:${oauthPort}`;
    oauthProc = await startGatewayProcess({
      DATA_DIR: dataDir,
      PORT: String(oauthPort),
      PUBLIC_URL: publicUrl,
      ROLE: 'oauth',
    });
    mcpProc = await startGatewayProcess({
      DATA_DIR: dataDir,
      PUBLIC_URL: publicUrl,
      ROLE: 'mcp',
      OAUTH_INTERNAL_URL: publicUrl,
      INTROSPECTION_CLIENT_ID: clientId,
      INTROSPECTION_CLIENT_SECRET: clientSecret,
      INTROSPECTION_CACHE_SECONDS: String(CACHE_SECONDS),
    });
  });
  afterAll(async () => {
    await mcpProc.stop();
    await oauthProc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the whole flow through both processes and observes a revocation within the cache bound', async () => {
    expect(oauthProc.stdout()).not.toContain('MCP endpoint');
    expect((await fetch(`${oauthProc.url}/mcp`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${mcpProc.url}/token`, { method: 'POST' })).status).toBe(404);

    const redirectUri = 'http://127.0.0.1:45999/cb';
    const registered = (await (
      await fetch(`${publicUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      })
    ).json()) as { client_id: string };
    const pkce = newPkce();
    const url = new URL(`${publicUrl}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: registered.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'st',
    })) {
      url.searchParams.set(k, v);
    }
    const callback = await signInAndConsent(new PageAgent(fetch, publicUrl), url.toString(), {
      username: 'admin',
      password: oauthProc.adminPassword ?? '',
    });
    const tokens = (await (
      await fetch(`${publicUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: registered.client_id,
          code: callback.searchParams.get('code') ?? '',
          code_verifier: pkce.verifier,
          redirect_uri: redirectUri,
        }).toString(),
      })
    ).json()) as { access_token: string; refresh_token: string };

    const mcpUrl = `${mcpProc.url}/mcp`;
    const init = await mcpCall(mcpUrl, tokens.access_token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'split-test', version: '1' },
      },
    });
    expect(init.status).toBe(200);
    const call = await mcpCall(mcpUrl, tokens.access_token, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'jira_whoami', arguments: {} },
    });
    expect(call.status).toBe(200);
    expect(JSON.stringify(await call.json())).toContain('alice@example.com');

    const revoked = await fetch(`${publicUrl}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: registered.client_id,
        token: tokens.refresh_token,
      }).toString(),
    });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < (CACHE_SECONDS + 3) * 1000) {
      status = (
        await mcpCall(mcpUrl, tokens.access_token, { jsonrpc: '2.0', id: 3, method: 'tools/list' })
      ).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    const observedAfterMs = Date.now() - revokedAt;
    expect(status).toBe(401);
    // Documented bound: at most INTROSPECTION_CACHE_SECONDS, plus one request's latency.
    expect(observedAfterMs).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + 500);
  });

  it('stops a token disconnected on /account at the MCP role within the cache bound, and shows its last use', async () => {
    const redirectUri = 'http://127.0.0.1:45999/cb';
    const registered = (await (
      await fetch(`${publicUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'Split Disconnect',
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      })
    ).json()) as { client_id: string };
    const pkce = newPkce();
    const url = new URL(`${publicUrl}/authorize`);
    url.search = new URLSearchParams({
      client_id: registered.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }).toString();
    const browser = new PageAgent(fetch, publicUrl);
    const callback = await signInAndConsent(browser, url.toString(), {
      username: 'admin',
      password: oauthProc.adminPassword ?? '',
    });
    const tokens = (await (
      await fetch(`${publicUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: registered.client_id,
          code: callback.searchParams.get('code') ?? '',
          code_verifier: pkce.verifier,
          redirect_uri: redirectUri,
        }).toString(),
      })
    ).json()) as { access_token: string };
    const mcpUrl = `${mcpProc.url}/mcp`;
    const list = () =>
      mcpCall(mcpUrl, tokens.access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect((await list()).status).toBe(200);

    // The consent left this browser signed in at the OAuth role: its /account lists the client.
    const page = await (await browser.get('/account')).text();
    expect(page).toContain('<h3>Split Disconnect <span class="tag">(not verified)</span></h3>');
    expect(page).toMatch(/<dt>Last used<\/dt><dd><time datetime="/);
    const grantId = /action="\/account\/grants\/([^/"]+)\/disconnect"/.exec(page)?.[1] ?? '';
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const disconnected = await browser.post(`/account/grants/${grantId}/disconnect`, {
      csrf_token: csrf,
    });
    expect(disconnected.status).toBe(303);
    const at = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - at < (CACHE_SECONDS + 3) * 1000) {
      status = (await list()).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - at).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + 500);
  });
});
