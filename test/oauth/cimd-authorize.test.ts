/**
 * Client ID Metadata Documents seen from `GET /authorize`: the per-IP fetch
 * budget under concurrency, single-flight fetches, the failure cache, the
 * `CLIENT_METADATA_DOCUMENTS` switch, and error pages that say what to do.
 * The documents come from a real HTTPS server on 127.0.0.1 that counts
 * every request it receives.
 */
import { createServer, type Server } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { composeGateway } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { closeServer, listenOnLoopback } from '../helpers/loopback-servers.js';
import { LOOPBACK_REDIRECT, newPkce } from '../helpers/oauth-client.js';
import { createTestCertificate } from '../helpers/tls.js';

let server: Server;
let ca: string;
let origin: string;
/** Requests received, by path. */
const fetches = new Map<string, number>();
let gateways: TestGateway[] = [];

beforeAll(async () => {
  const certificate = await createTestCertificate();
  ca = certificate.cert;
  server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const path = req.url ?? '';
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    if (path.startsWith('/failing/')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    // Slow enough that concurrent requests overlap the fetch.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
      res.end(
        JSON.stringify({
          client_id: `${origin}${path}`,
          client_name: 'Budget test client',
          redirect_uris: [LOOPBACK_REDIRECT],
          token_endpoint_auth_method: 'none',
        }),
      );
    }, 50);
  });
  origin = `https://127.0.0.1:${await listenOnLoopback(server)}`;
});

afterEach(async () => {
  for (const gw of gateways) await gw.close();
  gateways = [];
  fetches.clear();
});

afterAll(async () => {
  await closeServer(server);
});

async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const gw = await createTestGateway(
    { CIMD_ALLOW_PRIVATE_ADDRESSES: 'true', TRUST_PROXY: 'true', ...env },
    { metadataDocumentCa: ca },
  );
  gateways.push(gw);
  return gw;
}

function authorize(gw: TestGateway, clientId: string, ip = '198.51.100.1'): Promise<Response> {
  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    response_type: 'code',
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
    state: 's1',
  });
  return gw.fetch(`${TEST_ISSUER}/authorize?${params.toString()}`, {
    headers: { 'x-forwarded-for': ip },
  });
}

function totalFetches(): number {
  return [...fetches.values()].reduce((sum, n) => sum + n, 0);
}

describe('GET /authorize — metadata-document fetch budget per IP, under concurrency', () => {
  it('makes at most CIMD_FETCH_RATE_LIMIT fetches for 30 concurrent requests naming 30 documents', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '5' });
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => authorize(gw, `${origin}/client-${i}.json`)),
    );
    expect(totalFetches()).toBe(5);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const refused = responses.find((r) => r.status === 429);
    expect(refused?.headers.get('location')).toBeNull();
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused?.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused?.text()).toContain('<h1>Too many requests</h1>');
  });

  it('makes one fetch for 30 concurrent requests naming the same document', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '5' });
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        authorize(gw, `${origin}/shared.json`, `198.51.100.${i + 1}`),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 200));
    expect(fetches.get('/shared.json')).toBe(1);
  });

  it('keeps one address from spending the budget of another', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '2' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        authorize(gw, `${origin}/noisy-${i}.json`, '198.51.100.66'),
      ),
    );
    const quiet = await authorize(gw, `${origin}/quiet.json`, '198.51.100.77');
    expect(quiet.status).toBe(200);
    expect(totalFetches()).toBe(3);
  });

  it('counts every address of one IPv6 /64 against one budget', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '2' });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        authorize(gw, `${origin}/v6-${i}.json`, `2001:db8:5:6::${(i + 1).toString(16)}`),
      ),
    );
    expect(totalFetches()).toBe(2);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(6);
    const neighbour = await authorize(gw, `${origin}/v6-other.json`, '2001:db8:5:7::1');
    expect(neighbour.status).toBe(200);
  });

  it('holds the budget across two apps sharing one store (counted in storage)', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '4' });
    const twin = composeGateway({
      config: gw.config,
      storage: gw.storage,
      audit: gw.audit,
      clock: gw.clock,
      logger: createLogger('silent'),
      peerAddress: () => '203.0.113.7',
      metadataDocumentCa: ca,
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const params = new URLSearchParams({
          client_id: `${origin}/twin-${i}.json`,
          redirect_uri: LOOPBACK_REDIRECT,
          response_type: 'code',
          code_challenge: newPkce().challenge,
          code_challenge_method: 'S256',
        });
        const url = `${TEST_ISSUER}/authorize?${params.toString()}`;
        const init = { headers: { 'x-forwarded-for': '198.51.100.9' } };
        return i % 2 === 0 ? gw.fetch(url, init) : Promise.resolve(twin.request(url, init));
      }),
    );
    expect(totalFetches()).toBe(4);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(4);
  });
});

describe('GET /authorize — failing metadata documents', () => {
  it('fetches a failing URL once for 15 requests within the failure window, then again', async () => {
    const gw = await gateway();
    const clientId = `${origin}/failing/client.json`;
    const first = await Promise.all(Array.from({ length: 5 }, () => authorize(gw, clientId)));
    for (let i = 0; i < 10; i += 1) first.push(await authorize(gw, clientId));
    expect(first.map((r) => r.status)).toEqual(Array.from({ length: 15 }, () => 400));
    expect(fetches.get('/failing/client.json')).toBe(1);
    gw.clock.advance(60_000);
    expect((await authorize(gw, clientId)).status).toBe(400);
    expect(fetches.get('/failing/client.json')).toBe(2);
  });

  it('explains a failed fetch and what the administrator can set', async () => {
    const gw = await gateway();
    const response = await authorize(gw, `${origin}/failing/explained.json`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<h1>Application could not be checked</h1>');
    expect(html).toContain('the server answered 500, not 200');
    expect(html).toContain('CLIENT_METADATA_DOCUMENTS=false');
  });
});

describe('CLIENT_METADATA_DOCUMENTS=false (egress blocked)', () => {
  it('advertises client_id_metadata_document_supported: false in the RFC 8414 metadata', async () => {
    const gw = await gateway({ CLIENT_METADATA_DOCUMENTS: 'false' });
    const response = await gw.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata['client_id_metadata_document_supported']).toBe(false);
    expect(metadata['registration_endpoint']).toBe(`${TEST_ISSUER}/register`);
  });

  it('advertises true by default', async () => {
    const gw = await gateway();
    const response = await gw.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata['client_id_metadata_document_supported']).toBe(true);
  });

  it('refuses an https client_id without fetching, with a page naming the setting and the way out', async () => {
    const gw = await gateway({ CLIENT_METADATA_DOCUMENTS: 'false' });
    const response = await authorize(gw, 'https://chatgpt.com/oauth/codex/client.json');
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<h1>Application not accepted here</h1>');
    expect(html).toContain('https://chatgpt.com/oauth/codex/client.json');
    expect(html).toContain('CLIENT_METADATA_DOCUMENTS=false');
    expect(html).toContain('applications that register themselves work here');
    expect(totalFetches()).toBe(0);
  });

  it('refuses an https client_id at the token endpoint with invalid_client', async () => {
    const gw = await gateway({ CLIENT_METADATA_DOCUMENTS: 'false' });
    const response = await gw.fetch(`${TEST_ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: `${origin}/client.json`,
        code: 'x',
        code_verifier: newPkce().verifier,
      }).toString(),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toContain('CLIENT_METADATA_DOCUMENTS=false');
    expect(totalFetches()).toBe(0);
  });
});

describe('CLIENT_METADATA_DOCUMENTS and CIMD_FETCH_RATE_LIMIT settings', () => {
  it.each([
    ['CLIENT_METADATA_DOCUMENTS', 'maybe'],
    ['CIMD_FETCH_RATE_LIMIT', '0'],
    ['CIMD_FETCH_RATE_LIMIT', '1e3'],
  ])('refuses %s=%s at start-up, naming the setting', (name, value) => {
    expect(() => loadConfig({ PUBLIC_URL: TEST_ISSUER, [name]: value })).toThrow(
      new RegExp(`^Invalid configuration:\\n  ${name}: `),
    );
  });

  it('defaults to documents on and 20 fetches per IP per hour', () => {
    const config = loadConfig({ PUBLIC_URL: TEST_ISSUER });
    expect(config.clientMetadataDocuments).toBe(true);
    expect(config.cimdFetchRateLimitPerHour).toBe(20);
  });
});

describe('POST /token — metadata-document fetch budget', () => {
  it('answers a spent budget with 429 temporarily_unavailable, not invalid_client', async () => {
    const gw = await gateway({ CIMD_FETCH_RATE_LIMIT: '1' });
    expect((await authorize(gw, `${origin}/spend.json`)).status).toBe(200);
    const response = await gw.fetch(`${TEST_ISSUER}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': '198.51.100.1',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: `${origin}/other.json`,
        code: 'x',
        code_verifier: newPkce().verifier,
      }).toString(),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
    expect(fetches.get('/other.json')).toBeUndefined();
  });
});
