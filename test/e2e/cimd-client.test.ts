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
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  type SdkV2OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import {
  closeServer,
  listenOnLoopback,
  startLoopbackCallback,
  type LoopbackCallback,
} from '../helpers/loopback-servers.js';
import { expectDemoEpic } from '../helpers/mcp-client-checks.js';
import { BrowserConsent, expectAuthorizationResponse } from '../helpers/mcp-oauth-flow.js';
import { newPkce } from '../helpers/oauth-client.js';
import { SuiteResources } from '../helpers/suite-resources.js';
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
    const document = nativeClientMetadata(CLIENT_NAME, redirectUri);
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
  origin = `https://127.0.0.1:${await listenOnLoopback(server)}`;
  return { origin, fetches, close: () => closeServer(server) };
}

describe('Client ID Metadata Document client (draft-ietf-oauth-client-id-metadata-document) against `serve`', () => {
  let gw: GatewayProcess;
  let callback: LoopbackCallback;
  let documents: DocumentServer;
  let person: BrowserConsent;
  let provider: InMemoryOAuthProvider<SdkV2OAuthRecords>;
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
    person = new BrowserConsent(await browser.newPage(), gw, {
      screenshotName: 'cimd',
      onConsentPage: async (consent) => {
        seen.heading = await consent.getByRole('heading', { level: 1 }).innerText();
        seen.site = await consent.locator('dt:text-is("Says its site is") + dd').innerText();
        seen.returnsTo = await consent.locator('dt:text-is("Returns to") + dd').innerText();
      },
    });
    // Named by URL, so it never registers; it sends no `state` (PKCE protects the code).
    provider = new InMemoryOAuthProvider({
      clientMetadataUrl: `${documents.origin}/client.json`,
      redirectUrl: callback.redirectUri,
      clientMetadata: {
        client_name: CLIENT_NAME,
        redirect_uris: [callback.redirectUri],
        token_endpoint_auth_method: 'none',
      },
      keepsDiscovery: true,
      openBrowser: person.open,
    });
  });

  afterAll(() => resources.stopAll());

  it('uses the document URL as client_id; the gateway fetches it and the consent page shows its name and host', async () => {
    const mcpUrl = new URL(`${gw.publicUrl}/mcp`);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(
      new Client({ name: 'e2e-cimd', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toBe(`${documents.origin}/client.json`);

    const params = await expectAuthorizationResponse(person, callback, provider, gw.publicUrl);
    expect(documents.fetches).toContain('/client.json');
    expect(seen.heading).toBe(`Allow “${CLIENT_NAME}” to use your Jira?`);
    expect(seen.site).toBe(new URL(documents.origin).host);
    expect(seen.returnsTo).toBe(new URL(callback.redirectUri).host);

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
    await expectDemoEpic(client);
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
    const { page } = person;
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
