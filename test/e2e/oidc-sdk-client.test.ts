/**
 * Sign-in through the organisation's OpenID provider, end to end: the
 * gateway as a real process, the real oidc-provider on 127.0.0.1 as the
 * organisation's provider, real Chromium as the person, and the official
 * MCP TypeScript SDK 1.x client doing its own OAuth. The person signs in at
 * the provider and continues exactly where the client's authorization
 * request left off: consent, then the code to the client.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_HEADING, launchChromium, saveScreenshot } from '../helpers/chromium.js';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import { startLoopbackCallback, type LoopbackCallback } from '../helpers/loopback-servers.js';
import { expectJiraToolsListed } from '../helpers/mcp-client-checks.js';
import { expectFreshTokens } from '../helpers/mcp-oauth-flow.js';
import { newPkce } from '../helpers/oauth-client.js';
import { startTestOpenIdProvider, type TestOpenIdProvider } from '../helpers/oidc-provider.js';
import { SuiteResources } from '../helpers/suite-resources.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ACCOUNTS = {
  pat: { email: 'pat@acme.example', name: 'Pat Doe', groups: ['jira-users'] },
  eve: { email: 'eve@elsewhere.example', name: 'Eve', groups: ['jira-users'] },
  sam: { email: 'sam@acme.example', name: 'Sam', groups: ['sales'] },
};

/**
 * The person at the browser: from the gateway's sign-in page to the
 * provider, signs in there as `login`, and (when the gateway lets them in)
 * approves on the consent page. Returns where the browser ended up.
 */
async function signInThroughProvider(
  page: Page,
  authorizationUrl: string,
  login: string,
  options: { cancel?: boolean; screenshot?: string } = {},
): Promise<Page> {
  const opened = await page.goto(authorizationUrl);
  expect(opened?.status()).toBe(200);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(await page.getByLabel('Password').count()).toBe(0);
  if (options.screenshot !== undefined) await saveScreenshot(page, `${options.screenshot}-login`);
  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).click();
  await page.locator('input[name="login"]').waitFor();
  if (options.cancel === true) {
    await page.getByRole('link', { name: 'Cancel' }).click();
  } else {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
  }
  await page.getByRole('heading', { level: 1 }).waitFor();
  return page;
}

describe('OpenID Connect sign-in end to end: oidc-provider, Chromium and the MCP SDK 1.x client', () => {
  const resources = new SuiteResources();
  let op: TestOpenIdProvider;
  let gw: GatewayProcess;
  let browser: Browser;
  let callback: LoopbackCallback;
  let provider: InMemoryOAuthProvider<SdkV1OAuthRecords>;
  let landed: Promise<Page> | undefined;
  let mcpUrl: URL;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${String(port)}`;
    op = await resources.track(
      startTestOpenIdProvider({
        redirectUri: `${publicUrl}/login/oidc/callback`,
        accounts: ACCOUNTS,
      }),
      (running) => running.close(),
    );
    [gw, browser, callback] = await Promise.all([
      resources.track(
        startGatewayProcess({
          PORT: String(port),
          OIDC_ISSUER: op.issuer,
          OIDC_CLIENT_ID: op.clientId,
          OIDC_CLIENT_SECRET: op.clientSecret,
          OIDC_PROVIDER_NAME: 'Acme SSO',
          OIDC_ALLOWED_EMAIL_DOMAINS: 'acme.example',
          OIDC_GROUPS_CLAIM: 'groups',
          OIDC_ALLOWED_GROUPS: 'jira-users',
        }),
        (running) => running.stop(),
      ),
      resources.track(launchChromium(), (running) => running.close()),
      resources.track(startLoopbackCallback(), (running) => running.close()),
    ]);
    mcpUrl = new URL(`${gw.publicUrl}/mcp`);
    const page = await browser.newPage();
    provider = new InMemoryOAuthProvider<SdkV1OAuthRecords>({
      redirectUrl: callback.redirectUri,
      clientMetadata: nativeClientMetadata('OIDC end-to-end client', callback.redirectUri),
      state: randomState,
      keepsDiscovery: false,
      openBrowser: (url) => {
        landed = signInThroughProvider(page, url.href, 'pat', { screenshot: 'oidc' }).then(
          async (at) => {
            expect(await at.getByRole('heading', { level: 1 }).innerText()).toMatch(
              CONSENT_HEADING,
            );
            expect(await at.innerText('main')).toContain('pat@acme.example');
            await saveScreenshot(at, 'oidc-consent');
            await Promise.all([
              at.waitForURL((u) => u.origin !== gw.publicUrl),
              at.getByRole('button', { name: 'Allow', exact: true }).click(),
            ]);
            return at;
          },
        );
      },
    });
  });
  afterAll(() => resources.stopAll());

  /** An authorization request of the SDK's registered client, for the browser-only cases. */
  function authorizationUrl(): string {
    const url = new URL(`${gw.publicUrl}/authorize`);
    url.searchParams.set('client_id', provider.clientInformation()?.client_id ?? '');
    url.searchParams.set('redirect_uri', callback.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('code_challenge', newPkce().challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.href;
  }

  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/entry/node.ts', ...args, '--data-dir', gw.dataDir],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
      },
    );
    return stdout;
  }

  it('prints the provider and the redirect URI to register in the banner, and makes no password admin', () => {
    expect(gw.stdout()).toContain(
      `sign-in:             Acme SSO (${op.issuer}), client jira-gateway`,
    );
    expect(gw.stdout()).toContain(`redirect URI:        ${gw.publicUrl}/login/oidc/callback`);
    expect(gw.stdout()).not.toContain('First run');
  });

  let client: Client;

  it('the SDK client registers, the person signs in at the provider and consents, and the client connects', async () => {
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-oidc', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(landed).toBeDefined();
    const at = new URL((await landed)?.url() ?? '');
    const params = await callback.next();
    expect(at.searchParams.get('code')).toBe(params.get('code'));
    expect(params.get('state')).toBe(provider.lastState ?? null);
    expect(params.get('iss')).toBe(gw.publicUrl);
    await first.finishAuth(params.get('code') ?? '');
    expectFreshTokens(provider.tokens());
    const connecting = new Client({ name: 'e2e-oidc', version: '1.0.0' });
    client = await resources.track(
      connecting
        .connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }))
        .then(() => connecting),
      (connected) => connected.close(),
    );
    await expectJiraToolsListed(client);
  });

  it('lists the person as signing in at the provider', async () => {
    const lines = (await cli('user', 'list')).trimEnd().split('\n');
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(0, 4))).toEqual([
      ['pat@acme.example', 'active', op.issuer, 'pat@acme.example'],
    ]);
  });

  it.each([
    ['eve', 'an e-mail outside the allowed domain'],
    ['sam', 'no allowed group'],
  ])('refuses %s (%s) with a page and a reference', async (login) => {
    const page = await (await browser.newContext()).newPage();
    const responses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/login/oidc/callback')) responses.push(r.status());
    });
    await signInThroughProvider(page, authorizationUrl(), login);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Access not allowed');
    expect(await page.innerText('main')).toMatch(/quote reference \S{16}/);
    expect(responses).toEqual([403]);
    await page.context().close();
  });

  it('shows "Sign-in cancelled" when the person cancels at the provider (error=access_denied)', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInThroughProvider(page, authorizationUrl(), 'pat', { cancel: true });
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign-in cancelled');
    await saveScreenshot(page, 'oidc-cancelled');
    await page.context().close();
  });

  it('disabling the person revokes the client’s tokens at once and refuses their next sign-in', async () => {
    expect(await cli('user', 'disable', 'pat@acme.example')).toBe(
      'Disabled user pat@acme.example.\n',
    );
    const token = provider.tokens()?.access_token ?? '';
    const refused = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(refused.status).toBe(401);
    const page = await (await browser.newContext()).newPage();
    await signInThroughProvider(page, authorizationUrl(), 'pat');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Account disabled');
    await page.context().close();
  });
});

describe('OpenID Connect sign-in end to end: a provider that is down', () => {
  it('starts anyway, says why in the log and on the page, and signs in once the provider answers', async () => {
    const resources = new SuiteResources();
    try {
      const [port, opPort] = [await freePort(), await freePort()];
      const publicUrl = `http://127.0.0.1:${String(port)}`;
      const gw = await resources.track(
        startGatewayProcess({
          PORT: String(port),
          OIDC_ISSUER: `http://127.0.0.1:${String(opPort)}`,
          OIDC_CLIENT_ID: 'jira-gateway',
          OIDC_CLIENT_SECRET: 'a-test-client-secret-that-is-long-enough',
          OIDC_PROVIDER_NAME: 'Acme SSO',
        }),
        (running) => running.stop(),
      );
      const deadline = Date.now() + 10_000;
      while (!gw.stderr().includes('oidc provider unreachable') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const logged = gw
        .stderr()
        .split('\n')
        .filter((line) => line.includes('oidc provider unreachable'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        level: 'warn',
        issuer: `http://127.0.0.1:${String(opPort)}`,
      });

      const register = await fetch(`${publicUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(nativeClientMetadata('down test', 'http://127.0.0.1:9/callback')),
      });
      const { client_id } = (await register.json()) as { client_id: string };
      const request = new URLSearchParams({
        client_id,
        redirect_uri: 'http://127.0.0.1:9/callback',
        response_type: 'code',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      });
      const start = `${publicUrl}/login/oidc/start?request=${encodeURIComponent(request.toString())}`;
      const down = await fetch(start, { redirect: 'manual' });
      expect(down.status).toBe(503);
      expect(await down.text()).toContain('<h1>Sign-in unavailable</h1>');

      await resources.track(
        startTestOpenIdProvider({
          redirectUri: `${publicUrl}/login/oidc/callback`,
          accounts: ACCOUNTS,
          port: opPort,
        }),
        (running) => running.close(),
      );
      // Discovery is retried after ten seconds; until then the page keeps saying why.
      let status = 0;
      const until = Date.now() + 15_000;
      while (status !== 303 && Date.now() < until) {
        const response = await fetch(start, { redirect: 'manual' });
        status = response.status;
        await response.body?.cancel();
        if (status !== 303) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status).toBe(303);
    } finally {
      await resources.stopAll();
    }
  }, 40_000);
});
