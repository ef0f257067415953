/**
 * Signing in on /account at the organisation's OpenID provider: the round
 * trip ends at /account itself (a fixed path, whatever the start URL
 * carried), and with LOCAL_LOGIN=false the page offers only the provider.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../../src/audit/audit-events.js';
import { ACCOUNT_SIGN_IN_REQUEST } from '../../../src/http/oidc-routes.js';
import { PageAgent } from '../../helpers/browser.js';
import { TEST_ISSUER, TEST_USER, type TestGateway } from '../../helpers/gateway.js';
import { useScriptedOidc } from './oidc-fixture.js';

const oidc = useScriptedOidc();

/** Follows "Sign in with Acme SSO" from /account through the provider; returns the callback's answer. */
async function signInFromAccount(
  g: TestGateway,
  agent: PageAgent,
  start: string,
): Promise<Response> {
  const begun = await agent.get(start);
  expect(begun.status).toBe(303);
  expect(begun.headers.get('cache-control')).toBe('no-store');
  const provider = new URL(begun.headers.get('location') ?? '');
  expect(provider.origin + provider.pathname).toBe(`${oidc.op.issuer}/authorize`);
  const answered = await fetch(provider, { redirect: 'manual' });
  expect(answered.status).toBe(303);
  return agent.get(answered.headers.get('location') ?? '');
}

describe('GET /account/login/oidc (OpenID Connect Core 1.0 §3.1, returning to /account)', () => {
  it('offers "Sign in with Acme SSO" next to the password form, and comes back to /account signed in', async () => {
    const g = await oidc.gateway({ LOCAL_LOGIN: 'true' });
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const page = await (await agent.get('/account')).text();
    expect(page).toContain(
      '<a class="button primary" href="/account/login/oidc">Sign in with Acme SSO</a>',
    );
    expect(page).toContain('<form method="post" action="/account/login">');

    const back = await signInFromAccount(g, agent, '/account/login/oidc');
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/account');
    const account = await (await agent.get('/account')).text();
    expect(account).toContain('Signed in as <strong>pat@acme.example</strong> (pat@acme.example).');
    const events = await g.storage.audit.tail(10);
    expect(events.filter((e) => e.type === AUDIT_EVENT.loginSucceeded).at(-1)?.detail).toEqual({
      method: 'oidc',
    });
  });

  it('ends at /account whatever the start URL carries (no open redirect)', async () => {
    const g = await oidc.gateway();
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const back = await signInFromAccount(
      g,
      agent,
      '/account/login/oidc?request=client_id%3Dx&return_to=https%3A%2F%2Fevil.test%2F&next=//evil.test',
    );
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/account');
  });

  it('uses a marker no serialized authorization request can equal', () => {
    for (const raw of ['#account', '%23account', '#account=', 'a=1#account']) {
      const serialized = new URLSearchParams(raw).toString();
      expect(serialized).not.toBe(ACCOUNT_SIGN_IN_REQUEST);
      expect(serialized).not.toContain('#');
    }
  });

  it('with LOCAL_LOGIN=false (the default with OIDC_ISSUER) offers only the provider, and refuses a password POST to /account/login', async () => {
    const g = await oidc.gateway({ LOCAL_LOGIN: 'false' });
    const agent = new PageAgent(g.fetch, TEST_ISSUER);
    const page = await (await agent.get('/account')).text();
    expect(page).toContain('>Sign in with Acme SSO</a>');
    expect(page).not.toContain('name="password"');
    expect(page).not.toContain('or with a local account');
    const refused = await agent.post('/account/login', {
      username: TEST_USER.username,
      password: TEST_USER.password,
      csrf_token: agent.cookie('__Host-jmg_csrf') ?? '',
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<h1>Password sign-in is turned off</h1>');
    expect(agent.cookie('__Host-jmg_session')).toBeUndefined();
  });
});
