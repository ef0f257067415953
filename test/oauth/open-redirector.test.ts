/**
 * No open redirector (RFC 9700 §4.11.2): an invalid authorization request
 * from a client nobody vouched for (dynamic registration, a Client ID
 * Metadata Document) gets an error page, never a redirect, until a person
 * has signed in and seen the consent page. A client an administrator made
 * (source `cli`) still gets the RFC 6749 §4.1.2.1 error redirect, with `iss`.
 */
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import { closeServer, listenOnLoopback } from '../helpers/loopback-servers.js';
import {
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
  signedInAgent,
} from '../helpers/oauth-client.js';
import { createTestCertificate } from '../helpers/tls.js';

let gw: TestGateway;
let documents: Server;
let documentFetches = 0;
let dcrClientId: string;
let cimdClientId: string;
const cliClientId = 'mcp_admin_made_client';
/** A browser that has signed in (with the CLI client, so its own request was valid). */
let signedIn: PageAgent;

beforeAll(async () => {
  const certificate = await createTestCertificate();
  let origin = '';
  documents = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    documentFetches += 1;
    if (req.url !== '/client.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
    res.end(
      JSON.stringify({
        client_id: `${origin}/client.json`,
        client_name: 'Metadata document client',
        redirect_uris: [LOOPBACK_REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
      }),
    );
  });
  origin = `https://127.0.0.1:${await listenOnLoopback(documents)}`;
  cimdClientId = `${origin}/client.json`;

  gw = await createTestGateway(
    { CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' },
    { metadataDocumentCa: certificate.cert },
  );
  dcrClientId = (await registerClient(gw)).client_id;
  await gw.storage.clients.create({
    clientId: cliClientId,
    kind: 'oauth',
    clientName: 'Admin-made client',
    redirectUris: [LOOPBACK_REDIRECT],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'cli',
    createdAt: gw.clock.now(),
  });
  signedIn = await signedInAgent(gw, cliClientId);
});

afterAll(async () => {
  await gw.close();
  await closeServer(documents);
});

/** A query built from pairs, so a parameter can be repeated or left out. */
function authorizeQuery(clientId: string, changes: [string, string | undefined][]): string {
  const base: [string, string][] = [
    ['client_id', clientId],
    ['redirect_uri', LOOPBACK_REDIRECT],
    ['response_type', 'code'],
    ['code_challenge', newPkce().challenge],
    ['code_challenge_method', 'S256'],
    ['state', 's1'],
  ];
  const params = new URLSearchParams();
  const removed = new Set(changes.filter(([, v]) => v === undefined).map(([k]) => k));
  const replaced = new Set(changes.filter(([, v]) => v !== undefined).map(([k]) => k));
  for (const [key, value] of base) {
    if (!removed.has(key) && !replaced.has(key)) params.append(key, value);
  }
  for (const [key, value] of changes) {
    if (value !== undefined) params.append(key, value);
  }
  return params.toString();
}

/** Every way an authorization request can be wrong once client and redirect URI are right. */
const INVALID: [string, [string, string | undefined][], string][] = [
  ['response_type=token', [['response_type', 'token']], 'unsupported_response_type'],
  ['no response_type', [['response_type', undefined]], 'invalid_request'],
  ['code_challenge_method=plain', [['code_challenge_method', 'plain']], 'invalid_request'],
  ['no code_challenge', [['code_challenge', undefined]], 'invalid_request'],
  ['no code_challenge_method', [['code_challenge_method', undefined]], 'invalid_request'],
  ['a malformed code_challenge', [['code_challenge', 'short']], 'invalid_request'],
  ['a resource we do not serve', [['resource', 'https://evil.example/mcp']], 'invalid_target'],
  ['a scope with a forbidden character', [['scope', 'jira:read "x']], 'invalid_scope'],
  ['a scope with a control character', [['scope', 'jira:read\u0007']], 'invalid_scope'],
  ['an unknown prompt value', [['prompt', 'bogus']], 'invalid_request'],
  ['prompt=none', [['prompt', 'none']], 'interaction_required'],
  ['prompt=none with another value', [['prompt', 'none consent']], 'invalid_request'],
  ['a request object', [['request', 'eyJhbGciOiJub25lIn0.e30.']], 'invalid_request'],
  ['a request_uri', [['request_uri', 'https://evil.example/req']], 'invalid_request'],
  ['response_mode=fragment', [['response_mode', 'fragment']], 'invalid_request'],
  ['response_mode=form_post', [['response_mode', 'form_post']], 'invalid_request'],
];

/** Parameters that must appear at most once: each is sent twice, with valid values. */
const REPEATED = [
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'prompt',
  'response_mode',
];

function repeatedQuery(clientId: string, name: string): string {
  const query = new URLSearchParams(authorizeQuery(clientId, []));
  const value =
    name === 'resource'
      ? `${TEST_ISSUER}/mcp`
      : name === 'scope'
        ? 'jira:read'
        : name === 'prompt'
          ? 'consent'
          : name === 'response_mode'
            ? 'query'
            : (query.get(name) ?? 'x');
  if (!query.has(name)) query.append(name, value);
  query.append(name, value);
  return query.toString();
}

async function expectErrorPage(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const html = await response.text();
  expect(html).toContain('<h1>Invalid request</h1>');
  expect(html).toContain(`(${code})`);
  expect(html).toContain('Nothing was sent back to the application.');
}

function expectErrorRedirect(response: Response, code: string): void {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(LOOPBACK_REDIRECT);
  expect(location.searchParams.get('error')).toBe(code);
  expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
  expect(location.searchParams.get('state')).toBe('s1');
  expect(location.searchParams.get('code')).toBeNull();
}

describe('GET /authorize — an unvouched client gets an error page, never a redirect (RFC 9700 §4.11.2)', () => {
  describe.each([
    ['a dynamically registered client', () => dcrClientId],
    ['a Client ID Metadata Document client', () => cimdClientId],
  ])('%s', (_kind, clientId) => {
    it.each(INVALID)('answers %s with a 400 page and no Location', async (_what, changes, code) => {
      const response = await gw.fetch(
        `${TEST_ISSUER}/authorize?${authorizeQuery(clientId(), changes)}`,
      );
      await expectErrorPage(response, code);
    });

    it.each(REPEATED)('answers a repeated %s with a 400 page and no Location', async (name) => {
      const response = await gw.fetch(
        `${TEST_ISSUER}/authorize?${repeatedQuery(clientId(), name)}`,
      );
      await expectErrorPage(response, 'invalid_request');
    });

    it('answers with a page also when the person is already signed in', async () => {
      const response = await signedIn.get(
        `/authorize?${authorizeQuery(clientId(), [['response_type', 'token']])}`,
      );
      await expectErrorPage(response, 'unsupported_response_type');
    });

    it('answers a login POST carrying an invalid request with a page, not a redirect', async () => {
      const agent = new PageAgent(gw.fetch, TEST_ISSUER);
      const page = await agent.get(`/authorize?${authorizeQuery(clientId(), [])}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const response = await agent.post('/authorize/login', {
        username: 'alice',
        password: 'wrong password',
        csrf_token: inputValue(html, 'csrf_token'),
        request: authorizeQuery(clientId(), [['code_challenge_method', 'plain']]),
      });
      await expectErrorPage(response, 'invalid_request');
    });

    it('still redirects access_denied, with iss and state, once the person saw the consent page', async () => {
      const page = await signedIn.get(`/authorize?${authorizeQuery(clientId(), [])}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const response = await signedIn.post('/authorize/consent', {
        csrf_token: inputValue(html, 'csrf_token'),
        request: inputValue(html, 'request'),
        decision: 'deny',
      });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.origin + location.pathname).toBe(LOOPBACK_REDIRECT);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
      expect(location.searchParams.get('state')).toBe('s1');
    });
  });

  it('fetched the metadata document once for all of the above (it is cached)', () => {
    expect(documentFetches).toBe(1);
  });
});

describe('GET /authorize — a client an administrator made gets the error redirect with iss (RFC 6749 §4.1.2.1, RFC 9207)', () => {
  it.each(INVALID)('redirects %s back with error, iss and state', async (_what, changes, code) => {
    expectErrorRedirect(
      await gw.fetch(`${TEST_ISSUER}/authorize?${authorizeQuery(cliClientId, changes)}`),
      code,
    );
  });

  it.each(REPEATED)('redirects a repeated %s back with invalid_request', async (name) => {
    expectErrorRedirect(
      await gw.fetch(`${TEST_ISSUER}/authorize?${repeatedQuery(cliClientId, name)}`),
      'invalid_request',
    );
  });

  it('still shows a page, never a redirect, for a redirect URI it did not register', async () => {
    const response = await gw.fetch(
      `${TEST_ISSUER}/authorize?${authorizeQuery(cliClientId, [
        ['redirect_uri', 'https://evil.example/cb'],
        ['response_type', 'token'],
      ])}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('GET /authorize — prompt (OpenID Connect Core §3.1.2.1)', () => {
  it('shows the consent page to a signed-in person for prompt=consent', async () => {
    const response = await signedIn.get(
      `/authorize?${authorizeQuery(dcrClientId, [['prompt', 'consent']])}`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('name="decision"');
  });

  it('asks a signed-in person to sign in again for prompt=login, and does not ask twice', async () => {
    const response = await signedIn.get(
      `/authorize?${authorizeQuery(dcrClientId, [['prompt', 'login consent']])}`,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="password"');
    const carried = new URLSearchParams(inputValue(html, 'request'));
    expect(carried.get('prompt')).toBe('consent');
    expect(carried.get('client_id')).toBe(dcrClientId);
    const login = await signedIn.post('/authorize/login', {
      username: TEST_USER.username,
      password: TEST_USER.password,
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
    });
    expect(login.status).toBe(303);
    const next = await signedIn.get(login.headers.get('location') ?? '');
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('name="decision"');
  });
});

describe('GET /authorize — redirect URIs registered under the old deny-list', () => {
  it('shows a page, never a redirect, for a stored redirect URI whose scheme is not allowed now', async () => {
    await gw.storage.clients.create({
      clientId: 'mcp_old_mailto_client',
      kind: 'oauth',
      redirectUris: ['mailto:victim@example.com'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      source: 'cli',
      createdAt: gw.clock.now(),
    });
    const response = await gw.fetch(
      `${TEST_ISSUER}/authorize?${new URLSearchParams({
        client_id: 'mcp_old_mailto_client',
        response_type: 'token',
        state: 's1',
      }).toString()}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('<h1>Invalid redirect address</h1>');
  });
});
