/**
 * The gateway as a relying party, in-process, against the scripted OpenID
 * provider over real HTTP on 127.0.0.1: the happy path end to end (to the
 * MCP client's code), and every failure as a page with a reference.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../../src/audit/audit-events.js';
import { PageAgent } from '../../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../../helpers/gateway.js';
import {
  approve,
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
} from '../../helpers/oauth-client.js';
import { startScriptedOpenIdProvider } from '../../helpers/scripted-openid-provider.js';
import { CLIENT_SECRET, signInLink, useScriptedOidc } from './oidc-fixture.js';

const oidc = useScriptedOidc();
const gateway = oidc.gateway;

function unescape(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

interface Started {
  agent: PageAgent;
  authorize: string;
  /** Where the gateway sent the browser: the provider's authorization endpoint. */
  provider: URL;
  challenge: string;
}

/** An MCP client's authorization request, then "Sign in with Acme SSO". */
async function startSignIn(
  g: TestGateway,
  agent = new PageAgent(g.fetch, TEST_ISSUER),
): Promise<Started> {
  const { authorize, challenge, link } = await signInLink(g, agent);
  const start = await agent.get(link);
  expect(start.status).toBe(303);
  expect(start.headers.get('cache-control')).toBe('no-store');
  return {
    agent,
    authorize,
    provider: new URL(start.headers.get('location') ?? ''),
    challenge,
  };
}

/** What the provider redirects the browser to after the person signs in. */
async function providerAnswer(provider: URL): Promise<string> {
  const response = await fetch(provider, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

/** Failures anyone can cause for free: audited as the n-th refusal of a window (1, 10, 100…). */
const FREE_REASONS = new Set(['no_sign_in_in_flight', 'state_mismatch']);

async function expectFailurePage(
  response: Response,
  status: number,
  title: string,
  reason: string,
  g: TestGateway,
  refusedInWindow = 1,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  const html = await response.text();
  expect(html).toContain(`<h1>${title}</h1>`);
  const requestId = response.headers.get('x-request-id') ?? '';
  expect(requestId).not.toBe('');
  expect(html).toContain(`quote reference <code>${requestId}</code>`);
  const events = await g.storage.audit.tail(5);
  const failed = events.filter((e) => e.type === AUDIT_EVENT.loginFailed).at(-1);
  if (!FREE_REASONS.has(reason)) {
    expect(failed?.detail).toStrictEqual({ method: 'oidc', reason });
    expect(failed?.requestId).toBe(requestId);
  } else if (refusedInWindow === 1) {
    expect(failed?.detail).toStrictEqual({ method: 'oidc', reason, refusedInWindow });
    expect(failed?.requestId).toBe(requestId);
  } else {
    // Not the 1st, 10th, 100th… of the window: no row of its own.
    expect(events.some((e) => e.requestId === requestId)).toBe(false);
  }
}

describe('OpenID Connect sign-in: the relying party (OpenID Connect Core 1.0 §3.1)', () => {
  it('sends PKCE S256, state and nonce, redeems with the verifier and client secret, and continues to consent and the code', async () => {
    const g = await gateway();
    const { agent, provider, authorize } = await startSignIn(g);
    expect(provider.origin + provider.pathname).toBe(`${oidc.op.issuer}/authorize`);
    const sent = provider.searchParams;
    expect(sent.get('response_type')).toBe('code');
    expect(sent.get('client_id')).toBe(oidc.op.clientId);
    expect(sent.get('redirect_uri')).toBe(`${TEST_ISSUER}/login/oidc/callback`);
    expect(sent.get('scope')).toBe('openid email profile');
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(sent.get('nonce')).toMatch(/^[\w-]{40,}$/);

    const callback = await providerAnswer(provider);
    const back = await agent.get(callback);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(authorize.slice(TEST_ISSUER.length));

    const [token] = oidc.op.tokenRequests;
    const verifier = token?.form.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      sent.get('code_challenge'),
    );
    expect(token?.form.get('redirect_uri')).toBe(`${TEST_ISSUER}/login/oidc/callback`);
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64.
    const basic = Buffer.from((token?.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')
      .map(decodeURIComponent);
    expect(basic).toStrictEqual([oidc.op.clientId, CLIENT_SECRET]);

    const consent = await agent.get(back.headers.get('location') ?? '');
    expect(await consent.clone().text()).toContain('pat@acme.example');
    const redirect = await approve(agent, authorize);
    expect(redirect.origin + redirect.pathname).toBe(LOOPBACK_REDIRECT);
    expect(redirect.searchParams.get('code')).toMatch(/\S{20,}/);
    expect(redirect.searchParams.get('state')).toBe('client-state');

    const user = await g.storage.users.getByIdentity({
      issuer: oidc.op.issuer,
      subject: 'person-1',
    });
    expect(user).toMatchObject({
      username: 'pat@acme.example',
      email: 'pat@acme.example',
      name: 'Pat Doe',
      passwordHash: '',
      disabled: false,
    });
    const types = (await g.storage.audit.tail(20)).map((e) => e.type);
    expect(types).toContain(AUDIT_EVENT.userCreated);
    expect(types).toContain(AUDIT_EVENT.loginSucceeded);
  });

  it('finds the same person on the next sign-in, and gives a colliding e-mail a new username', async () => {
    const g = await gateway();
    for (let i = 0; i < 2; i++) {
      const { agent, provider } = await startSignIn(g);
      expect((await agent.get(await providerAnswer(provider))).status).toBe(303);
    }
    oidc.op.claims = { ...oidc.op.claims, sub: 'person-2' };
    const { agent, provider } = await startSignIn(g);
    expect((await agent.get(await providerAnswer(provider))).status).toBe(303);
    const names = (await g.storage.users.list()).map((u) => u.username).sort();
    expect(names).toStrictEqual(['alice', 'pat@acme.example', 'pat@acme.example-2']);
  });

  it('refuses a password for a person from the provider', async () => {
    const g = await gateway({ LOCAL_LOGIN: 'true' });
    const { agent, provider } = await startSignIn(g);
    await agent.get(await providerAnswer(provider));
    const { UserService } = await import('../../../src/accounts/users.js');
    const users = new UserService(g.storage.users, g.clock);
    expect(await users.authenticate('pat@acme.example', '')).toBeUndefined();
    expect(await users.authenticate('pat@acme.example', 'anything-at-all')).toBeUndefined();
  });
});

describe('OpenID Connect sign-in: every failure is a page with a reference', () => {
  it('answers 403 when the provider answers error=access_denied', async () => {
    const g = await gateway();
    const { agent, provider } = await startSignIn(g);
    const callback = new URL(`${TEST_ISSUER}/login/oidc/callback`);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('state', provider.searchParams.get('state') ?? '');
    callback.searchParams.set('iss', oidc.op.issuer);
    await expectFailurePage(
      await agent.get(callback.href),
      403,
      'Sign-in cancelled',
      'provider_error',
      g,
    );
    expect(oidc.op.tokenRequests).toHaveLength(0);
  });

  it('answers 400 for a state that is not the one this browser sent, and redeems nothing', async () => {
    const g = await gateway();
    const { agent, provider } = await startSignIn(g);
    const callback = new URL(await providerAnswer(provider));
    callback.searchParams.set('state', 'forged-state');
    await expectFailurePage(
      await agent.get(callback.href),
      400,
      'Sign-in refused',
      'state_mismatch',
      g,
    );
    expect(oidc.op.tokenRequests).toHaveLength(0);
  });

  it('answers 400 to a replayed callback, with or without the old cookie, and redeems the code once', async () => {
    const g = await gateway();
    const { agent, provider } = await startSignIn(g);
    const callback = await providerAnswer(provider);
    const cookie = agent.cookie('__Host-jmg_oidc') ?? '';
    expect(cookie).toMatch(/^[\w-]{43}$/);
    expect((await agent.get(callback)).status).toBe(303);
    await expectFailurePage(
      await agent.get(callback),
      400,
      'Sign-in expired',
      'no_sign_in_in_flight',
      g,
    );
    const thief = new PageAgent(g.fetch, TEST_ISSUER);
    const replay = await thief.request(callback, {
      headers: { cookie: `__Host-jmg_oidc=${cookie}` },
    });
    await expectFailurePage(replay, 400, 'Sign-in expired', 'no_sign_in_in_flight', g, 2);
    expect(oidc.op.tokenRequests).toHaveLength(1);
  });

  it('answers 400 for a callback from a browser that never started a sign-in', async () => {
    const g = await gateway();
    const { provider } = await startSignIn(g);
    const stranger = new PageAgent(g.fetch, TEST_ISSUER);
    await expectFailurePage(
      await stranger.get(await providerAnswer(provider)),
      400,
      'Sign-in expired',
      'no_sign_in_in_flight',
      g,
    );
  });

  it('answers 400 when the person took longer than ten minutes at the provider', async () => {
    const g = await gateway();
    const { agent, provider } = await startSignIn(g);
    const callback = await providerAnswer(provider);
    g.clock.advance(600_000);
    await expectFailurePage(
      await agent.get(callback),
      400,
      'Sign-in expired',
      'no_sign_in_in_flight',
      g,
    );
  });

  it.each([
    ['wrong-issuer', 'wrong_issuer'],
    ['wrong-audience', 'wrong_audience'],
    ['wrong-nonce', 'nonce_mismatch'],
    ['bad-signature', 'invalid_response'],
    ['token-error', 'invalid_response'],
  ] as const)('answers 502 for an ID token answer scripted as %s (%s)', async (script, reason) => {
    const g = await gateway();
    oidc.op.script = script;
    const { agent, provider } = await startSignIn(g);
    await expectFailurePage(
      await agent.get(await providerAnswer(provider)),
      502,
      'Sign-in refused',
      reason,
      g,
    );
    expect(
      await g.storage.users.getByIdentity({ issuer: oidc.op.issuer, subject: 'person-1' }),
    ).toBeUndefined();
  });

  it.each([['expired'], ['not-yet-valid']] as const)(
    'answers 502 for an ID token that is %s',
    async (script) => {
      const g = await gateway();
      oidc.op.script = script;
      const { agent, provider } = await startSignIn(g);
      const response = await agent.get(await providerAnswer(provider));
      await expectFailurePage(response, 502, 'Sign-in refused', 'token_time', g);
    },
  );

  it('answers 502 when the RFC 9207 iss parameter names another issuer', async () => {
    const g = await gateway();
    const { agent, provider } = await startSignIn(g);
    const callback = new URL(await providerAnswer(provider));
    callback.searchParams.set('iss', 'https://attacker.example');
    await expectFailurePage(
      await agent.get(callback.href),
      502,
      'Sign-in refused',
      'wrong_issuer',
      g,
    );
    expect(oidc.op.tokenRequests).toHaveLength(0);
  });

  it('answers 503 when the token endpoint fails with a 500', async () => {
    const g = await gateway();
    oidc.op.script = 'token-500';
    const { agent, provider } = await startSignIn(g);
    const response = await agent.get(await providerAnswer(provider));
    await expectFailurePage(response, 503, 'Sign-in unavailable', 'provider_unreachable', g);
  });

  it('answers 400 to a start link whose request is longer than 8192 characters, and stores nothing', async () => {
    const g = await gateway();
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const response = await agent.get(`/login/oidc/start?request=${'a'.repeat(8193)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<h1>Invalid request</h1>');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(oidc.op.authorizeRequests).toHaveLength(0);
  });

  it('answers 400 to a start link whose request holds a raw CR, LF or NUL, and stores nothing', async () => {
    const g = await gateway();
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    for (const control of ['%0D%0A', '%0A', '%00']) {
      // Decoded once by the query string, so the carried request holds the raw character.
      const response = await agent.get(
        `/login/oidc/start?request=${encodeURIComponent('client_id=x&state=a')}${control}Set-Cookie:x`,
      );
      expect(response.status, control).toBe(400);
      expect(await response.text()).toContain('<h1>Invalid request</h1>');
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    expect(oidc.op.authorizeRequests).toHaveLength(0);
  });

  it('still serves the login page when the provider is unreachable, and explains at the start with 503', async () => {
    const dead = await startScriptedOpenIdProvider();
    const issuer = dead.issuer;
    await dead.close();
    const g = await gateway({ OIDC_ISSUER: issuer });
    const { client_id } = await registerClient(g);
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const page = await agent.get(
      authorizeUrl({
        client_id,
        redirect_uri: LOOPBACK_REDIRECT,
        response_type: 'code',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(page.status).toBe(200);
    const href = /href="(\/login\/oidc\/start[^"]+)"/.exec(await page.text())?.[1] ?? '';
    const start = await agent.get(unescape(href));
    await expectFailurePage(start, 503, 'Sign-in unavailable', 'provider_unreachable', g);
  });
});

describe('OpenID Connect sign-in: who may sign in', () => {
  it('refuses an e-mail outside OIDC_ALLOWED_EMAIL_DOMAINS (whole domain, not a suffix) and admits one inside', async () => {
    const g = await gateway({ OIDC_ALLOWED_EMAIL_DOMAINS: 'acme.example' });
    for (const email of ['pat@evil-acme.example', 'pat@sub.acme.example', 'pat@other.example']) {
      oidc.op.claims = { ...oidc.op.claims, email };
      const { agent, provider } = await startSignIn(g);
      const response = await agent.get(await providerAnswer(provider));
      await expectFailurePage(response, 403, 'Access not allowed', 'email_domain_not_allowed', g);
    }
    oidc.op.claims = { ...oidc.op.claims, email: 'Pat@ACME.example' };
    const { agent, provider } = await startSignIn(g);
    expect((await agent.get(await providerAnswer(provider))).status).toBe(303);
    expect((await g.storage.users.list()).map((u) => u.username)).toContain('pat@acme.example');
  });

  it('refuses an e-mail the provider marks unverified, or none, under the domain rule', async () => {
    const g = await gateway({ OIDC_ALLOWED_EMAIL_DOMAINS: 'acme.example' });
    for (const claims of [
      { sub: 'p', email: 'pat@acme.example', email_verified: false },
      { sub: 'p' },
    ]) {
      oidc.op.claims = claims;
      const { agent, provider } = await startSignIn(g);
      const response = await agent.get(await providerAnswer(provider));
      await expectFailurePage(response, 403, 'Access not allowed', 'email_domain_not_allowed', g);
    }
  });

  it('admits only members of OIDC_ALLOWED_GROUPS by OIDC_GROUPS_CLAIM', async () => {
    const g = await gateway({
      OIDC_GROUPS_CLAIM: 'cognito:groups',
      OIDC_ALLOWED_GROUPS: 'jira-users,admins',
    });
    for (const groups of [undefined, [], ['sales'], 'sales', ['Jira-Users']]) {
      oidc.op.claims = { sub: 'p', email: 'pat@acme.example', 'cognito:groups': groups };
      const { agent, provider } = await startSignIn(g);
      const response = await agent.get(await providerAnswer(provider));
      await expectFailurePage(response, 403, 'Access not allowed', 'group_not_allowed', g);
    }
    for (const groups of [['sales', 'jira-users'], 'admins']) {
      oidc.op.claims = { sub: 'p', email: 'pat@acme.example', 'cognito:groups': groups };
      const { agent, provider } = await startSignIn(g);
      expect((await agent.get(await providerAnswer(provider))).status).toBe(303);
    }
  });

  it('refuses a person an administrator disabled, with 403', async () => {
    const g = await gateway();
    const first = await startSignIn(g);
    expect((await first.agent.get(await providerAnswer(first.provider))).status).toBe(303);
    expect(await g.storage.users.setDisabled('pat@acme.example', true)).toBe(true);
    const { agent, provider } = await startSignIn(g);
    const response = await agent.get(await providerAnswer(provider));
    await expectFailurePage(response, 403, 'Account disabled', 'account_disabled', g);
  });
});

describe('OpenID Connect sign-in: the login page and LOCAL_LOGIN', () => {
  async function loginPage(g: TestGateway): Promise<string> {
    const { client_id } = await registerClient(g);
    const page = await new PageAgent(g.fetch, TEST_ISSUER).get(
      authorizeUrl({
        client_id,
        redirect_uri: LOOPBACK_REDIRECT,
        response_type: 'code',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(page.status).toBe(200);
    return page.text();
  }

  it('offers only the provider when OIDC_ISSUER is set (LOCAL_LOGIN defaults to false), and refuses a password POST with 403', async () => {
    const g = await gateway();
    const html = await loginPage(g);
    expect(html).toContain('Sign in with Acme SSO</a>');
    expect(html).not.toContain('type="password"');
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const refused = await agent.post('/authorize/login', {
      username: 'alice',
      password: 'correct horse battery staple',
      csrf_token: 'x',
      request: '',
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<h1>Password sign-in is turned off</h1>');
    expect(refused.headers.get('set-cookie')).toBeNull();
  });

  it('offers both with LOCAL_LOGIN=true, and only the password form without OIDC_ISSUER', async () => {
    const both = await loginPage(await gateway({ LOCAL_LOGIN: 'true' }));
    expect(both).toContain('Sign in with Acme SSO</a>');
    expect(both).toContain('type="password"');
    const local = await loginPage(oidc.track(await createTestGateway()));
    expect(local).not.toContain('Sign in with');
    expect(local).toContain('type="password"');
  });
});
