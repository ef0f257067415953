/**
 * Per-person Jira end to end: the gateway as a real process, the official
 * MCP SDK 1.x client with its own OAuth support, two people in Chromium, and
 * the sandbox playing both Jira and Atlassian's OAuth server.
 *
 * JIRA_AUTH=atlassian-oauth: two gateway people link two Atlassian accounts
 * inside the authorization flow; bob cannot see OPS or a restricted
 * comment, alice can; a comment bob adds is authored by bob; unlinking on
 * /account and a refresh token Atlassian revoked both end in a 401 that the
 * client answers with a new authorization, which links again and works.
 * JIRA_AUTH=personal-token: bob stores his own API token on the form
 * inside the authorization flow and acts as himself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import {
  SANDBOX_ATLASSIAN_APP,
  sandboxToken,
  startSandboxServer,
} from '../../src/sandbox/index.js';
import { CONSENT_HEADING, launchChromium } from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import { startLoopbackCallback, type LoopbackCallback } from '../helpers/loopback-servers.js';
import { auditTrail, type AuditLine } from '../helpers/mcp-oauth-flow.js';
import { SuiteResources } from '../helpers/suite-resources.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BOB_PASSWORD = 'bob builds with a long passphrase';

type SandboxServer = Awaited<ReturnType<typeof startSandboxServer>>;

/** Adds a local gateway user through the CLI, as an operator does. */
function addGatewayUser(dataDir: string, username: string, password: string): void {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/entry/node.ts', 'user', 'add', username, '--password-stdin'],
    {
      cwd: ROOT,
      input: `${password}\n`,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
      },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`user add failed: ${run.stderr}`);
}

interface PersonAtBrowser {
  page: Page;
  gateway: { username: string; password: string };
  /** atlassian-oauth: the Atlassian account to link; personal-token: e-mail and token. */
  jira: { email: string; password?: string; apiToken?: string };
}

/**
 * What a person does after the client opens the authorization URL, page by
 * page: signs in at the gateway (unless still signed in), links Jira when
 * asked (at Atlassian, or on the API-token form), reads the consent page
 * and allows. Returns the consent page's "In Jira" line and where the
 * browser landed.
 * @see draft-ietf-oauth-v2-1-13 §4.1.1
 */
async function authorizeInBrowser(
  person: PersonAtBrowser,
  url: string,
  gatewayOrigin: string,
): Promise<{ jiraLine: string; landed: URL; linked: boolean }> {
  const { page } = person;
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  let linked = false;
  for (let step = 0; step < 6; step++) {
    await page.waitForLoadState();
    const here = new URL(page.url());
    if (here.origin !== gatewayOrigin) {
      // Atlassian's (the sandbox's) sign-in and consent.
      linked = true;
      await page.getByLabel('Email').fill(person.jira.email);
      await page.getByLabel('Password').fill(person.jira.password ?? 'sandbox');
      await Promise.all([
        page.waitForURL((next) => next.origin === gatewayOrigin),
        page.getByRole('button', { name: 'Accept' }).click(),
      ]).catch(async (error: unknown) => {
        throw new Error(
          `Atlassian did not send the browser back: ${await page.innerText('body')}`,
          {
            cause: error,
          },
        );
      });
      continue;
    }
    const heading = await page.getByRole('heading', { level: 1 }).innerText();
    if (heading === 'Sign in') {
      await page.getByLabel('Username').fill(person.gateway.username);
      await page.getByLabel('Password').fill(person.gateway.password);
      await Promise.all([
        page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      continue;
    }
    if (heading === 'Link your Jira account') {
      await Promise.all([
        page.waitForURL((next) => next.origin !== gatewayOrigin),
        page.getByRole('link', { name: 'Continue to Atlassian' }).click(),
      ]);
      continue;
    }
    if (heading === 'Connect your Jira account') {
      linked = true;
      await page.getByLabel('Jira e-mail address').fill(person.jira.email);
      await page.getByLabel('API token').fill(person.jira.apiToken ?? '');
      await Promise.all([
        page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }),
        page.getByRole('button', { name: 'Check and save' }).click(),
      ]);
      continue;
    }
    if (CONSENT_HEADING.test(heading)) {
      const jiraLine = await page.locator('#jira-account').innerText();
      await Promise.all([
        page.waitForURL((next) => next.origin !== gatewayOrigin),
        page.getByRole('button', { name: 'Allow', exact: true }).click(),
      ]);
      return { jiraLine, landed: new URL(page.url()), linked };
    }
    throw new Error(`unexpected page "${heading}": ${await page.innerText('main')}`);
  }
  throw new Error('the authorization did not end on the consent page');
}

/**
 * The client's store, plus what real clients do when the authorization
 * server refuses their refresh token (`invalid_grant`): forget the tokens,
 * so the SDK starts a new authorization instead of retrying the refresh.
 * @see RFC 6749 §5.2 (invalid_grant)
 */
class ReauthorizingProvider extends InMemoryOAuthProvider<SdkV1OAuthRecords> {
  #dropped = false;

  override tokens(): SdkV1OAuthRecords['tokens'] | undefined {
    return this.#dropped ? undefined : super.tokens();
  }

  override saveTokens(tokens: SdkV1OAuthRecords['tokens']): void {
    this.#dropped = false;
    super.saveTokens(tokens);
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.#dropped = true;
  }
}

/** One MCP client installation of one person: its OAuth state and its browser. */
class Installation {
  readonly provider: ReauthorizingProvider;
  #pending: Promise<{ jiraLine: string; landed: URL; linked: boolean }> | undefined;

  constructor(
    readonly person: PersonAtBrowser,
    readonly gw: GatewayProcess,
    readonly callback: LoopbackCallback,
  ) {
    this.provider = new ReauthorizingProvider({
      redirectUrl: callback.redirectUri,
      clientMetadata: nativeClientMetadata(
        `per-person e2e (${person.gateway.username})`,
        callback.redirectUri,
      ),
      state: randomState,
      openBrowser: (url) => {
        this.#pending = authorizeInBrowser(person, url.href, gw.publicUrl);
      },
    });
  }

  get mcpUrl(): URL {
    return new URL(`${this.gw.publicUrl}/mcp`);
  }

  /**
   * Connects; when the client is sent to authorize (first time, or after a
   * 401), lets the person finish in the browser and the client `finishAuth`.
   */
  async connect(): Promise<{ client: Client; authorized?: { jiraLine: string; linked: boolean } }> {
    const first = new StreamableHTTPClientTransport(this.mcpUrl, { authProvider: this.provider });
    const probe = new Client({ name: 'per-person-e2e', version: '1.0.0' });
    try {
      await probe.connect(first);
      return { client: probe };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) throw new Error('the client did not open the browser');
    const outcome = await pending;
    const params = await this.callback.next();
    expect(outcome.landed.searchParams.get('code')).toBe(params.get('code'));
    await first.finishAuth(params.get('code') ?? '');
    const client = new Client({ name: 'per-person-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(this.mcpUrl, { authProvider: this.provider }),
    );
    return { client, authorized: { jiraLine: outcome.jiraLine, linked: outcome.linked } };
  }

  /**
   * A tool call that meets the 401 of a lost link: the SDK refreshes (the
   * gateway revoked the grant, so that fails), then sends the person to
   * authorize again, which links; the call works on the new connection.
   */
  async callAfterRelink(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ result: Record<string, unknown>; client: Client; jiraLine: string }> {
    const refused = await client.callTool({ name, arguments: args }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UnauthorizedError);
    await client.close();
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) throw new Error('the client did not open the browser');
    const outcome = await pending;
    expect(outcome.linked).toBe(true);
    const params = await this.callback.next();
    const transport = new StreamableHTTPClientTransport(this.mcpUrl, {
      authProvider: this.provider,
    });
    await transport.finishAuth(params.get('code') ?? '');
    const next = new Client({ name: 'per-person-e2e', version: '1.0.0' });
    await next.connect(transport);
    const result = await next.callTool({ name, arguments: args });
    return { result, client: next, jiraLine: outcome.jiraLine };
  }
}

interface CommentView {
  author: { displayName: string | null } | null;
  body: string;
}

async function issue(client: Client, key: string): Promise<Record<string, unknown>> {
  return client.callTool({
    name: 'jira_get_issue',
    arguments: { issueKey: key, commentLimit: 20 },
  });
}

function comments(result: Record<string, unknown>): CommentView[] {
  return (result.structuredContent as { comments: CommentView[] }).comments;
}

async function whoamiAccount(client: Client): Promise<string> {
  const result = await client.callTool({ name: 'jira_whoami', arguments: {} });
  expect(result.isError ?? false).toBe(false);
  return (result.structuredContent as { jiraAccount: { accountId: string } }).jiraAccount.accountId;
}

describe('per-person Jira with JIRA_AUTH=atlassian-oauth: the SDK 1.x client, Chromium, the sandbox as Atlassian', () => {
  const resources = new SuiteResources();
  let sandbox: SandboxServer;
  let sandboxDir: string;
  let gw: GatewayProcess;
  let browser: Browser;
  let alice: Installation;
  let bob: Installation;
  let aliceClient: Client | undefined;
  let bobClient: Client | undefined;
  const clientOf = (client: Client | undefined): Client => {
    if (client === undefined) throw new Error('connected by the first test');
    return client;
  };

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-e2e-atl-'));
    sandbox = await resources.track(
      startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') }),
      (running) => running.close(),
    );
    // The gateway's own Atlassian app: the sandbox's demo app, reached on loopback.
    gw = await resources.track(
      startGatewayProcess({
        JIRA_AUTH: 'atlassian-oauth',
        ATLASSIAN_CLIENT_ID: SANDBOX_ATLASSIAN_APP.clientId,
        ATLASSIAN_CLIENT_SECRET: SANDBOX_ATLASSIAN_APP.clientSecret,
        ATLASSIAN_AUTH_URL: sandbox.url,
        ATLASSIAN_API_URL: sandbox.url,
      }),
      (running) => running.stop(),
    );
    addGatewayUser(gw.dataDir, 'bob', BOB_PASSWORD);
    browser = await resources.track(launchChromium(), (running) => running.close());
    const [aliceCallback, bobCallback] = await Promise.all([
      resources.track(startLoopbackCallback(), (running) => running.close()),
      resources.track(startLoopbackCallback(), (running) => running.close()),
    ]);
    // Separate browser profiles: each person has their own gateway session.
    alice = new Installation(
      {
        page: await (await browser.newContext()).newPage(),
        gateway: { username: 'admin', password: gw.adminPassword ?? '' },
        jira: { email: 'alice@example.com' },
      },
      gw,
      aliceCallback,
    );
    bob = new Installation(
      {
        page: await (await browser.newContext()).newPage(),
        gateway: { username: 'bob', password: BOB_PASSWORD },
        jira: { email: 'bob@example.com' },
      },
      gw,
      bobCallback,
    );
  });
  afterAll(async () => {
    await aliceClient?.close();
    await bobClient?.close();
    await resources.stopAll();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it('links each person’s Atlassian account inside the authorization, and the consent page names it', async () => {
    const a = await alice.connect();
    aliceClient = a.client;
    expect(a.authorized?.linked).toBe(true);
    expect(a.authorized?.jiraLine).toMatch(
      /^Actions in Jira will be made as Alice Admin \(alice@example\.com\) on \S+\.$/,
    );
    const b = await bob.connect();
    bobClient = b.client;
    expect(b.authorized?.jiraLine).toMatch(
      /^Actions in Jira will be made as Bob Builder \(bob@example\.com\) on \S+\.$/,
    );
    expect(await whoamiAccount(clientOf(aliceClient))).toBe(ALICE_ACCOUNT_ID);
    expect(await whoamiAccount(clientOf(bobClient))).toBe(BOB_ACCOUNT_ID);
  });

  it('gives each person their own Jira permissions: bob cannot see OPS or the restricted comment, alice can', async () => {
    const opsForAlice = await issue(clientOf(aliceClient), 'OPS-1');
    expect(opsForAlice.isError ?? false).toBe(false);
    const opsForBob = await issue(clientOf(bobClient), 'OPS-1');
    expect(opsForBob.isError).toBe(true);

    const auditNote = /Audit note: the payment SDK/;
    expect(
      comments(await issue(clientOf(aliceClient), 'DEMO-28')).some((c) => auditNote.test(c.body)),
    ).toBe(true);
    const forBob = await issue(clientOf(bobClient), 'DEMO-28');
    expect(forBob.isError ?? false).toBe(false);
    expect(comments(forBob).some((c) => auditNote.test(c.body))).toBe(false);
  });

  it('records a comment bob adds as written by bob', async () => {
    const added = await clientOf(bobClient).callTool({
      name: 'jira_add_comment',
      arguments: { issueKey: 'DEMO-2', body: 'Checked by bob through his own account.' },
    });
    expect(added.isError ?? false).toBe(false);
    const seenByAlice = comments(await issue(clientOf(aliceClient), 'DEMO-2')).find((c) =>
      c.body.includes('Checked by bob through his own account.'),
    );
    expect(seenByAlice?.author?.displayName).toBe('Bob Builder');
  });

  it('after bob unlinks on /account, his next call is a 401 and the client’s new authorization links again', async () => {
    const page = bob.person.page;
    await page.goto(`${gw.publicUrl}/account`);
    await expect(page.locator('#jira-link-status').innerText()).resolves.toBe('Working');
    await Promise.all([
      page.waitForURL(/\/account\?notice=jira-unlinked$/),
      page.getByRole('button', { name: 'Unlink Jira account' }).click(),
    ]);
    const relinked = await bob.callAfterRelink(clientOf(bobClient), 'jira_whoami', {});
    bobClient = relinked.client;
    expect(relinked.jiraLine).toContain('Bob Builder (bob@example.com)');
    expect(
      (relinked.result.structuredContent as { jiraAccount: { accountId: string } }).jiraAccount
        .accountId,
    ).toBe(BOB_ACCOUNT_ID);
  });

  it('after Atlassian revokes alice’s refresh token, her next call is a 401 and a new authorization re-links her', async () => {
    // What "Remove access" in the person's Atlassian profile does: the app's tokens die.
    const db = new Database(path.join(sandboxDir, 'sandbox.db'));
    try {
      const revoked = db
        .prepare(
          'UPDATE atlassian_families SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL',
        )
        .run(Date.now(), ALICE_ACCOUNT_ID);
      db.prepare('DELETE FROM atlassian_access_tokens WHERE account_id = ?').run(ALICE_ACCOUNT_ID);
      expect(revoked.changes).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    const relinked = await alice.callAfterRelink(clientOf(aliceClient), 'jira_get_issue', {
      issueKey: 'OPS-1',
    });
    aliceClient = relinked.client;
    expect(relinked.result.isError ?? false).toBe(false);
    expect(relinked.jiraLine).toContain('Alice Admin (alice@example.com)');
  });

  it('names, in every tool.called audit event, the Jira account that acted', async () => {
    const events = (await auditTrail(gw.dataDir)) as (AuditLine & {
      detail?: Record<string, unknown>;
    })[];
    const calls = events.filter((e) => e.type === 'tool.called');
    expect(calls.length).toBeGreaterThan(5);
    for (const call of calls) expect(call.detail?.['jiraAuth']).toBe('atlassian-oauth');
    const acted = calls
      .filter((e) => e.outcome === 'success')
      .map((e) => e.detail?.['jiraAccountId']);
    expect(new Set(acted)).toEqual(new Set([ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID]));
    const refused = calls.filter((e) => e.detail?.['error'] === 'jira_link_required');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.type === 'jira.linked')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'jira.unlinked')).toHaveLength(1);
  });
});

describe('per-person Jira with JIRA_AUTH=personal-token: bob stores his own API token in the authorization', () => {
  const resources = new SuiteResources();
  let gw: GatewayProcess;
  let bob: Installation;
  let client: Client | undefined;

  beforeAll(async () => {
    gw = await resources.track(startGatewayProcess({ JIRA_AUTH: 'personal-token' }), (running) =>
      running.stop(),
    );
    addGatewayUser(gw.dataDir, 'bob', BOB_PASSWORD);
    const browser = await resources.track(launchChromium(), (running) => running.close());
    const callback = await resources.track(startLoopbackCallback(), (running) => running.close());
    bob = new Installation(
      {
        page: await (await browser.newContext()).newPage(),
        gateway: { username: 'bob', password: BOB_PASSWORD },
        jira: { email: 'bob@example.com', apiToken: sandboxToken('bob') },
      },
      gw,
      callback,
    );
  });
  afterAll(async () => {
    await client?.close();
    await resources.stopAll();
  });

  it('asks for the token before consent, names bob on the consent page, and acts as bob', async () => {
    const connected = await bob.connect();
    client = connected.client;
    expect(connected.authorized?.linked).toBe(true);
    expect(connected.authorized?.jiraLine).toMatch(
      /^Actions in Jira will be made as Bob Builder \(bob@example\.com\) on http:\/\/127\.0\.0\.1:\d+\.$/,
    );
    expect(await whoamiAccount(client)).toBe(BOB_ACCOUNT_ID);
    expect((await issue(client, 'OPS-1')).isError).toBe(true);
  });
});
