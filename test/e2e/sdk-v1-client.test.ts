/**
 * The official MCP TypeScript SDK 1.x client, with its own OAuth support,
 * against the gateway as a real process: dynamic registration, the person's
 * login and consent in real Chromium, the loopback redirect, `finishAuth`,
 * tools over Streamable HTTP, and a transparent refresh once the access
 * token (ACCESS_TOKEN_TTL=3) has expired.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import type { SdkV1OAuthRecords } from '../helpers/in-memory-oauth-provider.js';
import {
  expectDemoSearchAndIssue,
  expectJiraToolsListed,
  expectSilentRefresh,
} from '../helpers/mcp-client-checks.js';
import {
  expectAuthorizationResponse,
  expectFreshTokens,
  useBrowserClientSuite,
} from '../helpers/mcp-oauth-flow.js';

describe('MCP TypeScript SDK 1.x client (OAuthClientProvider, Streamable HTTP) against `serve`', () => {
  const suite = useBrowserClientSuite<SdkV1OAuthRecords>({
    env: { ACCESS_TOKEN_TTL: '3' },
    clientName: 'SDK v1 end-to-end client',
    screenshotName: 'sdk-v1',
    keepsDiscovery: false,
  });
  let client: Client;

  it('registers, opens the browser for login and consent, then connects after finishAuth', async () => {
    const { gw, provider, callback, mcpUrl, resources } = suite;
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-v1', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toMatch(/\S{16,}/);

    const params = await expectAuthorizationResponse(
      suite.person,
      callback,
      provider,
      gw.publicUrl,
    );
    const code = params.get('code');
    expect(code).toMatch(/\S{20,}/);

    await first.finishAuth(code ?? '');
    const tokens = provider.tokens();
    expectFreshTokens(tokens);
    expect(tokens?.expires_in).toBe(3);

    const connecting = new Client({ name: 'e2e-v1', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    client = await resources.track(
      connecting.connect(transport).then(() => connecting),
      (connected) => connected.close(),
    );
    expect(client.getServerVersion()?.name).toBeTruthy();
    expect(callback.count()).toBe(1);
  });

  it('lists the Jira tools', () => expectJiraToolsListed(client));

  it('searches project DEMO and reads one issue of the sandbox', () =>
    expectDemoSearchAndIssue(client));

  it('refreshes the expired access token by itself, rotating the refresh token, and keeps working', async () => {
    await expectSilentRefresh(client, suite);
  });
});
