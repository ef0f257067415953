/**
 * The authorization pages in real Chromium, served by the gateway process:
 * what a person sees and can do with a keyboard, and what another origin
 * cannot do to them (framing, cross-site form posts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/http/pages/escape-html.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import {
  CONSENT_HEADING,
  consentInBrowser,
  focusedElement,
  labelledControls,
  launchChromium,
  saveScreenshot,
} from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  startLoopbackCallback,
  startStaticSite,
  type LoopbackCallback,
  type StaticSite,
} from '../helpers/loopback-servers.js';
import { newPkce } from '../helpers/oauth-client.js';
import { SuiteResources } from '../helpers/suite-resources.js';

let gw: GatewayProcess;
let browser: Browser;
let callback: LoopbackCallback;
let other: StaticSite;
let clientId: string;
const resources = new SuiteResources();

/** An authorization request with PKCE for the registered client. */
function authorization(state: string): { url: string; verifier: string } {
  const pkce = newPkce();
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: callback.redirectUri,
    response_type: 'code',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    scope: 'jira:read jira:write',
    resource: `${gw.publicUrl}/mcp`,
    state,
  });
  return { url: `${gw.publicUrl}/authorize?${query.toString()}`, verifier: pkce.verifier };
}

function redeem(code: string, verifier: string): Promise<Response> {
  return fetch(`${gw.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: callback.redirectUri,
      resource: `${gw.publicUrl}/mcp`,
    }).toString(),
  });
}

/** A page in a fresh browser profile (its own cookies). */
async function newPage(): Promise<Page> {
  return (await browser.newContext()).newPage();
}

let signedIn: Page | undefined;

/** The one browser that has signed in (session cookie set), shown the consent page for a new request. */
async function signedInAtConsent(state: string): Promise<Page> {
  if (signedIn === undefined) {
    signedIn = await newPage();
    await signedIn.goto(authorization(state).url);
    await signedIn.getByLabel('Username').fill('admin');
    await signedIn.getByLabel('Password').fill(gw.adminPassword ?? '');
    await signedIn.getByRole('button', { name: 'Sign in' }).click();
  } else {
    await signedIn.goto(authorization(state).url);
  }
  await signedIn.getByRole('heading', { name: CONSENT_HEADING }).waitFor();
  return signedIn;
}

beforeAll(async () => {
  [gw, browser, callback, other] = await Promise.all([
    resources.track(startGatewayProcess(), (started) => started.stop()),
    resources.track(launchChromium(), (started) => started.close()),
    resources.track(startLoopbackCallback(), (started) => started.close()),
    resources.track(startStaticSite(), (started) => started.close()),
  ]);
  const registered = await fetch(`${gw.url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Pages Test Client',
      redirect_uris: [callback.redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    }),
  });
  expect(registered.status).toBe(201);
  clientId = ((await registered.json()) as { client_id: string }).client_id;
});

afterAll(() => resources.stopAll());

describe('GET /authorize pages in Chromium (draft-ietf-oauth-v2-1-13 §4.1, §7.13; RFC 6749 §10.13)', () => {
  it('renders the sign-in and consent pages with labelled inputs, and works with the keyboard alone', async () => {
    const page = await newPage();
    const { url, verifier } = authorization('keyboard');
    expect((await page.goto(url))?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await labelledControls(page)).toEqual([
      { control: 'username', labels: ['Username'] },
      { control: 'password', labels: ['Password'] },
    ]);
    await saveScreenshot(page, 'login');

    await page.keyboard.press('Tab');
    expect(await focusedElement(page)).toBe('#username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    expect(await focusedElement(page)).toBe('#password');
    await page.keyboard.type(gw.adminPassword ?? '');
    await page.keyboard.press('Enter');
    await page
      .getByRole('heading', { name: 'Allow “Pages Test Client” to use your Jira?' })
      .waitFor();

    const read = page.getByRole('checkbox', { name: 'jira:read' });
    const write = page.getByRole('checkbox', { name: 'jira:write' });
    expect([await read.isChecked(), await read.isDisabled()]).toEqual([true, true]);
    expect([await write.isChecked(), await write.isDisabled()]).toEqual([true, false]);
    const controls = await labelledControls(page);
    expect(controls.map((c) => c.control)).toEqual(['scope-0', 'scope-1']);
    expect(controls[0]?.labels).toEqual([expect.stringMatching(/^Read Jira data.*jira:read$/s)]);
    expect(controls[1]?.labels).toEqual([expect.stringMatching(/^Change Jira.*jira:write$/s)]);
    await saveScreenshot(page, 'consent');

    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await page.getByRole('button', { name: 'Allow' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'consent-360');

    // The disabled jira:read box is skipped; Deny comes before Allow.
    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await page.keyboard.press('Tab');
      order.push(await focusedElement(page));
    }
    expect(order).toEqual(['#scope-1', 'decision=deny', 'decision=approve']);
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(callback.redirectUri)),
      page.keyboard.press('Enter'),
    ]);

    const params = await callback.next();
    expect(params.get('state')).toBe('keyboard');
    const token = await redeem(params.get('code') ?? '', verifier);
    expect(token.status).toBe(200);
    expect(((await token.json()) as { scope: string }).scope).toBe('jira:read jira:write');
  });

  it('issues a token with only jira:read when the person unticks jira:write', async () => {
    const page = await newPage();
    const { url, verifier } = authorization('read-only');
    const landed = await consentInBrowser(page, url, {
      username: 'admin',
      password: gw.adminPassword ?? '',
      untick: ['jira:write'],
    });
    const params = await callback.next();
    expect(landed.searchParams.get('code')).toBe(params.get('code'));
    const token = await redeem(params.get('code') ?? '', verifier);
    expect(token.status).toBe(200);
    expect(((await token.json()) as { scope: string }).scope).toBe('jira:read');
  });

  it('shows an error page, and redirects nowhere, for an unknown client', async () => {
    const page = await newPage();
    const url = authorization('unknown').url.replace(
      `client_id=${clientId}`,
      'client_id=mcp_unknown_client',
    );
    const before = callback.count();
    const response = await page.goto(url);
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Unknown application');
    expect(await page.locator('form, input').count()).toBe(0);
    await saveScreenshot(page, 'error');
    expect(page.url()).toBe(url);
    expect(callback.count()).toBe(before);
  });

  it('cannot be framed by another origin, even where the session cookie reaches it', async () => {
    const page = await signedInAtConsent('frame');
    const messages: string[] = [];
    page.on('console', (message) => messages.push(message.text()));
    const framed = authorization('framed').url;
    // Same site, other origin: the Lax session cookie is sent, so the consent page itself is what gets framed.
    other.serve(
      '/frame',
      `<!doctype html><title>Other site</title><iframe src="${framed}" width="600" height="600"></iframe>`,
    );
    const [served] = await Promise.all([
      page.waitForResponse((r) => r.url() === framed),
      page.goto(`http://127.0.0.1:${other.port}/frame`),
    ]);
    expect(served.status()).toBe(200);
    expect(served.headers()['x-frame-options']).toBe('DENY');
    expect(served.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    // What the frame was sent is this browser's consent page (its cookies, asked outside the frame).
    const cookies = await page.context().cookies(gw.publicUrl);
    const direct = await fetch(framed, {
      headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(await direct.text()).toMatch(/Allow “Pages Test Client” to use your Jira\?/);

    await page.waitForLoadState('load');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    // Chromium swaps a blocked frame for its own error document and says why on the console.
    expect(frame?.url()).toBe('chrome-error://chromewebdata/');
    expect(await frame?.locator('form').count()).toBe(0);
    expect(messages).toContainEqual(
      expect.stringMatching(/^Framing '.+' violates .* directive: "frame-ancestors 'none'"/),
    );
  });

  it.each([
    ['cross-site', 'localhost'],
    ['same-site, other origin', '127.0.0.1'],
  ])(
    'refuses a %s form POST to /authorize/consent, even with a valid CSRF token',
    async (_kind, host) => {
      const page = await signedInAtConsent(`csrf-${host}`);
      const html = await page.content();
      const fields = {
        csrf_token: inputValue(html, 'csrf_token'),
        request: inputValue(html, 'request'),
      };
      other.serve(
        `/csrf-${host}`,
        `<!doctype html><title>Win a prize</title>
<form method="post" action="${gw.publicUrl}/authorize/consent">
<input type="hidden" name="csrf_token" value="${fields.csrf_token}">
<input type="hidden" name="request" value="${escapeHtml(fields.request)}">
<input type="hidden" name="scope" value="jira:read"><input type="hidden" name="scope" value="jira:write">
<input type="hidden" name="decision" value="approve">
</form><script>document.forms[0].submit()</script>`,
      );
      const before = callback.count();
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${gw.publicUrl}/authorize/consent`),
        page.goto(`http://${host}:${other.port}/csrf-${host}`),
      ]);
      expect(answer.status()).toBe(403);
      expect(answer.headers()['location']).toBeUndefined();
      await page.getByRole('heading', { name: 'Request refused' }).waitFor();
      expect(await page.innerText('main')).toContain('This form was sent from another site.');
      expect(page.url()).toBe(`${gw.publicUrl}/authorize/consent`);
      expect(callback.count()).toBe(before);
    },
  );
});

describe('POST /authorize/login behind Referrer-Policy: no-referrer (Fetch §3.1 Origin "null")', () => {
  /** Opens the login page, then posts it with the given `Origin` and `Sec-Fetch-Site`. */
  const login = async (headers: Record<string, string>): Promise<Response> => {
    const agent = new PageAgent(fetch, gw.url);
    const html = await (await agent.get(authorization('login').url)).text();
    const body = new URLSearchParams({
      username: 'admin',
      password: gw.adminPassword ?? '',
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
    });
    return agent.request(`${gw.url}/authorize/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.toString(),
    });
  };

  it('accepts Origin: null when the browser vouches with Sec-Fetch-Site: same-origin', async () => {
    const response = await login({ origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/authorize\?/);
  });

  it('refuses Origin: null without Sec-Fetch-Site, which an attacker page can also produce', async () => {
    const response = await login({ origin: 'null' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form was sent from another site.');
  });

  it('refuses Origin: null with Sec-Fetch-Site: cross-site', async () => {
    const response = await login({ origin: 'null', 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
  });
});
