/**
 * A client identified by a Client ID Metadata Document: its `client_id` is
 * the https URL of a JSON document it publishes, served here by a local
 * HTTPS server whose test certificate the gateway trusts through
 * NODE_EXTRA_CA_CERTS. The v2 MCP client uses it instead of registering;
 * the person approves in Chromium; the token then calls a tool.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consentInBrowser,
  launchChromium,
  saveScreenshot,
  startLoopbackCallback,
  SuiteResources,
  type LoopbackCallback,
} from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { newPkce } from '../helpers/oauth-client.js';
import { createTestCertificate } from '../helpers/tls.js';

const CLIENT_NAME = 'CIMD Test Client';

/** The publisher of the metadata documents: `/client.json` and a forged `/forged.json`. */
interface DocumentServer {
  origin: string;
  /** Paths requested so far. */
  fetches: string[];
  close(): Promise<void>;
}

async function startDocumentServer(
  cert: string,
  key: string,
  redirectUri: string,
): Promise<DocumentServer> {
  const fetches: string[] = [];
  let origin = '';
  const server = createServer({ cert, key }, (req, res) => {
    fetches.push(req.url ?? '');
    const document = {
      client_name: CLIENT_NAME,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
    if (req.url === '/client.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
      res.end(JSON.stringify({ client_id: `${origin}/client.json`, ...document }));
    } else if (req.url === '/forged.json') {
      // Claims to be the other document: the gateway must not believe it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ client_id: `${origin}/client.json`, ...document, client_name: 'Forged' }),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('document server has no port');
  origin = `https://127.0.0.1:${address.port}`;
  return {
    origin,
    fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A client that names itself by URL: no registration, so no `saveClientInformation` is needed. */
class MetadataDocumentProvider implements OAuthClientProvider {
  #client: StoredOAuthClientInformation | undefined;
  #tokens: StoredOAuthTokens | undefined;
  #verifier: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;

  constructor(
    readonly clientMetadataUrl: string,
    readonly redirectUrl: string,
    private readonly openBrowser: (url: URL) => void,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirectUrl],
      token_endpoint_auth_method: 'none',
    };
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

describe('Client ID Metadata Document client (draft-ietf-oauth-client-id-metadata-document) against `serve`', () => {
  let gw: GatewayProcess;
  let page: Page;
  let callback: LoopbackCallback;
  let documents: DocumentServer;
  let provider: MetadataDocumentProvider;
  let browserDone: Promise<URL> | undefined;
  const resources = new SuiteResources();
  const seen = { heading: '', site: '', returnsTo: '' };

  beforeAll(async () => {
    const [tls, browser] = await Promise.all([
      createTestCertificate(),
      resources.track(launchChromium(), (started) => started.close()),
    ]);
    callback = await resources.track(startLoopbackCallback(), (started) => started.close());
    const certDir = await resources.track(mkdtemp(path.join(tmpdir(), 'cimd-ca-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    const caFile = path.join(certDir, 'ca.pem');
    await writeFile(caFile, tls.cert);
    documents = await resources.track(
      startDocumentServer(tls.cert, tls.key, callback.redirectUri),
      (started) => started.close(),
    );
    gw = await resources.track(
      startGatewayProcess({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true', NODE_EXTRA_CA_CERTS: caFile }),
      (started) => started.stop(),
    );
    page = await browser.newPage();
    provider = new MetadataDocumentProvider(
      `${documents.origin}/client.json`,
      callback.redirectUri,
      (url) => {
        browserDone = consentInBrowser(page, url.href, {
          username: 'admin',
          password: gw.adminPassword ?? '',
          screenshotName: 'cimd',
          onConsentPage: async (consent) => {
            seen.heading = await consent.getByRole('heading', { level: 1 }).innerText();
            seen.site = await consent.locator('dt:text-is("Says its site is") + dd').innerText();
            seen.returnsTo = await consent.locator('dt:text-is("Returns to") + dd').innerText();
          },
        });
      },
    );
  });

  afterAll(() => resources.stopAll());

  it('uses the document URL as client_id; the gateway fetches it and the consent page shows its name and host', async () => {
    const mcpUrl = new URL(`${gw.publicUrl}/mcp`);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-cimd', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toBe(`${documents.origin}/client.json`);

    const landed = await browserDone;
    expect(documents.fetches).toContain('/client.json');
    expect(seen.heading).toBe(`Allow “${CLIENT_NAME}” to use your Jira?`);
    expect(seen.site).toBe(new URL(documents.origin).host);
    expect(seen.returnsTo).toBe(new URL(callback.redirectUri).host);

    const params = await callback.next();
    expect(landed?.searchParams.get('code')).toBe(params.get('code'));
    expect(params.get('iss')).toBe(gw.publicUrl);
    await first.finishAuth(params);
    expect(provider.tokens()?.scope).toBe('jira:read jira:write');
    expect(provider.tokens()?.refresh_token).toMatch(/\S{20,}/);
  });

  it('calls a tool with the token it was issued', async () => {
    const client = new Client({ name: 'e2e-cimd', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.publicUrl}/mcp`), {
      authProvider: provider,
    });
    await resources.track(
      client.connect(transport).then(() => client),
      (connected) => connected.close(),
    );
    const result = await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-1' },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ key: 'DEMO-1', summary: 'Checkout revamp' });
  });

  it('shows an error page, and never redirects, for a document that does not name itself', async () => {
    const forged = `${documents.origin}/forged.json`;
    const url = new URL(`${gw.publicUrl}/authorize`);
    const pkce = newPkce();
    for (const [name, value] of Object.entries({
      client_id: forged,
      redirect_uri: callback.redirectUri,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'forged',
    })) {
      url.searchParams.set(name, value);
    }
    const before = callback.count();
    const response = await page.goto(url.href);
    expect(response?.status()).toBe(400);
    expect(documents.fetches).toContain('/forged.json');
    expect(await page.innerText('main')).toContain(
      'the client_id in the document does not equal its URL',
    );
    await saveScreenshot(page, 'cimd-forged-error');
    expect(page.url()).toBe(url.href);
    expect(callback.count()).toBe(before);
  });
});
