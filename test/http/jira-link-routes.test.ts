/**
 * Linking a person's own Jira account inside the authorization flow, in
 * process: the gateway app (real SQLite, manual clock) with H5's
 * PersonalJira against the real sandbox (Jira and Atlassian's 3LO server on
 * a loopback port). After sign-in, a person without a working link goes to
 * Atlassian (or the API-token form), comes back to the consent page that
 * names their account; every failure is a page with a reference; /account
 * shows the link and unlinks it, revoking the person's grants.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLASSIAN_SCOPES } from '../../src/config/config.js';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { safeReturnTo } from '../../src/http/jira-link-routes.js';
import { createPersonalJira, type PersonalJira } from '../../src/jira/person/personal-jira.js';
import { BOB_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import {
  SANDBOX_ATLASSIAN_APP,
  sandboxToken,
  startSandboxServer,
} from '../../src/sandbox/index.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
  tokenRequest,
} from '../helpers/oauth-client.js';

type SandboxServer = Awaited<ReturnType<typeof startSandboxServer>>;

const CALLBACK = `${TEST_ISSUER}/jira/oauth/callback`;

/** Hidden inputs of a form, in order. */
function hiddenFields(html: string): [string, string][] {
  return [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
    m[1] ?? '',
    (m[2] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
  ]);
}

/**
 * The person at Atlassian's (the sandbox's) sign-in and consent page:
 * returns where Atlassian sends the browser back to.
 */
async function atAtlassian(
  authorizeAt: string,
  email: string,
  decision: 'accept' | 'deny' = 'accept',
): Promise<string> {
  const page = await fetch(authorizeAt);
  expect(page.status).toBe(200);
  const form = new URLSearchParams(hiddenFields(await page.text()));
  form.set('email', email);
  form.set('password', 'sandbox');
  form.set('decision', decision);
  const answer = await fetch(new URL('/authorize', authorizeAt), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return answer.headers.get('location') ?? '';
}

/** The "Continue to Atlassian" link of the link page. */
function continueHref(html: string): string {
  const href = /<a class="button primary" id="continue" href="([^"]+)">/.exec(html)?.[1];
  if (href === undefined) throw new Error(`no continue link in ${html}`);
  return href.replace(/&amp;/g, '&');
}

function newRequest(clientId: string): { url: string; verifier: string } {
  const pkce = newPkce();
  const url = authorizeUrl({
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    response_type: 'code',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: 'st-1',
  });
  return { url, verifier: pkce.verifier };
}

function newAuthorizeUrl(clientId: string): string {
  return newRequest(clientId).url;
}

/** Signs in at the login page of `url`; returns the page /authorize answers next. */
async function signIn(agent: PageAgent, url: string): Promise<Response> {
  const html = await (await agent.get(url)).text();
  const login = await agent.post('/authorize/login', {
    username: TEST_USER.username,
    password: TEST_USER.password,
    csrf_token: inputValue(html, 'csrf_token'),
    request: inputValue(html, 'request'),
  });
  expect(login.status).toBe(303);
  return agent.get(login.headers.get('location') ?? '');
}

function local(location: string | null): string {
  const url = new URL(location ?? '', TEST_ISSUER);
  expect(url.origin).toBe(TEST_ISSUER);
  return `${url.pathname}${url.search}`;
}

describe('safeReturnTo (RFC 9700 §4.11: no open redirector)', () => {
  it('keeps our own return paths and refuses everything else', () => {
    expect(safeReturnTo('/authorize?client_id=a')).toBe('/authorize?client_id=a');
    expect(safeReturnTo('/account')).toBe('/account');
    expect(safeReturnTo('/account?notice=jira-linked')).toBe('/account?notice=jira-linked');
    expect(safeReturnTo('/jira/linked')).toBe('/jira/linked');
    for (const bad of [
      '//evil.example/authorize?x',
      '/\\evil.example',
      'https://evil.example/account',
      '/authorize',
      '/accounts',
      '/token',
      '/account\n',
      '',
      `/authorize?${'a'.repeat(8200)}`,
    ]) {
      expect(safeReturnTo(bad), bad).toBeUndefined();
    }
    expect(safeReturnTo(null)).toBeUndefined();
  });
});

describe('link step of /authorize with JIRA_AUTH=atlassian-oauth (3LO against the sandbox)', () => {
  let sandbox: SandboxServer;
  let gw: TestGateway;
  let personal: PersonalJira | undefined;
  let clientId: string;
  let sandboxDir: string;
  const jira = (): PersonalJira => {
    if (personal === undefined) throw new Error('starts in beforeAll');
    return personal;
  };

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-link-'));
    sandbox = await startSandboxServer({
      dbPath: path.join(sandboxDir, 'sandbox.db'),
      atlassian: { redirectUris: [CALLBACK] },
    });
    gw = await createTestGateway(
      { JIRA_AUTH: 'atlassian-oauth' },
      {},
      {
        personalJira: ({ config, storage, clock }) => {
          personal = createPersonalJira({
            config,
            storage,
            cipher: createLocalCipher(randomBytes(32)),
            clock,
            atlassian: {
              clientId: SANDBOX_ATLASSIAN_APP.clientId,
              clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
              authUrl: sandbox.url,
              apiUrl: sandbox.url,
              scopes: [...ATLASSIAN_SCOPES],
              redirectUri: CALLBACK,
            },
          });
          return personal;
        },
      },
    );
    clientId = (await registerClient(gw)).client_id;
  });
  afterAll(async () => {
    await gw.close();
    await sandbox.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  const userId = async (): Promise<string> =>
    (await gw.storage.users.getByUsername(TEST_USER.username))?.id ?? '';

  async function auditOf(type: string) {
    return (await gw.audit.tail(1000)).filter((e) => e.type === type);
  }

  it('sends a signed-in person without a link to Atlassian before consent, then back to a consent page naming their account', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const request = newAuthorizeUrl(clientId);
    const afterSignIn = await signIn(agent, request);
    expect(afterSignIn.status).toBe(302);
    const linkAt = local(afterSignIn.headers.get('location'));
    expect(linkAt).toBe(
      `/jira/link?return_to=${encodeURIComponent(`/authorize?${new URL(request).searchParams.toString()}`)}`,
    );
    const toAtlassian = await agent.get(linkAt);
    expect(toAtlassian.status).toBe(200);
    const startHtml = await toAtlassian.text();
    expect(startHtml).toContain('<h1>Link your Jira account</h1>');
    expect(toAtlassian.headers.get('content-security-policy')).toContain("form-action 'self'");
    const atlassianUrl = new URL(continueHref(startHtml));
    expect(atlassianUrl.origin).toBe(sandbox.url);
    expect(atlassianUrl.searchParams.get('redirect_uri')).toBe(CALLBACK);

    const back = await atAtlassian(atlassianUrl.href, 'bob@example.com');
    expect(back.startsWith(`${CALLBACK}?`)).toBe(true);
    const callback = await agent.get(back);
    expect(callback.status).toBe(303);
    expect(local(callback.headers.get('location'))).toBe(
      `/authorize?${new URL(request).searchParams.toString()}`,
    );

    const consent = await agent.get(callback.headers.get('location') ?? '');
    expect(consent.status).toBe(200);
    const html = await consent.text();
    const status = await jira().linkStatus(await userId());
    if (status.status !== 'linked') throw new Error('not linked');
    expect(status.actor).toMatchObject({ accountId: BOB_ACCOUNT_ID, displayName: 'Bob Builder' });
    expect(html).toContain(
      `<p id="jira-account">Actions in Jira will be made as <strong>Bob Builder</strong> (bob@example.com) on <strong>${status.actor.siteUrl}</strong>.</p>`,
    );
    const [linked] = await auditOf('jira.linked');
    expect(linked).toMatchObject({
      outcome: 'success',
      userId: await userId(),
      detail: {
        mode: 'atlassian-oauth',
        jiraAccountId: BOB_ACCOUNT_ID,
        jiraSite: status.actor.siteUrl,
      },
    });

    // A replayed callback (the state is single use) is a page, never a 500.
    const replay = await agent.get(back);
    expect(replay.status).toBe(400);
    const replayHtml = await replay.text();
    expect(replayHtml).toContain('Your Jira account is not linked');
    expect(replayHtml).toMatch(/quote reference <code>[^<]+<\/code>/);
    expect((await auditOf('jira.link_failed')).at(-1)?.detail).toEqual({
      mode: 'atlassian-oauth',
      code: 'invalid_state',
    });
  });

  it('answers a decline at Atlassian, a forged state and a callback without a sign-in with 400 pages, never a 500', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    await signIn(agent, newAuthorizeUrl(clientId));
    const start = await agent.get('/jira/link?return_to=%2Faccount');
    expect(start.status).toBe(200);
    const startAt = continueHref(await start.text());
    const declined = await atAtlassian(startAt, 'bob@example.com', 'deny');
    expect(new URL(declined).searchParams.get('error')).toBe('access_denied');
    const page = await agent.get(declined);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('<h1>Jira access was not granted</h1>');
    expect(html).toMatch(/quote reference <code>[^<]+<\/code>/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await auditOf('jira.link_failed')).at(-1)?.detail).toEqual({
      mode: 'atlassian-oauth',
      code: 'denied',
    });

    const forged = await agent.get('/jira/oauth/callback?code=abc&state=forged');
    expect(forged.status).toBe(400);

    const stranger = new PageAgent(gw.fetch, TEST_ISSUER);
    const signedOut = await stranger.get('/jira/oauth/callback?code=abc&state=forged');
    expect(signedOut.status).toBe(400);
    expect(await signedOut.text()).toContain('<h1>Signed out</h1>');
  });

  it('answers a site the person did not grant at Atlassian with a page naming the problem, never a 500', async () => {
    const elsewhere = await createTestGateway(
      { JIRA_AUTH: 'atlassian-oauth' },
      {},
      {
        personalJira: ({ config, storage, clock }) =>
          createPersonalJira({
            config,
            storage,
            cipher: createLocalCipher(randomBytes(32)),
            clock,
            siteUrl: 'https://elsewhere.atlassian.net',
            atlassian: {
              clientId: SANDBOX_ATLASSIAN_APP.clientId,
              clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
              authUrl: sandbox.url,
              apiUrl: sandbox.url,
              scopes: [...ATLASSIAN_SCOPES],
              redirectUri: CALLBACK,
            },
          }),
      },
    );
    try {
      const other = (await registerClient(elsewhere)).client_id;
      const agent = new PageAgent(elsewhere.fetch, TEST_ISSUER);
      const linkFirst = await signIn(agent, newAuthorizeUrl(other));
      const start = await agent.get(local(linkFirst.headers.get('location')));
      const back = await atAtlassian(continueHref(await start.text()), 'alice@example.com');
      const page = await agent.get(back);
      expect([400, 409]).toContain(page.status);
      const html = await page.text();
      expect(html).toContain('<h1>Your Jira account is not linked</h1>');
      expect(html).toMatch(/quote reference <code>[^<]+<\/code>/);
      const failed = (await elsewhere.audit.tail(100)).filter((e) => e.type === 'jira.link_failed');
      expect(failed.map((e) => e.detail?.['code'])).toEqual(['site_not_granted']);
    } finally {
      await elsewhere.close();
    }
  });

  it('shows the link on /account and unlinks it there, revoking every gateway grant of the person', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const request = newRequest(clientId);
    const consent = await signIn(agent, request.url);
    // Linked by the first test: straight to consent; allow, to hold a grant.
    expect(consent.status).toBe(200);
    const consentHtml = await consent.text();
    const allowed = await agent.post('/authorize/consent', {
      csrf_token: inputValue(consentHtml, 'csrf_token'),
      request: inputValue(consentHtml, 'request'),
      scope: ['jira:read', 'jira:write'],
      decision: 'approve',
    });
    expect(allowed.status).toBe(303);
    const tokens = await tokenRequest(gw, {
      grant_type: 'authorization_code',
      code: new URL(allowed.headers.get('location') ?? '').searchParams.get('code') ?? '',
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: clientId,
      code_verifier: request.verifier,
    });
    expect(tokens.status).toBe(200);
    const id = await userId();
    expect(
      (await gw.storage.grants.listByUser(id)).filter((g) => g.revokedAt === undefined),
    ).toHaveLength(1);

    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain('<section id="jira-account"');
    expect(html).toContain(
      'Actions in Jira are made as <strong>Bob Builder</strong> (bob@example.com)',
    );
    expect(html).toContain('<dd id="jira-link-status">Working</dd>');
    expect(html).toContain(
      'href="/jira/link?return_to=%2Faccount%3Fnotice%3Djira-linked">Re-link</a>',
    );

    // Unlink without this browser's CSRF token: refused.
    const forged = await agent.post('/jira/unlink', { csrf_token: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    const unlinked = await agent.post('/jira/unlink', {
      csrf_token: inputValue(html, 'csrf_token'),
    });
    expect(unlinked.status).toBe(303);
    expect(unlinked.headers.get('location')).toBe('/account?notice=jira-unlinked');
    expect((await jira().linkStatus(id)).status).toBe('none');
    const grants = await gw.storage.grants.listByUser(id);
    expect(grants.every((g) => g.revokedReason !== undefined)).toBe(true);
    expect((await auditOf('jira.unlinked')).at(-1)).toMatchObject({
      outcome: 'success',
      userId: id,
      detail: { mode: 'atlassian-oauth', hadLink: true, grantsRevoked: 1 },
    });
    const after = await (await agent.get('/account?notice=jira-unlinked')).text();
    expect(after).toContain('Your Jira account was unlinked');
    expect(after).toContain(
      'href="/jira/link?return_to=%2Faccount%3Fnotice%3Djira-linked">Link your Jira account</a>',
    );

    // The next authorization links again before consent.
    const again = await agent.get(newAuthorizeUrl(clientId));
    expect(again.status).toBe(302);
    expect(local(again.headers.get('location'))).toMatch(
      /^\/jira\/link\?return_to=%2Fauthorize%3F/,
    );
  });

  it('sends the consent POST back to the link step when the link ended after the page was shown', async () => {
    await jira().unlink(await userId());
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const linkFirst = await signIn(agent, newAuthorizeUrl(clientId));
    const atlassian = await agent.get(local(linkFirst.headers.get('location')));
    const back = await atAtlassian(continueHref(await atlassian.text()), 'bob@example.com');
    const consent = await agent.get((await agent.get(back)).headers.get('location') ?? '');
    const html = await consent.text();
    await jira().unlink(await userId());
    const decided = await agent.post('/authorize/consent', {
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
      scope: ['jira:read'],
      decision: 'approve',
    });
    expect(decided.status).toBe(303);
    expect(local(decided.headers.get('location'))).toMatch(
      /^\/jira\/link\?return_to=%2Fauthorize%3F/,
    );
  });
});

describe('link step of /authorize with JIRA_AUTH=personal-token', () => {
  let sandbox: SandboxServer;
  let gw: TestGateway;
  let clientId: string;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-link-'));
    sandbox = await startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') });
    gw = await createTestGateway(
      { JIRA_AUTH: 'personal-token' },
      {},
      {
        personalJira: ({ config, storage, clock }) =>
          createPersonalJira({
            config,
            storage,
            cipher: createLocalCipher(randomBytes(32)),
            clock,
            siteUrl: sandbox.url,
          }),
        jiraSiteUrl: sandbox.url,
      },
    );
    clientId = (await registerClient(gw)).client_id;
  });
  afterAll(async () => {
    await gw.close();
    await sandbox.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it('asks a person without a token for e-mail and API token, checks them with Jira, and returns to a consent page naming the account', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const request = newAuthorizeUrl(clientId);
    const afterSignIn = await signIn(agent, request);
    expect(afterSignIn.status).toBe(302);
    const form = await agent.get(local(afterSignIn.headers.get('location')));
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain(`on <strong>${sandbox.url}</strong>`);
    expect(html).toMatch(
      /<input type="password" id="api_token" name="api_token" autocomplete="off"/,
    );
    const returnTo = inputValue(html, 'return_to');
    expect(returnTo).toBe(`/authorize?${new URL(request).searchParams.toString()}`);

    const wrong = await agent.post('/jira/token', {
      csrf_token: inputValue(html, 'csrf_token'),
      return_to: returnTo,
      email: 'bob@example.com',
      api_token: 'not-bobs-token',
    });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('role="alert"');
    expect(inputValue(wrongHtml, 'email')).toBe('bob@example.com');
    expect(wrongHtml).not.toContain('not-bobs-token');

    const missingCsrf = await agent.post('/jira/token', {
      return_to: returnTo,
      email: 'bob@example.com',
      api_token: sandboxToken('bob'),
    });
    expect(missingCsrf.status).toBe(403);

    const stored = await agent.post('/jira/token', {
      csrf_token: inputValue(html, 'csrf_token'),
      return_to: returnTo,
      email: 'bob@example.com',
      api_token: sandboxToken('bob'),
    });
    expect(stored.status).toBe(303);
    expect(stored.headers.get('location')).toBe(returnTo);
    const consent = await agent.get(returnTo);
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain(
      `Actions in Jira will be made as <strong>Bob Builder</strong> (bob@example.com) on <strong>${sandbox.url}</strong>.`,
    );
    const events = (await gw.audit.tail(1000)).filter((e) => e.type.startsWith('jira.link'));
    expect(events.map((e) => [e.type, e.detail?.['code'] ?? e.detail?.['jiraAccountId']])).toEqual([
      ['jira.link_failed', 'token_refused'],
      ['jira.linked', BOB_ACCOUNT_ID],
    ]);
    // No audit row holds the token.
    expect(JSON.stringify(await gw.audit.tail(1000))).not.toContain(sandboxToken('bob'));
  });

  it('sends a person who opens the link page signed out to /account, where they sign in', async () => {
    const stranger = new PageAgent(gw.fetch, TEST_ISSUER);
    for (const path of ['/jira/link', '/jira/linked']) {
      const res = await stranger.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe('/account');
    }
    const post = await stranger.post('/jira/token', {
      csrf_token: 'x'.repeat(43),
      email: 'bob@example.com',
      api_token: sandboxToken('bob'),
    });
    expect(post.status).toBe(403);
  });

  it('refuses a return_to elsewhere: after storing, the person lands on the "linked" page', async () => {
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    await signIn(agent, newAuthorizeUrl(clientId));
    const form = await (await agent.get('/jira/link?return_to=%2F%2Fevil.example%2Fx')).text();
    expect(inputValue(form, 'return_to')).toBe('/jira/linked');
    const stored = await agent.post('/jira/token', {
      csrf_token: inputValue(form, 'csrf_token'),
      return_to: 'https://evil.example/',
      email: 'bob@example.com',
      api_token: sandboxToken('bob'),
    });
    expect(stored.headers.get('location')).toBe('/jira/linked');
    const linked = await agent.get('/jira/linked');
    expect(await linked.text()).toContain('<h1>Your Jira account is linked</h1>');
  });
});

describe('consent page with JIRA_AUTH=service', () => {
  let sandbox: SandboxServer;
  let gw: TestGateway;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-link-'));
    sandbox = await startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') });
    const { JiraClient } = await import('../../src/jira/client.js');
    const { staticCredentialsProvider } = await import('../../src/jira/credentials.js');
    gw = await createTestGateway(
      {},
      {},
      {
        personalJira: ({ config, storage, clock }) =>
          createPersonalJira({
            config,
            storage,
            cipher: createLocalCipher(randomBytes(32)),
            clock,
            siteUrl: sandbox.url,
            serviceClient: new JiraClient({
              credentials: staticCredentialsProvider({
                baseUrl: sandbox.url,
                email: 'alice@example.com',
                apiToken: sandboxToken('alice'),
              }),
            }),
          }),
      },
    );
  });
  afterAll(async () => {
    await gw.close();
    await sandbox.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it('names the shared account and says everybody acts as it; there is nothing to link', async () => {
    const clientId = (await registerClient(gw)).client_id;
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const consent = await signIn(agent, newAuthorizeUrl(clientId));
    expect(consent.status).toBe(200);
    expect(await consent.text()).toMatch(
      /<p id="jira-account">Actions in Jira will be made by the shared account <strong>Alice Admin<\/strong> on <strong>[^<]+<\/strong>; every person using this gateway acts as that account\.<\/p>/,
    );
    const link = await agent.get('/jira/link');
    expect(link.status).toBe(404);
    expect(await link.text()).toContain('there is no personal Jira account to link');
    const account = await (await agent.get('/account')).text();
    expect(account).not.toContain('id="jira-account"');
  });
});
