/**
 * `/account` in-process, signed in: the list of connected applications
 * (escaped, only the person's live grants), sections and notices, and
 * Disconnect (CSRF, same origin, owner only, immediate effect at /mcp and
 * /token, audited). Signing in and out: account-sign-in-out.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import type { AccountSection } from '../../src/http/account-sections.js';
import { USER_DISCONNECTED_REASON } from '../../src/oauth/disconnect-grant.js';
import { PERSONAL_ACCESS_TOKEN_CLIENT_ID } from '../../src/storage/ports.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { tokenRequest } from '../helpers/oauth-client.js';
import {
  accountGateway,
  accountPage,
  auditOf,
  BOB,
  connectApp,
  expectPageHeaders,
  mcpInitialize,
  signedInAtAccount,
} from './account-helpers.js';

let gw: TestGateway;
beforeEach(async () => {
  gw = await accountGateway();
});
afterEach(async () => {
  await gw.close();
});

describe('GET /account signed in: connected applications', () => {
  it('lists each live grant: name, not verified, where it returns, scopes, connected, last used, expiry', async () => {
    const app = await connectApp(gw, 'Claude Desktop');
    const agent = await signedInAtAccount(gw);
    let { html } = await accountPage(agent);
    expect(html).toContain('<h3>Claude Desktop <span class="tag">(not verified)</span></h3>');
    expect(html).toContain('<dt>Returns to</dt><dd><strong>127.0.0.1:53682</strong></dd>');
    expect(html).toContain('<code>jira:read</code>');
    expect(html).toContain('<code>jira:write</code>');
    const created = new Date(gw.clock.now()).toISOString();
    expect(html).toContain(`<dt>Connected</dt><dd><time datetime="${created}">`);
    expect(html).toContain('<dt>Last used</dt><dd>Not yet</dd>');
    const grant = await gw.storage.grants.get(app.grantId);
    expect(html).toContain(
      `<dt>Expires</dt><dd><time datetime="${new Date(grant?.expiresAt ?? 0).toISOString()}">`,
    );
    expect(html).toContain(`action="/account/grants/${app.grantId}/disconnect"`);
    expect(html).toContain('aria-label="Disconnect Claude Desktop">Disconnect</button>');

    gw.clock.advance(5_000);
    expect((await mcpInitialize(gw.fetch, app.accessToken)).status).toBe(200);
    ({ html } = await accountPage(agent));
    const used = new Date(gw.clock.now()).toISOString();
    expect(html).toContain(`<dt>Last used</dt><dd><time datetime="${used}">`);
  });

  it('shows neither revoked nor other people’s grants', async () => {
    const mine = await connectApp(gw, 'Mine');
    await connectApp(gw, 'Bobs app', BOB);
    const gone = await connectApp(gw, 'Gone');
    await gw.storage.grants.revoke(gone.grantId, gw.clock.now(), 'test');
    const { html } = await accountPage(await signedInAtAccount(gw));
    expect(html).toContain('<h3>Mine');
    expect(html).not.toContain('Bobs app');
    expect(html).not.toContain('<h3>Gone');
    expect(html.match(/class="app"/g)).toHaveLength(1);
    expect(html).toContain(mine.grantId);
  });

  it('lists a personal access token by the name its person gave it, with Revoke', async () => {
    const agent = await signedInAtAccount(gw);
    const user = await gw.storage.users.getByUsername('alice');
    const now = gw.clock.now();
    await gw.storage.grants.create({
      id: 'grt_personal_1',
      userId: user?.id ?? '',
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      scopes: ['jira:read'],
      resource: gw.config.resource,
      createdAt: now,
      expiresAt: now + 30 * 86_400_000,
      kind: 'personal',
      label: 'CI <nightly>',
    });
    const { html, csrf } = await accountPage(agent);
    expect(html).toContain(
      '<h3>CI &lt;nightly&gt; <span class="tag">Personal access token</span></h3>',
    );
    expect(html).not.toContain('Returns to');
    expect(html).toContain('<dt>Created</dt>');
    expect(html).toContain('aria-label="Revoke CI &lt;nightly&gt;">Revoke</button>');
    const revoked = await agent.post('/account/grants/grt_personal_1/disconnect', {
      csrf_token: csrf,
    });
    expect(revoked.headers.get('location')).toBe('/account?notice=disconnected');
    const [event] = await auditOf(gw, AUDIT_EVENT.grantDisconnected);
    expect(event?.detail).toEqual({ kind: 'personal' });
  });

  it('renders no script, no inline style or handler, and only links and actions on this origin', async () => {
    await connectApp(gw, 'Shape');
    const signedOut = await (await new PageAgent(gw.fetch, TEST_ISSUER).get('/account')).text();
    const { html } = await accountPage(await signedInAtAccount(gw));
    for (const page of [signedOut, html]) {
      expect(page).not.toMatch(/<script|\sstyle=|\son[a-z]+=|https?:\/\//i);
      for (const [, value] of page.matchAll(/\s(?:href|action|src)="([^"]*)"/g)) {
        expect(value).toMatch(/^(\/(?![/\\])[^\s\\]*|data:,)$/);
      }
    }
  });

  it('escapes a hostile client name everywhere it appears', async () => {
    const hostile = '<img src=x onerror=alert(1)>"\'`&';
    await connectApp(gw, hostile);
    const { html } = await accountPage(await signedInAtAccount(gw));
    const escaped = '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;';
    expect(html).not.toContain('<img');
    expect(html).toContain(`<h3>${escaped} <span class="tag">(not verified)</span></h3>`);
    expect(html).toContain(`aria-label="Disconnect ${escaped}"`);
  });

  it('shows a notice only from the fixed list, never what the URL says', async () => {
    const agent = await signedInAtAccount(gw);
    const known = await (await agent.get('/account?notice=disconnected')).text();
    expect(known).toContain(
      '<p class="status" role="status">The application was disconnected. Its access ended at once.</p>',
    );
    const forged = await (
      await agent.get('/account?notice=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    ).text();
    expect(forged).not.toContain('role="status"');
    expect(forged).not.toContain('<script');
    const inherited = await (await agent.get('/account?notice=constructor')).text();
    expect(inherited).not.toContain('role="status"');
  });

  it('renders the sections other parts add, in order, with their notices', async () => {
    await gw.close();
    const section = (id: string, notices?: Record<string, string>): AccountSection => ({
      id,
      render: ({ user, csrfToken }) =>
        Promise.resolve(`<h2>${id}</h2><p>for ${user.username} ${csrfToken.length}</p>`),
      ...(notices === undefined ? {} : { notices }),
    });
    gw = await accountGateway({}, [
      section('personal-tokens', { 'token-created': 'Your token was created.' }),
      section('jira-account'),
    ]);
    const agent = await signedInAtAccount(gw);
    const html = await (await agent.get('/account?notice=token-created')).text();
    expect(html).toContain('<p class="status" role="status">Your token was created.</p>');
    const order = ['id="connected-applications"', 'id="personal-tokens"', 'id="jira-account"'];
    const positions = order.map((needle) => html.indexOf(needle));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain(
      '<section id="personal-tokens">\n<h2>personal-tokens</h2><p>for alice 43</p>\n</section>',
    );
  });
});

describe('POST /account/grants/:id/disconnect (RFC 7009 §2.1)', () => {
  it('revokes the grant: its access token stops at /mcp at once, its refresh token at /token; audited', async () => {
    const app = await connectApp(gw, 'Cursor');
    expect((await mcpInitialize(gw.fetch, app.accessToken)).status).toBe(200);
    const agent = await signedInAtAccount(gw);
    const { csrf } = await accountPage(agent);
    const response = await agent.post(`/account/grants/${app.grantId}/disconnect`, {
      csrf_token: csrf,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?notice=disconnected');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const mcp = await mcpInitialize(gw.fetch, app.accessToken);
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refresh = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      refresh_token: app.refreshToken,
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');

    const grant = await gw.storage.grants.get(app.grantId);
    expect(grant?.revokedReason).toBe(USER_DISCONNECTED_REASON);
    const [event] = await auditOf(gw, AUDIT_EVENT.grantDisconnected);
    expect(event).toMatchObject({
      outcome: 'success',
      username: 'alice',
      clientId: app.clientId,
      grantId: app.grantId,
      detail: { kind: 'oauth' },
    });
    const page = await (await agent.get('/account?notice=disconnected')).text();
    expect(page).toContain('role="status">The application was disconnected.');
    expect(page).not.toContain('<h3>Cursor');
  });

  it('answers a second disconnect of the same grant with a notice, auditing once', async () => {
    const app = await connectApp(gw, 'Twice');
    const agent = await signedInAtAccount(gw);
    const { csrf } = await accountPage(agent);
    const path = `/account/grants/${app.grantId}/disconnect`;
    expect((await agent.post(path, { csrf_token: csrf })).headers.get('location')).toBe(
      '/account?notice=disconnected',
    );
    const again = await agent.post(path, { csrf_token: csrf });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/account?notice=already-disconnected');
    expect(await auditOf(gw, AUDIT_EVENT.grantDisconnected)).toHaveLength(1);
  });

  it('refuses someone else’s grant with a 404 page, leaving it working', async () => {
    const bobs = await connectApp(gw, 'Bobs app', BOB);
    const agent = await signedInAtAccount(gw);
    const { csrf } = await accountPage(agent);
    const response = await agent.post(`/account/grants/${bobs.grantId}/disconnect`, {
      csrf_token: csrf,
    });
    expect(response.status).toBe(404);
    expectPageHeaders(response);
    expect(await response.text()).toContain('<h1>No such application</h1>');
    expect((await gw.storage.grants.get(bobs.grantId))?.revokedAt).toBeUndefined();
    expect((await mcpInitialize(gw.fetch, bobs.accessToken)).status).toBe(200);
    const unknown = await agent.post(`/account/grants/${'x'.repeat(129)}/disconnect`, {
      csrf_token: csrf,
    });
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['no CSRF token', {}],
    ['a wrong CSRF token', { csrf_token: 'A'.repeat(43) }],
  ])('refuses %s with the 403 page and revokes nothing', async (_label, fields) => {
    const app = await connectApp(gw, 'Kept');
    const agent = await signedInAtAccount(gw);
    await accountPage(agent);
    const response = await agent.post(`/account/grants/${app.grantId}/disconnect`, fields);
    expect(response.status).toBe(403);
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('<h1>Session expired</h1>');
    expect(html).toContain('Open your account page again');
    expect((await gw.storage.grants.get(app.grantId))?.revokedAt).toBeUndefined();
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['another Origin', { origin: 'https://evil.test', 'sec-fetch-site': 'same-origin' }],
    ['Origin: null without Sec-Fetch-Site', { origin: 'null', 'sec-fetch-site': '' }],
  ])('refuses a form sent with %s, even with the right CSRF token', async (_label, headers) => {
    const app = await connectApp(gw, 'Kept');
    const agent = await signedInAtAccount(gw);
    const { csrf } = await accountPage(agent);
    const sent: Record<string, string> = { ...headers };
    if (sent['sec-fetch-site'] === '') delete sent['sec-fetch-site'];
    const response = await agent.request(`/account/grants/${app.grantId}/disconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sent },
      body: new URLSearchParams({ csrf_token: csrf }).toString(),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form was sent from another site.');
    expect((await gw.storage.grants.get(app.grantId))?.revokedAt).toBeUndefined();
  });

  it('revokes nothing for a browser that is no longer signed in', async () => {
    const app = await connectApp(gw, 'Kept');
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const csrf = inputValue(await (await agent.get('/account')).text(), 'csrf_token');
    const response = await agent.post(`/account/grants/${app.grantId}/disconnect`, {
      csrf_token: csrf,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect((await gw.storage.grants.get(app.grantId))?.revokedAt).toBeUndefined();
  });
});
