import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  createClientMetadataDocumentResolver,
  isMetadataDocumentClientId,
  MetadataDocumentError,
} from '../../src/oauth/client-metadata-document.js';
import type {
  ClientMetadataDocumentResolverOptions,
  DocumentRequester,
} from '../../src/oauth/client-metadata-document.js';
import { OAuthError } from '../../src/oauth/errors.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { createTestCertificate } from '../helpers/tls.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

let server: Server;
let ca: string;
let port: number;
let connections = 0;
const requests = new Map<string, number>();
const routes = new Map<string, Handler>();
let clock: ManualClock;
let storage: Storage;
let storageDir: string;
/** A fresh address per test, so the per-IP fetch budget of one test never spills into another. */
let requester: DocumentRequester;
let nextAddress = 1;

function url(pathname: string): string {
  return `https://127.0.0.1:${port}${pathname}`;
}

function document(pathname: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: url(pathname),
    client_name: 'Example MCP Client',
    client_uri: 'https://client.example/',
    logo_uri: 'https://client.example/logo.png',
    redirect_uris: ['http://127.0.0.1/callback', 'https://client.example/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}

function json(body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** A route that serves the standard document for its own path, with extra members/headers. */
function serveDocument(
  pathname: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  routes.set(pathname, (req, res) => {
    json(document(pathname, extra), headers)(req, res);
  });
}

function resolver(overrides: Partial<ClientMetadataDocumentResolverOptions> = {}) {
  return createClientMetadataDocumentResolver({
    clock,
    counters: storage.counters,
    ca,
    allowPrivateAddresses: true,
    ...overrides,
  });
}

function problemOf(error: unknown): string | undefined {
  return error instanceof MetadataDocumentError ? error.problem : undefined;
}

async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected the metadata document to be refused');
}

beforeAll(async () => {
  storageDir = mkdtempSync(path.join(tmpdir(), 'jmg-cimd-'));
  storage = openSqliteStorage({ path: path.join(storageDir, 'gateway.db') });
  const certificate = await createTestCertificate();
  ca = certificate.cert;
  server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const pathname = req.url ?? '';
    requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
    const handler = routes.get(pathname);
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
      return;
    }
    handler(req, res);
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await storage.close();
  rmSync(storageDir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
  });
});

beforeEach(() => {
  clock = new ManualClock();
  requester = { ip: `198.51.100.${nextAddress++}` };
  requests.clear();
  routes.clear();
});

describe('Client ID Metadata Document URLs (draft-ietf-oauth-client-id-metadata-document §3)', () => {
  it.each([
    'https://client.example/client.json',
    'https://client.example:8443/oauth/client?v=1',
    'https://vscode.dev/oauth/client-metadata.json',
    'https://127.0.0.1:4443/client.json',
  ])('accepts %s', (clientId) => {
    expect(isMetadataDocumentClientId(clientId)).toBe(true);
  });

  it.each([
    ['http', 'http://client.example/client.json'],
    ['no path', 'https://client.example'],
    ['only the root path', 'https://client.example/'],
    ['a fragment', 'https://client.example/client.json#x'],
    ['userinfo', 'https://user@client.example/client.json'],
    ['a password', 'https://user:pw@client.example/client.json'],
    ['a dot-dot segment', 'https://client.example/a/../client.json'],
    ['a dot segment', 'https://client.example/./client.json'],
    ['an encoded dot-dot segment', 'https://client.example/%2e%2e/client.json'],
    ['an upper-case host', 'https://Client.example/client.json'],
    ['an upper-case scheme', 'HTTPS://client.example/client.json'],
    ['the default port spelled out', 'https://client.example:443/client.json'],
    ['whitespace', 'https://client.example/client json'],
    ['a backslash', 'https://client.example\\client.json'],
    ['a registered client id', 'mcp_0123456789abcdefABCDEF'],
    ['an empty string', ''],
    ['an overlong URL', `https://client.example/${'a'.repeat(2000)}`],
  ])('refuses a URL with %s', (_why, clientId) => {
    expect(isMetadataDocumentClientId(clientId)).toBe(false);
  });
});

describe('Client ID Metadata Document resolution (MCP 2025-11-25 authorization)', () => {
  it('fetches, validates and returns a public client', async () => {
    serveDocument('/client.json', { scope: 'jira:read openid', unknown_member: true });
    const client = await resolver().resolve(url('/client.json'), requester);
    expect(client).toEqual({
      clientId: url('/client.json'),
      kind: 'oauth',
      clientName: 'Example MCP Client',
      clientUri: 'https://client.example/',
      logoUri: 'https://client.example/logo.png',
      redirectUris: ['http://127.0.0.1/callback', 'https://client.example/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: 'jira:read',
      source: 'cimd',
      createdAt: clock.now(),
    });
  });

  it('sends Accept: application/json and accepts an application/*+json document', async () => {
    let accept: string | undefined;
    routes.set('/vendor.json', (req, res) => {
      accept = req.headers.accept;
      json(document('/vendor.json'), {
        'content-type': 'application/oauth-client+json; charset=utf-8',
      })(req, res);
    });
    const client = await resolver().resolve(url('/vendor.json'), requester);
    expect(accept).toBe('application/json');
    expect(client.clientId).toBe(url('/vendor.json'));
  });

  it('defaults a document without token_endpoint_auth_method to a public client', async () => {
    serveDocument('/minimal.json', {
      token_endpoint_auth_method: undefined,
      grant_types: undefined,
      response_types: undefined,
    });
    const client = await resolver().resolve(url('/minimal.json'), requester);
    expect(client.tokenEndpointAuthMethod).toBe('none');
    expect(client.grantTypes).toEqual(['authorization_code']);
    expect(client.secretHash).toBeUndefined();
  });

  it.each([
    [
      'a client_id that is not its URL',
      { client_id: 'https://other.example/client.json' },
      'client_id in the document does not equal its URL',
    ],
    [
      'a missing client_id',
      { client_id: undefined },
      'client_id in the document does not equal its URL',
    ],
    ['a client_secret', { client_secret: 'shh' }, 'must not contain a client secret'],
    [
      'a client_secret_expires_at',
      { client_secret_expires_at: 0 },
      'must not contain a client secret',
    ],
    [
      'client_secret_basic',
      { token_endpoint_auth_method: 'client_secret_basic' },
      'token_endpoint_auth_method must be "none"',
    ],
    [
      'private_key_jwt',
      { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://client.example/jwks' },
      'token_endpoint_auth_method must be "none"',
    ],
    ['no redirect_uris', { redirect_uris: undefined }, 'redirect_uris must be a non-empty array'],
    [
      'an http redirect URI off loopback',
      { redirect_uris: ['http://client.example/cb'] },
      'uses http',
    ],
    [
      'a javascript: redirect URI',
      { redirect_uris: ['javascript:alert(1)'] },
      'uses the scheme "javascript:", which is not allowed',
    ],
    [
      'the password grant',
      { grant_types: ['authorization_code', 'password'] },
      'grant_types: "password"',
    ],
    ['the token response type', { response_types: ['token'] }, 'response_types: "token"'],
    [
      'an http logo_uri',
      { logo_uri: 'http://client.example/logo.png' },
      'logo_uri must be an https URL',
    ],
  ])('refuses a document with %s', async (_why, extra, reason) => {
    serveDocument('/bad.json', extra);
    const error = await refusal(resolver().resolve(url('/bad.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.status).toBe(400);
    expect(
      error.message.startsWith(`The client metadata document "${url('/bad.json')}" was refused: `),
    ).toBe(true);
    expect(error.message).toContain(reason);
  });

  it('refuses a redirect (3xx) without following it', async () => {
    serveDocument('/client.json');
    routes.set('/moved.json', (_req, res) => {
      res.writeHead(302, { location: url('/client.json') });
      res.end();
    });
    const error = await refusal(resolver().resolve(url('/moved.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('the server answered 302; redirects are not followed');
    expect(requests.get('/client.json')).toBeUndefined();
  });

  it('refuses a non-200 status', async () => {
    const error = await refusal(resolver().resolve(url('/missing.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('the server answered 404, not 200');
  });

  it('refuses a body that is not served as JSON', async () => {
    routes.set('/page.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(JSON.stringify(document('/page.json')));
    });
    const error = await refusal(resolver().resolve(url('/page.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('the content type is "text/html", not application/json');
  });

  it('refuses a JSON content type whose body is not JSON', async () => {
    routes.set('/broken.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"client_id": ');
    });
    const error = await refusal(resolver().resolve(url('/broken.json'), requester));
    expect(error.message).toContain('the document is not valid JSON');
  });

  it('refuses a JSON array', async () => {
    routes.set('/array.json', json([document('/array.json')]));
    const error = await refusal(resolver().resolve(url('/array.json'), requester));
    expect(error.message).toContain('the document is not a JSON object');
  });

  it('refuses a document larger than maxBytes, announced by Content-Length', async () => {
    let bodyWritten = false;
    routes.set('/big.json', (_req, res) => {
      const body = JSON.stringify(document('/big.json', { padding: 'x'.repeat(6000) }));
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.flushHeaders();
      // The body follows later: a client trusting only the header never waits for it.
      setTimeout(() => {
        if (!res.destroyed) {
          bodyWritten = true;
          res.end(body);
        }
      }, 1000);
    });
    const error = await refusal(resolver().resolve(url('/big.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('the document is larger than 5120 bytes');
    expect(bodyWritten).toBe(false);
  });

  it('aborts a streamed document once it passes maxBytes', async () => {
    routes.set('/stream.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"padding":"`);
      const timer = setInterval(() => {
        if (res.destroyed) {
          clearInterval(timer);
          return;
        }
        res.write('x'.repeat(512));
      }, 5);
      res.on('close', () => {
        clearInterval(timer);
      });
    });
    const error = await refusal(
      resolver({ maxBytes: 2048 }).resolve(url('/stream.json'), requester),
    );
    expect(error.message).toContain('the document is larger than 2048 bytes');
  });

  it('gives up on a server that does not finish within timeoutMs', async () => {
    routes.set('/slow.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"client_id":');
    });
    const error = await refusal(resolver({ timeoutMs: 300 }).resolve(url('/slow.json'), requester));
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('no complete response within 300 ms');
  });

  it('refuses a server whose certificate is not trusted', async () => {
    serveDocument('/client.json');
    const untrusting = createClientMetadataDocumentResolver({
      clock,
      counters: storage.counters,
      allowPrivateAddresses: true,
    });
    const error = await refusal(untrusting.resolve(url('/client.json'), requester));
    expect(error.message).toContain('the TLS certificate was not trusted');
    expect(requests.get('/client.json')).toBeUndefined();
  });

  it('refuses a client id that is not a metadata document URL without fetching', async () => {
    const error = await refusal(
      resolver().resolve(`http://127.0.0.1:${port}/client.json`, requester),
    );
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('it is not a valid https metadata document URL');
    expect(requests.size).toBe(0);
  });
});

describe('Client ID Metadata Document SSRF protection (draft-ietf-oauth-client-id-metadata-document §6)', () => {
  it('refuses a loopback IP literal without connecting', async () => {
    serveDocument('/client.json');
    const before = connections;
    const error = await refusal(
      resolver({ allowPrivateAddresses: false }).resolve(url('/client.json'), requester),
    );
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('127.0.0.1 is a private or reserved address');
    expect(connections).toBe(before);
  });

  it('refuses a host name that resolves to loopback, checked at connect time', async () => {
    const clientId = `https://localhost:${port}/client.json`;
    routes.set('/client.json', json(document('/client.json', { client_id: clientId })));
    const before = connections;
    const error = await refusal(
      resolver({ allowPrivateAddresses: false }).resolve(clientId, requester),
    );
    expect(error.code).toBe('invalid_client');
    expect(error.message).toContain('localhost resolves to a private or reserved address');
    expect(connections).toBe(before);
    expect(requests.size).toBe(0);
  });

  it('fetches the same host name when private addresses are allowed (the test-only switch)', async () => {
    const clientId = `https://localhost:${port}/client.json`;
    routes.set('/client.json', json(document('/client.json', { client_id: clientId })));
    const client = await resolver().resolve(clientId, requester);
    expect(client.clientId).toBe(clientId);
  });
});

describe('Client ID Metadata Document caching (draft-ietf-oauth-client-id-metadata-document §4, RFC 9111 §5.2.2.1)', () => {
  it('serves a repeated resolve from the cache', async () => {
    serveDocument('/cached.json', {}, { 'cache-control': 'max-age=600' });
    const documents = resolver();
    const first = await documents.resolve(url('/cached.json'), requester);
    const second = await documents.resolve(url('/cached.json'), requester);
    expect(second).toEqual(first);
    expect(requests.get('/cached.json')).toBe(1);
  });

  it('respects max-age with the injected clock', async () => {
    serveDocument('/cached.json', {}, { 'cache-control': 'public, max-age=600' });
    const documents = resolver();
    await documents.resolve(url('/cached.json'), requester);
    clock.advance(600 * SECOND - 1);
    await documents.resolve(url('/cached.json'), requester);
    expect(requests.get('/cached.json')).toBe(1);
    clock.advance(1);
    const refreshed = await documents.resolve(url('/cached.json'), requester);
    expect(requests.get('/cached.json')).toBe(2);
    expect(refreshed.createdAt).toBe(clock.now());
  });

  it('keeps a document at least the lower bound, whatever max-age says', async () => {
    serveDocument('/short.json', {}, { 'cache-control': 'no-cache, max-age=10' });
    const documents = resolver();
    await documents.resolve(url('/short.json'), requester);
    clock.advance(5 * MINUTE - 1);
    await documents.resolve(url('/short.json'), requester);
    expect(requests.get('/short.json')).toBe(1);
    clock.advance(1);
    await documents.resolve(url('/short.json'), requester);
    expect(requests.get('/short.json')).toBe(2);
  });

  it('keeps a document at most the upper bound', async () => {
    serveDocument('/long.json', {}, { 'cache-control': 'max-age=31536000' });
    const documents = resolver();
    await documents.resolve(url('/long.json'), requester);
    clock.advance(24 * HOUR - 1);
    await documents.resolve(url('/long.json'), requester);
    expect(requests.get('/long.json')).toBe(1);
    clock.advance(1);
    await documents.resolve(url('/long.json'), requester);
    expect(requests.get('/long.json')).toBe(2);
  });

  it('caches a document without max-age for one hour', async () => {
    serveDocument('/plain.json');
    const documents = resolver();
    await documents.resolve(url('/plain.json'), requester);
    clock.advance(HOUR - 1);
    await documents.resolve(url('/plain.json'), requester);
    expect(requests.get('/plain.json')).toBe(1);
    clock.advance(1);
    await documents.resolve(url('/plain.json'), requester);
    expect(requests.get('/plain.json')).toBe(2);
  });

  it('subtracts the Age header and applies custom bounds', async () => {
    serveDocument('/aged.json', {}, { 'cache-control': 'max-age=600', age: '500' });
    const documents = resolver({ cacheTtlBounds: { min: 0, max: HOUR } });
    await documents.resolve(url('/aged.json'), requester);
    clock.advance(100 * SECOND - 1);
    await documents.resolve(url('/aged.json'), requester);
    expect(requests.get('/aged.json')).toBe(1);
    clock.advance(1);
    await documents.resolve(url('/aged.json'), requester);
    expect(requests.get('/aged.json')).toBe(2);
  });

  it('remembers a refused document for the failure window, then fetches it again', async () => {
    let calls = 0;
    routes.set('/flaky.json', (req, res) => {
      calls += 1;
      const body =
        calls === 1
          ? document('/flaky.json', { client_id: 'https://other.example/client.json' })
          : document('/flaky.json');
      json(body, { 'cache-control': 'max-age=600' })(req, res);
    });
    const documents = resolver();
    const error = await refusal(documents.resolve(url('/flaky.json'), requester));
    expect(error.code).toBe('invalid_client');
    clock.advance(60 * SECOND - 1);
    const remembered = await refusal(documents.resolve(url('/flaky.json'), requester));
    expect(remembered.message).toBe(error.message);
    expect(requests.get('/flaky.json')).toBe(1);
    clock.advance(1);
    const client = await documents.resolve(url('/flaky.json'), requester);
    expect(client.clientId).toBe(url('/flaky.json'));
    expect(requests.get('/flaky.json')).toBe(2);
  });

  it('fetches a failing URL once for 15 resolves within the failure window', async () => {
    routes.set('/down.json', (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const documents = resolver();
    for (let i = 0; i < 15; i += 1) {
      const error = await refusal(documents.resolve(url('/down.json'), requester));
      expect(error).toBeInstanceOf(MetadataDocumentError);
      expect(problemOf(error)).toBe('fetch_failed');
      expect(error.message).toContain('the server answered 503, not 200');
      clock.advance(3 * SECOND);
    }
    expect(requests.get('/down.json')).toBe(1);
  });

  it('forgets the oldest failure first when the failure cache is full', async () => {
    const documents = resolver({ failureCacheSize: 2 });
    for (const name of ['/a.json', '/b.json', '/c.json']) {
      await refusal(documents.resolve(url(name), requester));
    }
    await refusal(documents.resolve(url('/c.json'), requester));
    await refusal(documents.resolve(url('/b.json'), requester));
    await refusal(documents.resolve(url('/a.json'), requester));
    expect([requests.get('/a.json'), requests.get('/b.json'), requests.get('/c.json')]).toEqual([
      2, 1, 1,
    ]);
  });

  it('shares one fetch among concurrent resolves of the same URL', async () => {
    serveDocument('/shared.json');
    const documents = resolver();
    const clients = await Promise.all([
      documents.resolve(url('/shared.json'), requester),
      documents.resolve(url('/shared.json'), requester),
      documents.resolve(url('/shared.json'), requester),
    ]);
    expect(requests.get('/shared.json')).toBe(1);
    expect(clients[1]).toEqual(clients[0]);
    expect(clients[2]).toEqual(clients[0]);
  });

  it('shares one failure among concurrent resolves and retries afterwards', async () => {
    routes.set('/gone.json', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const documents = resolver();
    const results = await Promise.allSettled([
      documents.resolve(url('/gone.json'), requester),
      documents.resolve(url('/gone.json'), requester),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(requests.get('/gone.json')).toBe(1);
    clock.advance(60 * SECOND);
    await refusal(documents.resolve(url('/gone.json'), requester));
    expect(requests.get('/gone.json')).toBe(2);
  });

  it('returns copies, so a caller cannot change the cached client', async () => {
    serveDocument('/copy.json');
    const documents = resolver();
    const first = await documents.resolve(url('/copy.json'), requester);
    first.redirectUris.push('https://evil.example/cb');
    const second = await documents.resolve(url('/copy.json'), requester);
    expect(second.redirectUris).toEqual([
      'http://127.0.0.1/callback',
      'https://client.example/callback',
    ]);
  });
});

describe('Client ID Metadata Document fetch budget (draft-ietf-oauth-client-id-metadata-document §6)', () => {
  it('lets one IP cause at most fetchesPerIpPerHour fetches, even all at once', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `/budget-${i}.json`);
    for (const name of names) serveDocument(name);
    const documents = resolver({ fetchesPerIpPerHour: 3 });
    const results = await Promise.allSettled(
      names.map((name) => documents.resolve(url(name), requester)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refusals).toHaveLength(5);
    for (const refused of refusals) {
      if (!(refused instanceof MetadataDocumentError)) throw new Error('expected a refusal');
      expect(refused.problem).toBe('busy');
      expect(refused.code).toBe('temporarily_unavailable');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(0);
      expect(Number(refused.headers['Retry-After'])).toBeLessThanOrEqual(3600);
    }
    expect(names.reduce((sum, name) => sum + (requests.get(name) ?? 0), 0)).toBe(3);
  });

  it('charges nothing for cached documents and counts each IP apart', async () => {
    serveDocument('/popular.json');
    serveDocument('/other.json');
    const documents = resolver({ fetchesPerIpPerHour: 1 });
    await documents.resolve(url('/popular.json'), requester);
    for (let i = 0; i < 5; i += 1) await documents.resolve(url('/popular.json'), requester);
    const busy = await refusal(documents.resolve(url('/other.json'), requester));
    expect(busy.status).toBe(429);
    const elsewhere = { ip: `198.51.100.${nextAddress++}` };
    expect((await documents.resolve(url('/other.json'), elsewhere)).clientId).toBe(
      url('/other.json'),
    );
    expect(requests.get('/popular.json')).toBe(1);
    expect(requests.get('/other.json')).toBe(1);
  });

  it('opens a new budget in the next hour', async () => {
    serveDocument('/first.json');
    serveDocument('/second.json');
    const documents = resolver({ fetchesPerIpPerHour: 1 });
    await documents.resolve(url('/first.json'), requester);
    await refusal(documents.resolve(url('/second.json'), requester));
    clock.advance(HOUR);
    expect((await documents.resolve(url('/second.json'), requester)).clientId).toBe(
      url('/second.json'),
    );
    expect(requests.get('/second.json')).toBe(1);
  });

  it('does not let a spent budget of one IP refuse another IP waiting on the same URL', async () => {
    serveDocument('/shared-budget.json');
    serveDocument('/spend.json');
    const documents = resolver({ fetchesPerIpPerHour: 1 });
    const spent = requester;
    await documents.resolve(url('/spend.json'), spent);
    const fresh = { ip: `198.51.100.${nextAddress++}` };
    const [first, second] = await Promise.allSettled([
      documents.resolve(url('/shared-budget.json'), spent),
      documents.resolve(url('/shared-budget.json'), fresh),
    ]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('fulfilled');
    expect(requests.get('/shared-budget.json')).toBe(1);
  });
});

describe('Client ID Metadata Documents turned off (CLIENT_METADATA_DOCUMENTS=false)', () => {
  it('refuses an https client id without fetching and names the setting', async () => {
    serveDocument('/client.json');
    const documents = resolver({ enabled: false });
    expect(documents.enabled).toBe(false);
    const error = await refusal(documents.resolve(url('/client.json'), requester));
    expect(error).toBeInstanceOf(MetadataDocumentError);
    expect(problemOf(error)).toBe('disabled');
    expect(error.code).toBe('invalid_client');
    expect(error.status).toBe(400);
    expect(error.message).toContain('CLIENT_METADATA_DOCUMENTS=false');
    expect(requests.size).toBe(0);
  });
});
