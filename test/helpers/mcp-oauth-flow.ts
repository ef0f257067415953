/**
 * A native MCP client's OAuth flow against the gateway process, shared by
 * the SDK 1.x, SDK v2 and Client ID Metadata Document suites: the person's
 * login and consent in Chromium behind the loopback redirect, the checks of
 * the authorization and token responses, waiting for an access token to
 * expire, and the operator's audit trail. The client's own state is in
 * in-memory-oauth-provider.ts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { consentInBrowser, launchChromium } from './chromium.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type OAuthRecordTypes,
} from './in-memory-oauth-provider.js';
import { startLoopbackCallback, type LoopbackCallback } from './loopback-servers.js';
import { lateBound, SuiteResources } from './suite-resources.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The person at the browser: when the client opens the authorization URL,
 * they sign in as the first-run admin and approve in Chromium.
 * @see draft-ietf-oauth-v2-1-13 §4.1.1
 */
export class BrowserConsent {
  #landed: Promise<URL> | undefined;

  constructor(
    readonly page: Page,
    private readonly gw: GatewayProcess,
    private readonly options: {
      screenshotName: string;
      onConsentPage?: (page: Page) => Promise<void>;
    },
  ) {}

  /** Pass as the provider's `openBrowser`. */
  readonly open = (url: URL): void => {
    this.#landed = consentInBrowser(this.page, url.href, {
      username: 'admin',
      password: this.gw.adminPassword ?? '',
      ...this.options,
    });
  };

  /** Where the browser landed after the decision; undefined until the client opened a URL. */
  get landed(): Promise<URL> | undefined {
    return this.#landed;
  }
}

/** A gateway process, Chromium and a loopback redirect, with a client's provider wired to them. */
export interface BrowserClientSuite<R extends OAuthRecordTypes> {
  gw: GatewayProcess;
  callback: LoopbackCallback;
  mcpUrl: URL;
  person: BrowserConsent;
  provider: InMemoryOAuthProvider<R>;
  /** Stopped in `afterAll`; track what the tests start (connected clients) here. */
  resources: SuiteResources;
}

export interface BrowserClientSuiteOptions {
  env: Record<string, string>;
  clientName: string;
  screenshotName: string;
  keepsDiscovery: boolean;
}

/**
 * Starts, in `beforeAll`, the gateway (with `env`), Chromium and the
 * loopback redirect, and a provider that registers as `clientName`, sends a
 * random `state` and lets the person consent in the browser; stops them all
 * in `afterAll`. The handle reaches the running suite once `beforeAll` has
 * run, and throws if used before.
 * @see RFC 8252 §7.3; MCP 2025-11-25 authorization
 */
export function useBrowserClientSuite<R extends OAuthRecordTypes>(
  options: BrowserClientSuiteOptions,
): BrowserClientSuite<R> {
  const resources = new SuiteResources();
  let started: BrowserClientSuite<R> | undefined;
  beforeAll(async () => {
    const [gw, browser, callback] = await Promise.all([
      resources.track(startGatewayProcess(options.env), (running) => running.stop()),
      resources.track(launchChromium(), (running) => running.close()),
      resources.track(startLoopbackCallback(), (running) => running.close()),
    ]);
    const person = new BrowserConsent(await browser.newPage(), gw, {
      screenshotName: options.screenshotName,
    });
    const provider = new InMemoryOAuthProvider<R>({
      redirectUrl: callback.redirectUri,
      clientMetadata: nativeClientMetadata(options.clientName, callback.redirectUri),
      state: randomState,
      keepsDiscovery: options.keepsDiscovery,
      openBrowser: person.open,
    });
    started = { gw, callback, mcpUrl: new URL(`${gw.publicUrl}/mcp`), person, provider, resources };
  });
  afterAll(() => resources.stopAll());
  return lateBound(() => {
    if (started === undefined) throw new Error('the suite starts in beforeAll');
    return started;
  });
}

/**
 * Waits for the browser's landing and the loopback request, and checks the
 * authorization response: the code the browser carried, the client's
 * `state` (none when it sent none) and the issuer. Returns its parameters.
 * @see RFC 6749 §4.1.2; RFC 9207 §2
 */
export async function expectAuthorizationResponse(
  person: BrowserConsent,
  callback: LoopbackCallback,
  provider: { lastState: string | undefined },
  issuer: string,
): Promise<URLSearchParams> {
  expect(person.landed).toBeDefined();
  const landed = await person.landed;
  const params = await callback.next();
  expect(landed?.searchParams.get('code')).toBe(params.get('code'));
  expect(params.get('state')).toBe(provider.lastState ?? null);
  expect(params.get('iss')).toBe(issuer);
  return params;
}

/**
 * A token response for both Jira scopes that includes a refresh token.
 * @see RFC 6749 §5.1
 */
export function expectFreshTokens(
  tokens:
    | { token_type: string; scope?: string | undefined; refresh_token?: string | undefined }
    | undefined,
): void {
  expect(tokens?.token_type.toLowerCase()).toBe('bearer');
  expect(tokens?.scope).toBe('jira:read jira:write');
  expect(tokens?.refresh_token).toMatch(/\S{20,}/);
}

/**
 * Polls `/mcp` with `accessToken` until the gateway refuses it as expired.
 * @see RFC 6750 §3.1
 */
export async function waitUntilRejected(mcpUrl: string, accessToken: string): Promise<Response> {
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

export interface AuditLine {
  type: string;
  outcome: string;
  clientId?: string;
}

/** The newest audit events, as an operator reads them: `audit tail --json`. */
export async function auditTrail(dataDir: string): Promise<AuditLine[]> {
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
