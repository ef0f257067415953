/**
 * `/account` in-process, signing in and out: the sign-in that comes back to
 * exactly /account (throttled, audited, CSRF-protected), and sign-out, which
 * deletes the session row as well as the cookie.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  accountGateway,
  accountPage,
  auditOf,
  expectPageHeaders,
  signedInAtAccount,
} from './account-helpers.js';

let gw: TestGateway;
beforeEach(async () => {
  gw = await accountGateway();
});
afterEach(async () => {
  await gw.close();
});

describe('GET /account signed out: sign-in that returns to /account', () => {
  it('offers the password form posting to /account/login, with the page headers', async () => {
    const response = await new PageAgent(gw.fetch, TEST_ISSUER).get('/account');
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('<h1>Sign in to your account</h1>');
    expect(html).toContain('<form method="post" action="/account/login">');
    // Nothing to resume: no authorization request, and no return address to forge.
    expect(html).not.toContain('name="request"');
    expect(html).not.toContain('Connected applications');
    expect(inputValue(html, 'csrf_token')).toHaveLength(43);
  });

  it('signs in, comes back to exactly /account, and audits the sign-in', async () => {
    const agent = await signedInAtAccount(gw);
    const { html } = await accountPage(agent);
    expect(html).toContain('Signed in as <strong>alice</strong>.');
    expect(html).toContain('<p>No application is connected to your account.</p>');
    const [succeeded] = await auditOf(gw, AUDIT_EVENT.loginSucceeded);
    expect(succeeded).toMatchObject({ username: 'alice', outcome: 'success' });
    expect(succeeded?.detail).toEqual({ via: 'account' });
  });

  it('answers a wrong password with 401 and the form again, audited', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const csrf = inputValue(await (await agent.get('/account')).text(), 'csrf_token');
    const response = await agent.post('/account/login', {
      username: 'alice',
      password: 'wrong',
      csrf_token: csrf,
    });
    expect(response.status).toBe(401);
    expectPageHeaders(response);
    expect(await response.text()).toContain('Wrong username or password.');
    expect(agent.cookie('__Host-jmg_session')).toBeUndefined();
    expect(await auditOf(gw, AUDIT_EVENT.loginFailed)).toHaveLength(1);
  });

  it('refuses a sign-in POST without the CSRF token with 403, signing nobody in', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    await agent.get('/account');
    const response = await agent.post('/account/login', {
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<h1>Session expired</h1>');
    expect(agent.cookie('__Host-jmg_session')).toBeUndefined();
  });
});

describe('POST /account/sign-out', () => {
  it('deletes the session row and cookie, is audited, and /account asks to sign in again', async () => {
    const agent = await signedInAtAccount(gw);
    const sessionId = agent.cookie('__Host-jmg_session') ?? '';
    expect(await gw.storage.sessions.get(hashSecret(sessionId), gw.clock.now())).toBeDefined();
    const { csrf } = await accountPage(agent);
    const response = await agent.post('/account/sign-out', { csrf_token: csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account?notice=signed-out');
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-jmg_session=; Max-Age=0;/);
    expect(agent.cookie('__Host-jmg_session')).toBeUndefined();
    expect(await gw.storage.sessions.get(hashSecret(sessionId), gw.clock.now())).toBeUndefined();
    const [event] = await auditOf(gw, AUDIT_EVENT.logoutSucceeded);
    expect(event).toMatchObject({ outcome: 'success', username: 'alice' });

    const page = await (await agent.get('/account?notice=signed-out')).text();
    expect(page).toContain('<h1>Sign in to your account</h1>');
    expect(page).toContain('<p class="status" role="status">You are signed out.</p>');
    // The old cookie, replayed, is worth nothing: the row is gone.
    const replay = new PageAgent(gw.fetch, TEST_ISSUER);
    const replayed = await replay.request('/account', {
      headers: { cookie: `__Host-jmg_session=${sessionId}` },
    });
    expect(await replayed.text()).toContain('<h1>Sign in to your account</h1>');
  });

  it('refuses a sign-out without the CSRF token, keeping the session', async () => {
    const agent = await signedInAtAccount(gw);
    const response = await agent.post('/account/sign-out', {});
    expect(response.status).toBe(403);
    expect((await accountPage(agent)).html).toContain('Signed in as <strong>alice</strong>');
  });
});
