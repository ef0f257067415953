/**
 * Personal access tokens on /account over HTTP, in-process: the section and
 * its form, creation showing the token exactly once (no redirect, no URL,
 * no-store, a resent form creates nothing), CSRF and same-origin checks,
 * the form's limits, at most 20 live tokens per person under concurrent
 * posts, the listing and revocation under "Connected applications", and
 * the setting turned off (no section, 404, introspection inactive).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { PERSONAL_ACCESS_TOKEN_CLIENT_ID } from '../../src/storage/ports.js';
import { PageAgent, inputValue } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { registerClient, signedInAgent } from '../helpers/oauth-client.js';

const CREATE = '/account/personal-tokens';
const TOKEN_SHAPE = /jmcp_pat_[A-Za-z0-9_-]{43}/g;

interface Form {
  csrf_token: string;
  form_id: string;
}

describe('personal access tokens on /account (RFC 6750 §5.2–§5.3, CSRF per draft-ietf-oauth-v2-1-13 §7.13)', () => {
  let gw: TestGateway;
  afterEach(async () => gw.close());

  async function start(env: Record<string, string> = {}): Promise<PageAgent> {
    gw = await createTestGateway({
      PERSONAL_ACCESS_TOKENS: 'true',
      PERSONAL_ACCESS_TOKEN_MAX_DAYS: '60',
      ...env,
    });
    return signedInAgent(gw, (await registerClient(gw)).client_id);
  }

  async function accountPage(agent: PageAgent): Promise<string> {
    const response = await agent.get('/account');
    expect(response.status).toBe(200);
    return response.text();
  }

  async function form(agent: PageAgent): Promise<Form> {
    const html = await accountPage(agent);
    const section = /<section id="personal-tokens">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    return {
      csrf_token: inputValue(section, 'csrf_token'),
      form_id: inputValue(section, 'form_id'),
    };
  }

  async function userId(): Promise<string> {
    return (await gw.storage.users.getByUsername('alice'))?.id ?? '';
  }

  async function personalGrants() {
    return (await gw.storage.grants.listByUser(await userId())).filter(
      (g) => g.kind === 'personal',
    );
  }

  function create(
    agent: PageAgent,
    fields: Form,
    extra: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return agent.post(
      CREATE,
      { ...fields, name: 'CI job', scope: ['jira:read'], days: '30', ...extra },
      headers,
    );
  }

  it('shows the section with its form: name up to 100, jira:read locked on, days 1 to the setting', async () => {
    const agent = await start();
    const html = await accountPage(agent);
    const section = /<section id="personal-tokens">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(section).toContain('<h2>Personal access tokens</h2>');
    expect(section).toContain(`<form method="post" action="${CREATE}">`);
    expect(section).toContain('name="name" required maxlength="100"');
    expect(section).toContain('name="days" required min="1" max="60" step="1" value="30"');
    expect(section).toContain('<input type="hidden" name="scope" value="jira:read">');
    expect(section).toContain('name="scope" value="jira:write">');
    expect(section).not.toContain('name="scope" value="jira:write" checked');
    expect(inputValue(section, 'form_id')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('shows a new token once, in the answer to the POST itself, and stores only its hash', async () => {
    const agent = await start();
    const response = await create(agent, await form(agent), {
      name: 'Amazon Q <IDE>',
      scope: ['jira:read', 'jira:write'],
      days: '7',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await response.text();
    const shown = [...new Set(html.match(TOKEN_SHAPE) ?? [])];
    expect(shown).toHaveLength(1);
    const token = shown[0] ?? '';
    for (const [, value] of response.headers) expect(value).not.toContain(token);
    expect(html).toContain('<label for="new-token">Amazon Q &lt;IDE&gt;</label>');
    expect(html).toContain('it is shown only this once');
    expect(html).toContain(`<code>Authorization: Bearer ${token}</code>`);

    const [grant] = await personalGrants();
    expect(grant).toMatchObject({
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      label: 'Amazon Q <IDE>',
      scopes: ['jira:read', 'jira:write'],
      resource: `${TEST_ISSUER}/mcp`,
      expiresAt: gw.clock.now() + 7 * 24 * 3600 * 1000,
    });
    const tokens = await gw.storage.tokens.listByGrant(grant?.id ?? '');
    expect(tokens.map((t) => [t.kind, t.tokenHash])).toEqual([['access', hashSecret(token)]]);

    // The account page lists it with the connected applications, and never shows the token again.
    const after = await accountPage(agent);
    expect(after).not.toMatch(TOKEN_SHAPE);
    const connected = /<section id="connected-applications"[\s\S]*?<\/section>/.exec(after)?.[0];
    expect(connected).toContain('Amazon Q &lt;IDE&gt;');
    const created = (await gw.storage.audit.tail(20)).filter(
      (e) => e.type === AUDIT_EVENT.personalTokenIssued,
    );
    expect(created).toHaveLength(1);
    expect(JSON.stringify(await gw.storage.audit.tail(50))).not.toContain(token);
  });

  it('creates nothing when the same form is sent again (reload, double click)', async () => {
    const agent = await start();
    const fields = await form(agent);
    expect((await create(agent, fields)).status).toBe(200);
    const again = await create(agent, fields);
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain('Form already sent');
    expect(html).not.toMatch(TOKEN_SHAPE);
    expect(await personalGrants()).toHaveLength(1);
  });

  it('refuses a form from another site or without this browser’s CSRF token, creating nothing', async () => {
    const agent = await start();
    const fields = await form(agent);
    const crossSite = await create(agent, fields, {}, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await create(agent, fields, {}, { origin: 'https://evil.example' });
    expect(otherOrigin.status).toBe(403);
    const wrongCsrf = await create(agent, { ...fields, csrf_token: randomToken() });
    expect(wrongCsrf.status).toBe(403);
    expect(await wrongCsrf.text()).toContain('Session expired');
    expect(await personalGrants()).toEqual([]);
    // None of them used up the form: sent properly, it still works.
    expect((await create(agent, fields)).status).toBe(200);
  });

  it('sends a browser that is not signed in to /account, creating nothing', async () => {
    const agent = await start();
    const fields = await form(agent);
    const stranger = new PageAgent(gw.fetch, TEST_ISSUER);
    // A valid CSRF token of its own (from the sign-in page), but no session.
    const signIn = await (await stranger.get('/account')).text();
    const csrf = inputValue(signIn, 'csrf_token');
    const response = await create(stranger, { ...fields, csrf_token: csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect(await personalGrants()).toEqual([]);
  });

  it.each([
    ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name of 1 to 100 characters'],
    ['an empty name', { name: '' }, 'name of 1 to 100 characters'],
    ['a control character in the name', { name: 'a\u0007b' }, 'control characters'],
    ['no jira:read', { scope: ['jira:write'] }, 'Every token needs jira:read'],
    ['an unknown scope', { scope: ['jira:read', 'admin'] }, 'Choose scopes from the list'],
    ['0 days', { days: '0' }, 'expiry of 1 to 60 days'],
    ['more days than PERSONAL_ACCESS_TOKEN_MAX_DAYS', { days: '61' }, 'expiry of 1 to 60 days'],
  ])('answers %s with 400 and says why, creating nothing', async (_label, extra, message) => {
    const agent = await start();
    const fields = await form(agent);
    const response = await create(agent, fields, extra);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(await personalGrants()).toEqual([]);
    // The form was not used up by the refusal.
    expect((await create(agent, fields)).status).toBe(200);
  });

  it('answers a form without a valid form_id with 400', async () => {
    const agent = await start();
    const fields = await form(agent);
    const response = await create(agent, { ...fields, form_id: 'short' });
    expect(response.status).toBe(400);
    expect(await personalGrants()).toEqual([]);
  });

  it('holds at most 20 live tokens per person when 30 forms are posted at once', async () => {
    const agent = await start();
    const base = await form(agent);
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => create(agent, { ...base, form_id: randomToken() })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409 || s === 429)).toBe(true);
    const made = statuses.filter((s) => s === 200).length;
    expect(made).toBeGreaterThanOrEqual(1);
    expect((await personalGrants()).length).toBe(made);
    // Then one at a time up to exactly 20, and the 21st is refused with 409.
    while ((await personalGrants()).length < 20) {
      expect((await create(agent, { ...base, form_id: randomToken() })).status).toBe(200);
    }
    const over = await create(agent, { ...base, form_id: randomToken() });
    expect(over.status).toBe(409);
    expect(await over.text()).toContain('You already have 20 personal access tokens');
    expect(await personalGrants()).toHaveLength(20);
    expect(await accountPage(agent)).toContain('You hold the most tokens you may.');
  });

  it('stores no form claim for a post refused by the 20-token limit or by a parallel creation', async () => {
    const agent = await start();
    const base = await form(agent);
    const claimOf = (formId: string) =>
      gw.storage.counters.get(`pat-form:${hashSecret(formId)}`, gw.clock.now());
    // Parallel posts: those refused as busy (429) give their claim back entirely.
    const ids = Array.from({ length: 8 }, () => randomToken());
    const parallel = await Promise.all(ids.map((id) => create(agent, { ...base, form_id: id })));
    for (const [i, id] of ids.entries()) {
      expect([200, 429], id).toContain(parallel[i]?.status);
      if (parallel[i]?.status === 429) expect(await claimOf(id)).toBeUndefined();
      else expect(await claimOf(id)).toMatchObject({ count: 1 });
    }
    let lastFormId = '';
    while ((await personalGrants()).length < 20) {
      lastFormId = randomToken();
      expect((await create(agent, { ...base, form_id: lastFormId })).status).toBe(200);
    }
    // A reload of the form that made the 20th token is told that, not the limit.
    const reload = await create(agent, { ...base, form_id: lastFormId });
    expect(reload.status).toBe(409);
    expect(await reload.text()).toContain('Form already sent');
    for (let i = 0; i < 5; i++) {
      const formId = randomToken();
      const over = await create(agent, { ...base, form_id: formId });
      expect(over.status).toBe(409);
      expect(await over.text()).toContain('You already have 20 personal access tokens');
      expect(await claimOf(formId)).toBeUndefined();
    }
    expect(await personalGrants()).toHaveLength(20);
  });

  it('is revoked from the connected applications list, and introspection then calls it inactive', async () => {
    const agent = await start();
    const html = await (await create(agent, await form(agent))).text();
    const token = (html.match(TOKEN_SHAPE) ?? [])[0] ?? '';
    const rsSecret = randomToken();
    const rsId = randomId('rs');
    await gw.storage.clients.create({
      clientId: rsId,
      kind: 'resource_server',
      secretHash: hashSecret(rsSecret),
      redirectUris: [],
      grantTypes: [],
      responseTypes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      source: 'cli',
      createdAt: gw.clock.now(),
    });
    const introspect = async (): Promise<unknown> => {
      const response = await gw.fetch(`${TEST_ISSUER}/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${rsId}:${rsSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await introspect()).toMatchObject({
      active: true,
      client_id: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      scope: 'jira:read',
    });
    const page = await accountPage(agent);
    const [grant] = await personalGrants();
    const action = `/account/grants/${grant?.id ?? ''}/disconnect`;
    expect(page).toContain(`action="${action}"`);
    const revoked = await agent.post(action, { csrf_token: inputValue(page, 'csrf_token') });
    expect(revoked.status).toBe(303);
    expect(await introspect()).toEqual({ active: false });
  });

  describe('with PERSONAL_ACCESS_TOKENS=false', () => {
    it('has no section and answers the creation route 404', async () => {
      const agent = await start({ PERSONAL_ACCESS_TOKENS: 'false' });
      const html = await accountPage(agent);
      expect(html).not.toContain('id="personal-tokens"');
      expect(html).not.toContain(CREATE);
      const response = await agent.post(CREATE, {
        csrf_token: inputValue(html, 'csrf_token'),
        form_id: randomToken(),
        name: 'x',
        scope: 'jira:read',
        days: '1',
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await personalGrants()).toEqual([]);
    });
  });
});
