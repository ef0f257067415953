import { describe, expect, it } from 'vitest';
import { SANDBOX_ATLASSIAN_APP } from '../../src/sandbox/index.js';
import {
  authorizeUrl,
  CALLBACK,
  consent,
  EMAILS,
  hiddenFields,
  postAuthorize,
} from './atlassian-fixture.js';
import { useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

/** The form's fields for an accepted consent by Alice. */
async function filledForm(
  overrides: Record<string, string | undefined> = {},
): Promise<Record<string, string>> {
  const page = await fetch(authorizeUrl(t, overrides));
  expect(page.status).toBe(200);
  return {
    ...hiddenFields(await page.text()),
    email: EMAILS.alice,
    password: 'sandbox',
    decision: 'accept',
  };
}

describe('GET /authorize (Atlassian 3LO authorization endpoint)', () => {
  it('shows a sign-in and consent form naming every scope, unframeable and uncached', async () => {
    const res = await fetch(authorizeUrl(t));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain(
      "form-action 'self' http://127.0.0.1:4321",
    );
    const html = await res.text();
    expect(html).toContain('name="email"');
    expect(html).toContain('name="password"');
    expect(html).toContain('value="accept"');
    for (const scope of [
      'read:jira-work',
      'write:jira-work',
      'read:jira-user',
      'read:me',
      'offline_access',
    ]) {
      expect(html).toContain(`<code>${scope}</code>`);
    }
    expect(html).toContain('sandbox only');
    expect(hiddenFields(html)).toMatchObject({
      client_id: SANDBOX_ATLASSIAN_APP.clientId,
      state: 'state-123',
    });
  });

  it('shows an error page, never a redirect, for an unknown client or a foreign redirect URI (RFC 6749 §4.1.2.1)', async () => {
    for (const overrides of [
      { client_id: 'someone-else' },
      { client_id: undefined },
      { redirect_uri: 'https://evil.example/jira/oauth/callback' },
      { redirect_uri: 'http://127.0.0.1:4321/jira/oauth/callback/extra' },
      { redirect_uri: 'http://127.0.0.1.evil.example/jira/oauth/callback' },
      { redirect_uri: undefined },
    ]) {
      const res = await fetch(authorizeUrl(t, overrides), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Something went wrong');
    }
  });

  it('accepts any loopback port on 127.0.0.1 and localhost, and URIs registered at runtime', async () => {
    for (const uri of [
      'http://localhost:9/jira/oauth/callback',
      'http://127.0.0.1:65000/jira/oauth/callback',
    ]) {
      expect((await fetch(authorizeUrl(t, { redirect_uri: uri }))).status).toBe(200);
    }
    const custom = 'https://gateway.example.org/jira/oauth/callback';
    expect((await fetch(authorizeUrl(t, { redirect_uri: custom }))).status).toBe(400);
    t.sandbox.atlassian.registerRedirectUri(custom);
    expect((await fetch(authorizeUrl(t, { redirect_uri: custom }))).status).toBe(200);
  });

  it('sends other mistakes back to the client with error and state (RFC 6749 §4.1.2.1)', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ audience: 'api.example.com' }, 'invalid_request'],
      [{ scope: 'read:jira-work admin:everything' }, 'invalid_scope'],
      [{ scope: '' }, 'invalid_scope'],
      [{ scope: 'read:jira-work constructor' }, 'invalid_scope'],
      [{ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
    ];
    for (const [overrides, error] of cases) {
      const res = await fetch(authorizeUrl(t, overrides), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('state-123');
    }
  });
});

describe('POST /authorize (sign in and consent)', () => {
  it('redirects to the callback with a code and the state for any account with password "sandbox"', async () => {
    for (const email of [EMAILS.alice, 'BOB@example.com']) {
      const redirect = await consent(t, email);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(CALLBACK);
      expect(redirect.searchParams.get('state')).toBe('state-123');
      expect(redirect.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('answers 401 with the form again, and no redirect, for a wrong password or unknown account', async () => {
    const form = await filledForm();
    for (const credentials of [
      { email: EMAILS.alice, password: 'wrong' },
      { email: 'mallory@example.com', password: 'sandbox' },
    ]) {
      const res = await postAuthorize(t, { ...form, ...credentials });
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(html).toContain('Incorrect email address and / or password.');
      expect(html).not.toContain('value="wrong"');
    }
  });

  it('redirects with access_denied when the person cancels', async () => {
    const res = await postAuthorize(t, { ...(await filledForm()), decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('re-checks the client and redirect URI on the post (a forged form gets the error page)', async () => {
    const form = await filledForm();
    const res = await postAuthorize(t, { ...form, redirect_uri: 'https://evil.example/cb' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a post from another origin (login CSRF) with 403', async () => {
    const res = await postAuthorize(t, await filledForm(), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('accepts Origin: null from its own no-referrer page only when the browser vouches same-origin', async () => {
    const vouched = await postAuthorize(t, await filledForm(), {
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });
    expect(vouched.status).toBe(302);
    expect(new URL(vouched.headers.get('location') ?? '').searchParams.get('code')).not.toBeNull();
    for (const site of [undefined, 'cross-site', 'same-site']) {
      const res = await postAuthorize(t, await filledForm(), {
        origin: 'null',
        ...(site === undefined ? {} : { 'sec-fetch-site': site }),
      });
      expect(res.status, String(site)).toBe(403);
    }
  });

  it('keeps the password and the form body out of the request log', async () => {
    await consent(t, EMAILS.alice);
    const posts = t.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/authorize');
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect(post.body).toBe('[REDACTED]');
  });
});
