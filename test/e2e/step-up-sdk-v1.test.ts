/**
 * Step-up authorization with the official MCP TypeScript SDK 1.x client
 * against the gateway as a real process: the person connects read-only
 * (unticks jira:write), a write tool gets `403 insufficient_scope`, the SDK
 * sends the person back to /authorize with the challenge's scope, the
 * consent page says the application asks for more access and offers only
 * jira:write, and after approval the same client's write call works.
 *
 * The client registers without the refresh_token grant: SDK 1.x, holding a
 * refresh token, refreshes instead of re-authorizing on a 403 (a refresh
 * cannot widen scope, RFC 6749 §6) and gives up with "Server returned 403
 * after trying upscoping" (modelcontextprotocol/typescript-sdk#2255). The v2
 * client skips the refresh when the step-up needs more scope.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentInBrowser, launchChromium } from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  randomState,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import { startLoopbackCallback, type LoopbackCallback } from '../helpers/loopback-servers.js';
import { auditTrail } from '../helpers/mcp-oauth-flow.js';
import { allowStepUpInBrowser, type StepUpSeen } from '../helpers/step-up-browser.js';
import { SuiteResources } from '../helpers/suite-resources.js';

describe('step-up consent with the MCP TypeScript SDK 1.x client (403 insufficient_scope → /authorize)', () => {
  const resources = new SuiteResources();
  let gw: GatewayProcess;
  let page: Page;
  let callback: LoopbackCallback;
  let provider: InMemoryOAuthProvider<SdkV1OAuthRecords>;
  let mcpUrl: URL;
  /** What the person does when the client opens the next authorization URL. */
  let personAt: (url: URL) => Promise<URL>;
  let landed: Promise<URL> | undefined;

  beforeAll(async () => {
    const [started, browser, loopback] = await Promise.all([
      resources.track(startGatewayProcess(), (running) => running.stop()),
      resources.track(launchChromium(), (running) => running.close()),
      resources.track(startLoopbackCallback(), (running) => running.close()),
    ]);
    gw = started;
    callback = loopback;
    page = await browser.newPage();
    mcpUrl = new URL(`${gw.publicUrl}/mcp`);
    provider = new InMemoryOAuthProvider<SdkV1OAuthRecords>({
      redirectUrl: callback.redirectUri,
      clientMetadata: {
        client_name: 'SDK v1 step-up client',
        redirect_uris: [callback.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      state: randomState,
      openBrowser: (url) => {
        landed = personAt(url);
      },
    });
  });
  afterAll(() => resources.stopAll());

  /** Waits for the person's decision and the loopback request; returns the code. */
  async function codeFromBrowser(): Promise<string> {
    expect(landed).toBeDefined();
    await landed;
    landed = undefined;
    const params = await callback.next();
    expect(params.get('iss')).toBe(gw.publicUrl);
    expect(params.get('state')).toBe(provider.lastState ?? null);
    const code = params.get('code');
    if (code === null) throw new Error(`no code: ${params.toString()}`);
    return code;
  }

  let client: Client;
  let transport: StreamableHTTPClientTransport;

  it('connects read-only: the person unticks jira:write', async () => {
    personAt = (url) =>
      consentInBrowser(page, url.href, {
        username: 'admin',
        password: gw.adminPassword ?? '',
        untick: ['jira:write'],
      });
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-step-up', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    await first.finishAuth(await codeFromBrowser());
    expect(provider.tokens()?.scope).toBe('jira:read');
    expect(provider.tokens()?.refresh_token).toBeUndefined();

    transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    const connecting = new Client({ name: 'e2e-step-up', version: '1.0.0' });
    client = await resources.track(
      connecting.connect(transport).then(() => connecting),
      (connected) => connected.close(),
    );
    const read = await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-1' },
    });
    expect(read.isError).toBeFalsy();
  });

  it('answers the write tool with 403, re-authorizes with a step-up consent for jira:write only, then writes', async () => {
    let seen: StepUpSeen | undefined;
    personAt = async (url) => {
      const result = await allowStepUpInBrowser(page, url, 'step-up-consent');
      seen = result.seen;
      return result.landed;
    };
    const comment = {
      name: 'jira_add_comment',
      arguments: { issueKey: 'DEMO-1', body: 'Stepped up.' },
    };
    // The SDK sees 403 insufficient_scope and sends the person to /authorize.
    await expect(client.callTool(comment)).rejects.toBeInstanceOf(UnauthorizedError);
    await transport.finishAuth(await codeFromBrowser());

    expect(seen).toEqual({
      requested: 'jira:read jira:write',
      heading: 'Allow “SDK v1 step-up client” more access to your Jira?',
      sentence: true,
      boxes: ['jira:write'],
      allowed: ['jira:read'],
    });
    expect(provider.tokens()?.scope).toBe('jira:read jira:write');

    const written = await client.callTool(comment);
    expect(written.isError).toBeFalsy();
    expect(written.structuredContent).toMatchObject({ issueKey: 'DEMO-1' });

    const trail = await auditTrail(gw.dataDir);
    const clientId = provider.clientInformation()?.client_id;
    const denied = trail.filter(
      (e) => e.type === 'tool.called' && e.outcome === 'failure' && e.clientId === clientId,
    );
    expect(denied.length).toBeGreaterThanOrEqual(1);
    expect(
      trail.filter((e) => e.type === 'consent.granted' && e.clientId === clientId),
    ).toHaveLength(2);
  });
});
