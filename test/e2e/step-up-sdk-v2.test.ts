/**
 * Step-up authorization with the v2 MCP client (`@modelcontextprotocol/client`)
 * while it holds a refresh token, the common case: on `403
 * insufficient_scope` it skips the refresh (which cannot add a scope, RFC
 * 6749 §6) and re-authorizes; the consent page is a step-up asking only for
 * jira:write, and the new tokens carry both scopes and a refresh token.
 */
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentInBrowser, launchChromium } from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type SdkV2OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import { startLoopbackCallback, type LoopbackCallback } from '../helpers/loopback-servers.js';
import { allowStepUpInBrowser, type StepUpSeen } from '../helpers/step-up-browser.js';
import { SuiteResources } from '../helpers/suite-resources.js';

describe('step-up consent with the v2 MCP client holding a refresh token', () => {
  const resources = new SuiteResources();
  let gw: GatewayProcess;
  let page: Page;
  let callback: LoopbackCallback;
  let provider: InMemoryOAuthProvider<SdkV2OAuthRecords>;
  let mcpUrl: URL;
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
    provider = new InMemoryOAuthProvider<SdkV2OAuthRecords>({
      redirectUrl: callback.redirectUri,
      clientMetadata: nativeClientMetadata('SDK v2 step-up client', callback.redirectUri),
      state: randomState,
      keepsDiscovery: true,
      openBrowser: (url) => {
        landed = personAt(url);
      },
    });
  });
  afterAll(() => resources.stopAll());

  async function callbackParams(): Promise<URLSearchParams> {
    expect(landed).toBeDefined();
    await landed;
    landed = undefined;
    return callback.next();
  }

  it('connects read-only with a refresh token, then steps up to jira:write on a 403', async () => {
    personAt = (url) =>
      consentInBrowser(page, url.href, {
        username: 'admin',
        password: gw.adminPassword ?? '',
        untick: ['jira:write'],
      });
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-step-up-v2', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    await first.finishAuth(await callbackParams());
    expect(provider.tokens()?.scope).toBe('jira:read');
    expect(provider.tokens()?.refresh_token).toMatch(/\S{20,}/);

    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    const connecting = new Client({ name: 'e2e-step-up-v2', version: '1.0.0' });
    const client = await resources.track(
      connecting.connect(transport).then(() => connecting),
      (connected) => connected.close(),
    );

    let seen: StepUpSeen | undefined;
    personAt = async (url) => {
      const result = await allowStepUpInBrowser(page, url, 'step-up-consent-v2');
      seen = result.seen;
      return result.landed;
    };
    const comment = {
      name: 'jira_add_comment',
      arguments: { issueKey: 'DEMO-2', body: 'Stepped up from v2.' },
    };
    await expect(client.callTool(comment)).rejects.toBeInstanceOf(UnauthorizedError);
    await transport.finishAuth(await callbackParams());
    expect(seen).toEqual({
      requested: 'jira:read jira:write',
      heading: 'Allow “SDK v2 step-up client” more access to your Jira?',
      sentence: true,
      boxes: ['jira:write'],
      allowed: ['jira:read'],
    });
    expect(provider.tokens()?.scope).toBe('jira:read jira:write');
    expect(provider.tokens()?.refresh_token).toMatch(/\S{20,}/);

    const written = await client.callTool(comment);
    expect(written.isError).toBeFalsy();
    expect(written.structuredContent).toMatchObject({ issueKey: 'DEMO-2' });
  });
});
