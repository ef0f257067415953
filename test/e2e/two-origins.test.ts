/**
 * The original topology: the authorization server and the MCP server as two
 * processes on two origins (two loopback ports), as two API Gateways would
 * be. The official SDK 1.x client is given only the MCP URL and finds the
 * authorization server on the other origin through discovery; the MCP role
 * checks tokens by RFC 7662 introspection at the OAuth role.
 * @see RFC 9728 §3, §5.1; RFC 8414 §3; RFC 8707 §2; RFC 7662; MCP 2025-11-25 authorization
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/entry/cli.js';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';

const REDIRECT_URI = 'http://127.0.0.1:45998/callback';

describe('OAuth role and MCP role on two origins (MCP_PUBLIC_URL)', () => {
  let dataDir: string;
  let oauthProc: GatewayProcess;
  let mcpProc: GatewayProcess;
  let issuer: string;
  let mcpOrigin: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'jmg-origins-'));
    let credential = '';
    const code = await runCli(['client', 'add-resource-server', 'mcp-role'], {
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdout: (t) => (credential += t),
      stderr: (t) => (credential += t),
      readStdin: () => Promise.resolve(''),
    });
    expect(code).toBe(0);
    const [oauthPort, mcpPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${oauthPort}`;
    mcpOrigin = `http://127.0.0.1:${mcpPort}`;
    oauthProc = await startGatewayProcess({
      DATA_DIR: dataDir,
      PORT: String(oauthPort),
      PUBLIC_URL: issuer,
      MCP_PUBLIC_URL: mcpOrigin,
      ROLE: 'oauth',
    });
    mcpProc = await startGatewayProcess({
      DATA_DIR: dataDir,
      PORT: String(mcpPort),
      PUBLIC_URL: issuer,
      MCP_PUBLIC_URL: mcpOrigin,
      ROLE: 'mcp',
      OAUTH_INTERNAL_URL: issuer,
      INTROSPECTION_CLIENT_ID: /INTROSPECTION_CLIENT_ID=(\S+)/.exec(credential)?.[1] ?? '',
      INTROSPECTION_CLIENT_SECRET: /INTROSPECTION_CLIENT_SECRET=(\S+)/.exec(credential)?.[1] ?? '',
      INTROSPECTION_CACHE_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await mcpProc.stop();
    await oauthProc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes each document on its own origin', async () => {
    const resource = (await (
      await fetch(`${mcpOrigin}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as Record<string, unknown>;
    expect(resource.resource).toBe(`${mcpOrigin}/mcp`);
    expect(resource.authorization_servers).toEqual([issuer]);
    const server = (await (
      await fetch(`${issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(server.issuer).toBe(issuer);
    // Each role serves only its half.
    expect((await fetch(`${issuer}/mcp`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${mcpOrigin}/token`, { method: 'POST' })).status).toBe(404);
    expect(mcpProc.stdout()).toContain(`${mcpOrigin}/mcp`);
  });

  it('runs discovery, registration, consent and tool calls with the SDK given only the MCP URL', async () => {
    let consent: Promise<URL> | undefined;
    const provider = new InMemoryOAuthProvider<SdkV1OAuthRecords>({
      redirectUrl: REDIRECT_URI,
      clientMetadata: nativeClientMetadata('Two-origin client', REDIRECT_URI),
      state: randomState,
      openBrowser: (url) => {
        consent = signInAndConsent(new PageAgent(fetch, issuer), url.href, {
          username: 'admin',
          password: oauthProc.adminPassword ?? '',
        });
      },
    });
    const mcpUrl = new URL(`${mcpOrigin}/mcp`);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'two-origins', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);

    // The client found the issuer on the other origin and asked for the MCP resource.
    const authorization = provider.authorizationUrl;
    expect(authorization?.origin).toBe(issuer);
    expect(authorization?.searchParams.get('resource')).toBe(`${mcpOrigin}/mcp`);
    if (consent === undefined) throw new Error('the client never opened the browser');
    const landed = await consent;
    expect(landed.searchParams.get('state')).toBe(provider.lastState);
    expect(landed.searchParams.get('iss')).toBe(issuer);
    await first.finishAuth(landed.searchParams.get('code') ?? '');

    const client = new Client({ name: 'two-origins', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('jira_whoami');
      const whoami = await client.callTool({ name: 'jira_whoami', arguments: {} });
      expect(whoami.isError).not.toBe(true);
      expect(JSON.stringify(whoami.content)).toContain('Alice Admin');

      // A revocation at the OAuth origin stops the MCP origin within the cache bound.
      const tokens = provider.tokens();
      const revoked = await fetch(`${issuer}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: provider.clientInformation()?.client_id ?? '',
          token: tokens?.refresh_token ?? '',
        }).toString(),
      });
      expect(revoked.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const after = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens?.access_token ?? ''}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain(
        `resource_metadata="${mcpOrigin}/.well-known/oauth-protected-resource/mcp"`,
      );
    } finally {
      await client.close();
    }
  });
});
