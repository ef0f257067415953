/**
 * The v2 MCP client package (`@modelcontextprotocol/client`) against the
 * gateway as a real process. v2 is strict where v1 was lenient: the
 * metadata `issuer` must echo the URL it was discovered at (RFC 8414 §3.3),
 * and `iss` on the authorization response must equal it (RFC 9207) or the
 * code is never redeemed. Login and consent happen in real Chromium.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  Client,
  IssuerMismatchError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consentInBrowser,
  launchChromium,
  startLoopbackCallback,
  SuiteResources,
  type LoopbackCallback,
} from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * One native client's memory of one server: registration, tokens, PKCE
 * verifier, and the discovery result, which v2 uses to bind the callback leg
 * to the authorization server the request went to.
 */
class InMemoryOAuthProvider implements OAuthClientProvider {
  #client: StoredOAuthClientInformation | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #tokens: StoredOAuthTokens | undefined;
  #verifier: string | undefined;
  lastState: string | undefined;

  constructor(
    readonly redirectUrl: string,
    private readonly openBrowser: (url: URL) => void,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK v2 end-to-end client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.#client;
  }

  saveClientInformation(info: StoredOAuthClientInformation): void {
    this.#client = info;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.openBrowser(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error('no authorization request is pending');
    return this.#verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }
}

interface AuditLine {
  type: string;
  outcome: string;
  clientId?: string;
}

/** The newest audit events, as an operator reads them: `audit tail --json`. */
async function auditTrail(dataDir: string): Promise<AuditLine[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/entry/node.ts',
      'audit',
      'tail',
      '--json',
      '-n',
      '200',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
    },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine);
}

/** Polls `/mcp` with `accessToken` until the gateway refuses it as expired. */
async function waitUntilRejected(mcpUrl: string, accessToken: string): Promise<Response> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    if (response.status === 401) return response;
    await response.body?.cancel();
    if (Date.now() > deadline) throw new Error('the access token was still accepted after 15 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface TextContent {
  type: string;
  text?: string;
}

describe('MCP client v2 (@modelcontextprotocol/client, strict issuer and iss) against `serve`', () => {
  let gw: GatewayProcess;
  let page: Page;
  let callback: LoopbackCallback;
  let provider: InMemoryOAuthProvider;
  let client: Client;
  const resources = new SuiteResources();
  let browserDone: Promise<URL> | undefined;
  let mcpUrl: URL;

  beforeAll(async () => {
    let browser: Browser;
    [gw, browser, callback] = await Promise.all([
      resources.track(startGatewayProcess({ ACCESS_TOKEN_TTL: '3' }), (started) => started.stop()),
      resources.track(launchChromium(), (started) => started.close()),
      resources.track(startLoopbackCallback(), (started) => started.close()),
    ]);
    page = await browser.newPage();
    mcpUrl = new URL(`${gw.publicUrl}/mcp`);
    provider = new InMemoryOAuthProvider(callback.redirectUri, (url) => {
      browserDone = consentInBrowser(page, url.href, {
        username: 'admin',
        password: gw.adminPassword ?? '',
        screenshotName: 'sdk-v2',
      });
    });
  });

  afterAll(() => resources.stopAll());

  it('registers, opens the browser, and redeems the code only after checking iss', async () => {
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-v2', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toMatch(/\S{16,}/);
    expect(provider.clientInformation()?.issuer).toBe(gw.publicUrl);
    expect(provider.discoveryState()?.authorizationServerMetadata?.issuer).toBe(gw.publicUrl);

    const landed = await browserDone;
    const params = await callback.next();
    expect(landed?.searchParams.get('code')).toBe(params.get('code'));
    expect(params.get('state')).toBe(provider.lastState);
    expect(params.get('iss')).toBe(gw.publicUrl);

    // A mix-up: the same code presented as coming from another issuer is refused before redemption.
    await expect(
      first.finishAuth(params.get('code') ?? '', 'https://evil.example'),
    ).rejects.toBeInstanceOf(IssuerMismatchError);
    expect(provider.tokens()).toBeUndefined();

    await first.finishAuth(params);
    const tokens = provider.tokens();
    expect(tokens?.issuer).toBe(gw.publicUrl);
    expect(tokens?.token_type.toLowerCase()).toBe('bearer');
    expect(tokens?.scope).toBe('jira:read jira:write');
    expect(tokens?.expires_in).toBe(3);
    expect(tokens?.refresh_token).toMatch(/\S{20,}/);

    const connecting = new Client({ name: 'e2e-v2', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    client = await resources.track(
      connecting.connect(transport).then(() => connecting),
      (connected) => connected.close(),
    );
    expect(client.getServerVersion()?.name).toBeTruthy();
    expect(callback.count()).toBe(1);
  });

  it('lists the Jira tools', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['jira_search_issues', 'jira_get_issue', 'jira_whoami']),
    );
  });

  it('searches project DEMO and reads one issue of the sandbox', async () => {
    const search = await client.callTool({
      name: 'jira_search_issues',
      arguments: { jql: 'project = DEMO', maxResults: 50 },
    });
    expect(search.isError).toBeFalsy();
    const found = search.structuredContent as {
      issues: { key: string; summary: string }[];
      isLast: boolean;
    };
    expect(found.isLast).toBe(true);
    expect(found.issues).toHaveLength(28);
    expect(found.issues.every((issue) => /^DEMO-\d+$/.test(issue.key))).toBe(true);
    expect(found.issues).toContainEqual(
      expect.objectContaining({ key: 'DEMO-1', summary: 'Checkout revamp' }),
    );

    const issue = await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-3' },
    });
    expect(issue.isError).toBeFalsy();
    expect(issue.structuredContent).toMatchObject({
      key: 'DEMO-3',
      summary: 'As a shopper I can pay with a saved card',
      parent: 'DEMO-1',
    });
    const text = (issue.content as TextContent[]).map((c) => c.text ?? '').join('\n');
    expect(text).toContain('Design review done; starting the UI part.');
  });

  it('refreshes the expired access token by itself, rotating the refresh token, and keeps working', async () => {
    const before = provider.tokens();
    if (before === undefined) throw new Error('no tokens after the first test');
    const refused = await waitUntilRejected(mcpUrl.href, before.access_token);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const again = await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-1' },
    });
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toMatchObject({ key: 'DEMO-1', summary: 'Checkout revamp' });

    const after = provider.tokens();
    expect(after?.access_token).not.toBe(before.access_token);
    expect(after?.refresh_token).toMatch(/\S{20,}/);
    expect(after?.refresh_token).not.toBe(before.refresh_token);
    expect(after?.issuer).toBe(gw.publicUrl);
    expect(after?.scope).toBe('jira:read jira:write');
    expect(callback.count()).toBe(1);

    const clientId = provider.clientInformation()?.client_id;
    const trail = await auditTrail(gw.dataDir);
    expect(trail).toContainEqual(
      expect.objectContaining({ type: 'token.refreshed', outcome: 'success', clientId }),
    );
    expect(trail).not.toContainEqual(expect.objectContaining({ type: 'refresh.reuse_detected' }));
  });
});
