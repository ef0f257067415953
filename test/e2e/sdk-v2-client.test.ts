/**
 * The v2 MCP client package (`@modelcontextprotocol/client`) against the
 * gateway as a real process. v2 is strict where v1 was lenient: the
 * metadata `issuer` must echo the URL it was discovered at (RFC 8414 §3.3),
 * and `iss` on the authorization response must equal it (RFC 9207) or the
 * code is never redeemed. Login and consent happen in real Chromium.
 */
import {
  Client,
  IssuerMismatchError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import type { SdkV2OAuthRecords } from '../helpers/in-memory-oauth-provider.js';
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

describe('MCP client v2 (@modelcontextprotocol/client, strict issuer and iss) against `serve`', () => {
  const suite = useBrowserClientSuite<SdkV2OAuthRecords>({
    env: { ACCESS_TOKEN_TTL: '3' },
    clientName: 'SDK v2 end-to-end client',
    screenshotName: 'sdk-v2',
    // v2 binds the callback leg to the authorization server the request went to.
    keepsDiscovery: true,
  });
  let client: Client;

  it('registers, opens the browser, and redeems the code only after checking iss', async () => {
    const { gw, provider, callback, mcpUrl, resources } = suite;
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-v2', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toMatch(/\S{16,}/);
    expect(provider.clientInformation()?.issuer).toBe(gw.publicUrl);
    expect(provider.discoveryState?.()?.authorizationServerMetadata?.issuer).toBe(gw.publicUrl);

    const params = await expectAuthorizationResponse(
      suite.person,
      callback,
      provider,
      gw.publicUrl,
    );

    // A mix-up: the same code presented as coming from another issuer is refused before redemption.
    await expect(
      first.finishAuth(params.get('code') ?? '', 'https://evil.example'),
    ).rejects.toBeInstanceOf(IssuerMismatchError);
    expect(provider.tokens()).toBeUndefined();

    await first.finishAuth(params);
    const tokens = provider.tokens();
    expect(tokens?.issuer).toBe(gw.publicUrl);
    expectFreshTokens(tokens);
    expect(tokens?.expires_in).toBe(3);

    const connecting = new Client({ name: 'e2e-v2', version: '1.0.0' });
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
    const after = await expectSilentRefresh(client, suite);
    expect(after?.issuer).toBe(suite.gw.publicUrl);
  });
});
