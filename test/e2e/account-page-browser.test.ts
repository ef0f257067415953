/**
 * `/account` in real Chromium, served by the gateway process: a person
 * signs in on the page itself, sees the application a real OAuth flow
 * connected, disconnects it with the keyboard (its token stops at /mcp),
 * and signs out. Checked on the way: no CSP violation, no horizontal
 * scrolling at 390 px, the dark palette, focus order, and each button's
 * accessible name. Screenshots go to test-artifacts/screenshots/account-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PALETTE } from '../../src/http/pages/layout.js';
import { consentInBrowser, launchChromium, saveScreenshot } from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startLoopbackCallback, type LoopbackCallback } from '../helpers/loopback-servers.js';
import { newPkce } from '../helpers/oauth-client.js';
import { SuiteResources } from '../helpers/suite-resources.js';

const CLIENT_NAME = 'Account Test Client';

let gw: GatewayProcess;
let browser: Browser;
let callback: LoopbackCallback;
const resources = new SuiteResources();

/** Runs the whole OAuth flow for a new client in its own browser profile; returns its access token. */
async function connectClient(): Promise<string> {
  const registered = await fetch(`${gw.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: CLIENT_NAME,
      redirect_uris: [callback.redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    }),
  });
  expect(registered.status).toBe(201);
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const pkce = newPkce();
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: callback.redirectUri,
    response_type: 'code',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    scope: 'jira:read jira:write',
    resource: `${gw.publicUrl}/mcp`,
    state: 'account',
  });
  const page = await (await browser.newContext()).newPage();
  await consentInBrowser(page, `${gw.publicUrl}/authorize?${query.toString()}`, {
    username: 'admin',
    password: gw.adminPassword ?? '',
  });
  const code = (await callback.next()).get('code') ?? '';
  const token = await fetch(`${gw.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: pkce.verifier,
      redirect_uri: callback.redirectUri,
      resource: `${gw.publicUrl}/mcp`,
    }).toString(),
  });
  expect(token.status).toBe(200);
  return ((await token.json()) as { access_token: string }).access_token;
}

function mcpStatus(accessToken: string): Promise<number> {
  return fetch(`${gw.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'account-browser', version: '1' },
      },
    }),
  }).then((r) => r.status);
}

/** What keyboard focus is on: a button's accessible name, or `#id`. */
async function focused(page: Page): Promise<string> {
  const script = `(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'none';
    return el.getAttribute('aria-label') ?? (el.id === '' ? (el.textContent ?? '') : '#' + el.id);
  })()`;
  return String(await page.evaluate(script));
}

async function horizontalOverflow(page: Page): Promise<number> {
  return Number(
    await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ),
  );
}

beforeAll(async () => {
  [gw, browser, callback] = await Promise.all([
    resources.track(startGatewayProcess(), (started) => started.stop()),
    resources.track(launchChromium(), (started) => started.close()),
    resources.track(startLoopbackCallback(), (started) => started.close()),
  ]);
});

afterAll(() => resources.stopAll());

describe('/account in Chromium (RFC 7009 §2.1; WCAG 2.2 SC 1.4.10, 2.1.1, 2.4.3, 4.1.2)', () => {
  it('signs in, shows the connected app, disconnects it by keyboard, and signs out', async () => {
    const accessToken = await connectClient();
    expect(await mcpStatus(accessToken)).toBe(200);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) {
        problems.push(m.text());
      }
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const opened = await page.goto(`${gw.publicUrl}/account`);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['x-frame-options']).toBe('DENY');
    expect(opened?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByRole('heading', { level: 1, name: 'Sign in to your account' }).waitFor();
    await saveScreenshot(page, 'account-sign-in-390');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('#username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('#password');
    await page.keyboard.type(gw.adminPassword ?? '');
    await Promise.all([page.waitForURL(`${gw.publicUrl}/account`), page.keyboard.press('Enter')]);

    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const app = page.getByRole('listitem').filter({ hasText: CLIENT_NAME });
    expect(await app.getByRole('heading', { level: 3 }).innerText()).toBe(
      `${CLIENT_NAME} (not verified)`,
    );
    expect(await app.innerText()).toMatch(/Returns to\s+127\.0\.0\.1:\d+/);
    expect(await app.innerText()).toMatch(/Last used\s+\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/);
    const disconnect = page.getByRole('button', { name: `Disconnect ${CLIENT_NAME}`, exact: true });
    expect(await disconnect.isVisible()).toBe(true);

    await page.emulateMedia({ colorScheme: 'light' });
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'account-390-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await horizontalOverflow(page)).toBe(0);
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    const hex =
      PALETTE.dark.page
        .slice(1)
        .match(/../g)
        ?.map((h) => parseInt(h, 16)) ?? [];
    expect(background).toBe(`rgb(${hex.join(', ')})`);
    await saveScreenshot(page, 'account-390-dark');

    // Keyboard alone: from the top, Tab reaches Disconnect, then Sign out.
    await page.evaluate('document.activeElement?.blur()');
    const order: string[] = [];
    while (order.length < 30 && order.at(-1) !== 'Sign out') {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    // Disconnect comes first; the sections other parts add may sit between it and Sign out.
    expect(order[0]).toBe(`Disconnect ${CLIENT_NAME}`);
    expect(order.at(-1)).toBe('Sign out');
    for (let i = order.length - 1; i > 0; i -= 1) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe(`Disconnect ${CLIENT_NAME}`);
    await Promise.all([
      page.waitForURL(`${gw.publicUrl}/account?notice=disconnected`),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.getByRole('status').innerText()).toBe(
      'The application was disconnected. Its access ended at once.',
    );
    expect(await page.getByText('No application is connected to your account.').isVisible()).toBe(
      true,
    );
    expect(await mcpStatus(accessToken)).toBe(401);
    await saveScreenshot(page, 'account-390-dark-disconnected');

    await Promise.all([
      page.waitForURL(`${gw.publicUrl}/account?notice=signed-out`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Sign in to your account' }).waitFor();
    expect(await page.getByRole('status').innerText()).toBe('You are signed out.');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('jmg_session');
    expect(problems).toEqual([]);
  });
});
