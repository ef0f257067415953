/**
 * Re-linking to another Jira account, and the limit on link starts, in
 * process: the gateway app (real SQLite, manual clock) with PersonalJira
 * against the real sandbox (Jira and Atlassian's 3LO server on a loopback
 * port). A link to another Jira account (or site) revokes the person's
 * grants, as unlink does, since their consents named the old account; the
 * same account re-linked keeps them. Each link start stores a pending
 * state, so a person may start at most 10 per 10 minutes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLASSIAN_SCOPES } from '../../src/config/config.js';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { randomToken } from '../../src/crypto/random.js';
import {
  isOtherJiraAccount,
  LINK_START_WINDOW_MS,
  MAX_LINK_STARTS_PER_PERSON,
} from '../../src/http/jira-link-routes.js';
import { createPersonalJira, type JiraActor } from '../../src/jira/person/personal-jira.js';
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import {
  SANDBOX_ATLASSIAN_APP,
  sandboxToken,
  startSandboxServer,
} from '../../src/sandbox/index.js';
import { inputValue, type PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import { obtainCode, redeem, registerClient, signedInAgent } from '../helpers/oauth-client.js';

type SandboxServer = Awaited<ReturnType<typeof startSandboxServer>>;

const CALLBACK = `${TEST_ISSUER}/jira/oauth/callback`;

function hiddenFields(html: string): [string, string][] {
  return [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
    m[1] ?? '',
    (m[2] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
  ]);
}

/** The person at the sandbox's Atlassian consent page: where it sends the browser back to. */
async function atAtlassian(authorizeAt: string, email: string): Promise<string> {
  const page = await fetch(authorizeAt);
  expect(page.status).toBe(200);
  const form = new URLSearchParams(hiddenFields(await page.text()));
  form.set('email', email);
  form.set('password', 'sandbox');
  form.set('decision', 'accept');
  const answer = await fetch(new URL('/authorize', authorizeAt), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return answer.headers.get('location') ?? '';
}

function continueHref(html: string): string {
  const href = /<a class="button primary" id="continue" href="([^"]+)">/.exec(html)?.[1];
  if (href === undefined) throw new Error(`no continue link in ${html}`);
  return href.replace(/&amp;/g, '&');
}

async function liveGrants(gw: TestGateway) {
  const user = await gw.storage.users.getByUsername(TEST_USER.username);
  return (await gw.storage.grants.listByUser(user?.id ?? '')).filter(
    (g) => g.revokedAt === undefined,
  );
}

async function lastLinked(gw: TestGateway) {
  return (await gw.audit.tail(1000)).filter((e) => e.type === 'jira.linked').at(-1);
}

/** Authorizes `clientId` in the signed-in browser and redeems the code: one live OAuth grant. */
async function holdGrant(gw: TestGateway, agent: PageAgent, clientId: string): Promise<void> {
  const { code, pkce } = await obtainCode(agent, clientId);
  expect((await redeem(gw, clientId, code, pkce.verifier)).status).toBe(200);
}

describe('isOtherJiraAccount', () => {
  const bob: JiraActor = {
    mode: 'personal-token',
    accountId: BOB_ACCOUNT_ID,
    displayName: 'Bob Builder',
    siteUrl: 'https://a.atlassian.net',
  };
  it('is true for another account or another site, false for none before or the same account', () => {
    expect(isOtherJiraAccount(undefined, bob)).toBe(false);
    expect(isOtherJiraAccount(bob, { ...bob, displayName: 'Renamed' })).toBe(false);
    expect(isOtherJiraAccount(bob, { ...bob, accountId: ALICE_ACCOUNT_ID })).toBe(true);
    expect(isOtherJiraAccount(bob, { ...bob, siteUrl: 'https://b.atlassian.net' })).toBe(true);
  });
});

describe('re-linking with JIRA_AUTH=personal-token', () => {
  let sandbox: SandboxServer;
  let gw: TestGateway;
  let clientId: string;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-relink-'));
    sandbox = await startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') });
    gw = await createTestGateway(
      { JIRA_AUTH: 'personal-token', PERSONAL_ACCESS_TOKENS: 'true' },
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

  async function storeToken(agent: PageAgent, who: 'alice' | 'bob'): Promise<void> {
    const html = await (await agent.get('/jira/link?return_to=%2Faccount')).text();
    const stored = await agent.post('/jira/token', {
      csrf_token: inputValue(html, 'csrf_token'),
      return_to: '/account',
      email: `${who}@example.com`,
      api_token: sandboxToken(who),
    });
    expect(stored.status).toBe(303);
  }

  it('keeps the grants when the same account stores its token again, and revokes them all (personal access tokens too) when another account’s token replaces it', async () => {
    const agent = await signedInAgent(gw, clientId);
    await storeToken(agent, 'bob');
    await holdGrant(gw, agent, clientId);
    const account = await (await agent.get('/account')).text();
    const section = /<section id="personal-tokens">[\s\S]*?<\/section>/.exec(account)?.[0] ?? '';
    const pat = await agent.post('/account/personal-tokens', {
      csrf_token: inputValue(section, 'csrf_token'),
      form_id: inputValue(section, 'form_id'),
      name: 'CI job',
      scope: ['jira:read'],
      days: '30',
    });
    expect(pat.status).toBe(200);
    expect((await liveGrants(gw)).map((g) => g.kind ?? 'oauth').sort()).toEqual([
      'oauth',
      'personal',
    ]);

    await storeToken(agent, 'bob');
    expect(await liveGrants(gw)).toHaveLength(2);
    expect((await lastLinked(gw))?.detail).toEqual({
      mode: 'personal-token',
      jiraAccountId: BOB_ACCOUNT_ID,
      jiraSite: sandbox.url,
    });

    await storeToken(agent, 'alice');
    expect(await liveGrants(gw)).toEqual([]);
    const user = await gw.storage.users.getByUsername(TEST_USER.username);
    const all = await gw.storage.grants.listByUser(user?.id ?? '');
    expect(all.map((g) => g.revokedReason)).toEqual([
      'jira account replaced',
      'jira account replaced',
    ]);
    expect((await lastLinked(gw))?.detail).toEqual({
      mode: 'personal-token',
      jiraAccountId: ALICE_ACCOUNT_ID,
      jiraSite: sandbox.url,
      replacedJiraAccountId: BOB_ACCOUNT_ID,
      replacedJiraSite: sandbox.url,
      grantsRevoked: 2,
    });
  });

  it('checks at most 10 API tokens per person per 10 minutes against Jira, also for a parallel burst, then answers 429', async () => {
    gw.clock.advance(LINK_START_WINDOW_MS + 1000);
    const agent = await signedInAgent(gw, clientId);
    const html = await (await agent.get('/jira/link?return_to=%2Faccount')).text();
    const checksBefore = sandbox.sandbox.requests.filter(
      (r) => r.path === '/rest/api/3/myself',
    ).length;
    const burst = await Promise.all(
      Array.from({ length: 14 }, () =>
        agent.post('/jira/token', {
          csrf_token: inputValue(html, 'csrf_token'),
          return_to: '/account',
          email: 'bob@example.com',
          api_token: 'not-bobs-token',
        }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(MAX_LINK_STARTS_PER_PERSON);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14 - MAX_LINK_STARTS_PER_PERSON);
    const refused = burst.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe(String(LINK_START_WINDOW_MS / 1000));
    const checks =
      sandbox.sandbox.requests.filter((r) => r.path === '/rest/api/3/myself').length - checksBefore;
    expect(checks).toBe(MAX_LINK_STARTS_PER_PERSON);
  });
});

describe('re-linking and link starts with JIRA_AUTH=atlassian-oauth (3LO against the sandbox)', () => {
  let sandbox: SandboxServer;
  let gw: TestGateway;
  let clientId: string;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-relink-'));
    sandbox = await startSandboxServer({
      dbPath: path.join(sandboxDir, 'sandbox.db'),
      atlassian: { redirectUris: [CALLBACK] },
    });
    gw = await createTestGateway(
      { JIRA_AUTH: 'atlassian-oauth' },
      {},
      {
        personalJira: ({ config, storage, clock }) =>
          createPersonalJira({
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
          }),
      },
    );
    clientId = (await registerClient(gw)).client_id;
  });
  afterAll(async () => {
    await gw.close();
    await sandbox.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  async function linkAs(agent: PageAgent, email: string): Promise<void> {
    const start = await agent.get('/jira/link?return_to=%2Faccount');
    expect(start.status).toBe(200);
    const back = await atAtlassian(continueHref(await start.text()), email);
    const callback = await agent.get(back);
    expect(callback.status).toBe(303);
  }

  it('revokes the person’s grants when they link another Atlassian account, audited in jira.linked', async () => {
    const agent = await signedInAgent(gw, clientId);
    await linkAs(agent, 'bob@example.com');
    await holdGrant(gw, agent, clientId);
    expect(await liveGrants(gw)).toHaveLength(1);
    await linkAs(agent, 'bob@example.com');
    expect(await liveGrants(gw)).toHaveLength(1);

    await linkAs(agent, 'alice@example.com');
    expect(await liveGrants(gw)).toEqual([]);
    expect((await lastLinked(gw))?.detail).toMatchObject({
      mode: 'atlassian-oauth',
      jiraAccountId: ALICE_ACCOUNT_ID,
      replacedJiraAccountId: BOB_ACCOUNT_ID,
      grantsRevoked: 1,
    });
  });

  it('stores at most 10 link states per person per 10 minutes, also for a parallel burst, then answers 429 with Retry-After', async () => {
    // A window of its own: the test above started links at an earlier time.
    gw.clock.advance(LINK_START_WINDOW_MS + 1000);
    const agent = await signedInAgent(gw, clientId);
    const burst = await Promise.all(
      Array.from({ length: 15 }, () => agent.get('/jira/link?return_to=%2Faccount')),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_LINK_STARTS_PER_PERSON);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15 - MAX_LINK_STARTS_PER_PERSON);
    const refused = burst.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe(String(LINK_START_WINDOW_MS / 1000));
    expect(refused?.headers.get('cache-control')).toBe('no-store');
    const html = (await refused?.text()) ?? '';
    expect(html).toContain('<h1>Too many link attempts</h1>');
    expect(html).toMatch(/quote reference <code>[^<]+<\/code>/);

    gw.clock.advance(60_000);
    const later = await agent.get('/jira/link');
    expect(later.status).toBe(429);
    expect(later.headers.get('retry-after')).toBe(String(LINK_START_WINDOW_MS / 1000 - 60));

    gw.clock.advance(LINK_START_WINDOW_MS);
    const next = await agent.get(`/jira/link?x=${randomToken()}`);
    expect(next.status).toBe(200);
  });
});
