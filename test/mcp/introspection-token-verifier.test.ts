import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { epochSeconds, ManualClock } from '../../src/clock.js';
import { createIntrospectionTokenVerifier } from '../../src/mcp/introspection-token-verifier.js';
import { TokenVerifierUnavailableError } from '../../src/mcp/token-verifier.js';

const ISSUER_PATH = '';
const RESOURCE = 'https://gateway.test/mcp';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (req: Recorded, res: ServerResponse) => void;

/** A tiny RFC 7662 endpoint whose answers each test decides. */
describe('RFC 7662 introspection token verifier', () => {
  let server: Server;
  let issuer: string;
  let requests: Recorded[] = [];
  let answer: Answer = (_req, res) => res.end();
  const clock = new ManualClock();

  function json(status: number, body: unknown): Answer {
    return (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
  }

  function active(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      active: true,
      scope: 'jira:read jira:write',
      client_id: 'mcp_client',
      username: 'alice',
      sub: 'usr_alice',
      token_type: 'Bearer',
      exp: epochSeconds(clock.now()) + 3600,
      aud: RESOURCE,
      iss: issuer,
      grant_id: 'grt_1',
      ...extra,
    };
  }

  function verifier(
    options: { cacheTtlMs?: number; cacheMaxEntries?: number; timeoutMs?: number } = {},
  ) {
    return createIntrospectionTokenVerifier({
      issuer,
      clientId: 'rs client',
      clientSecret: 'p:ss+word',
      resource: RESOURCE,
      clock,
      ...options,
    });
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(recorded);
        answer(recorded, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ISSUER_PATH}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });
  beforeEach(() => {
    requests = [];
    answer = json(200, active());
  });

  it('POSTs the token form-encoded with client_secret_basic to {issuer}/introspect', async () => {
    await verifier().verify('tok-1');
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/introspect');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers['accept']).toBe('application/json');
    // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
    expect(req?.headers['authorization']).toBe(
      `Basic ${Buffer.from('rs+client:p%3Ass%2Bword').toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      token: 'tok-1',
      token_type_hint: 'access_token',
    });
  });

  it('maps an active answer whose aud includes this resource to a verified token', async () => {
    answer = json(200, active({ aud: ['https://other.test/api', RESOURCE] }));
    expect(await verifier().verify('tok-2')).toEqual({
      userId: 'usr_alice',
      username: 'alice',
      clientId: 'mcp_client',
      grantId: 'grt_1',
      scopes: ['jira:read', 'jira:write'],
      resource: RESOURCE,
      expiresAt: (epochSeconds(clock.now()) + 3600) * 1000,
    });
  });

  it('refuses inactive, foreign-audience, expired, refresh-type and foreign-issuer answers', async () => {
    const v = verifier();
    const refused: Record<string, unknown>[] = [
      { active: false },
      active({ aud: 'https://other.test/mcp' }),
      active({ aud: undefined }),
      active({ exp: epochSeconds(clock.now()) }),
      active({ exp: undefined }),
      active({ token_type: 'refresh_token' }),
      active({ iss: 'https://evil.test' }),
      active({ sub: undefined }),
    ];
    for (const [i, body] of refused.entries()) {
      answer = json(200, body);
      expect(await v.verify(`refused-${i}`), JSON.stringify(body)).toBeUndefined();
    }
  });

  it('never caches a negative answer', async () => {
    const v = verifier();
    answer = json(200, { active: false });
    expect(await v.verify('tok-neg')).toBeUndefined();
    answer = json(200, active());
    expect(await v.verify('tok-neg')).toBeDefined();
    expect(requests).toHaveLength(2);
  });

  it('reuses a positive answer for the cache TTL, then asks again', async () => {
    const v = verifier({ cacheTtlMs: 10_000 });
    await v.verify('tok-cache');
    await v.verify('tok-cache');
    expect(requests).toHaveLength(1);
    clock.advance(9_999);
    await v.verify('tok-cache');
    expect(requests).toHaveLength(1);
    clock.advance(1);
    await v.verify('tok-cache');
    expect(requests).toHaveLength(2);
  });

  it('never serves a cached answer past the token exp', async () => {
    const v = verifier({ cacheTtlMs: 30_000 });
    answer = json(200, active({ exp: epochSeconds(clock.now()) + 5 }));
    expect(await v.verify('tok-short')).toBeDefined();
    clock.advance(5_000);
    answer = json(200, { active: false });
    expect(await v.verify('tok-short')).toBeUndefined();
    expect(requests).toHaveLength(2);
  });

  it('evicts the least recently used entry when the cache is full', async () => {
    const v = verifier({ cacheMaxEntries: 2 });
    await v.verify('a');
    await v.verify('b');
    await v.verify('a');
    await v.verify('c');
    expect(requests).toHaveLength(3);
    await v.verify('a');
    expect(requests).toHaveLength(3);
    await v.verify('b');
    expect(requests).toHaveLength(4);
  });

  it('shares one request among concurrent checks of the same token', async () => {
    const v = verifier();
    const results = await Promise.all([v.verify('same'), v.verify('same'), v.verify('same')]);
    expect(results.every((r) => r?.userId === 'usr_alice')).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('treats an error status, a malformed body or a refused credential as an outage, not a 401', async () => {
    const v = verifier();
    for (const bad of [
      json(500, { error: 'server_error' }),
      json(401, { error: 'invalid_client' }),
      json(200, { active: 'yes' }),
    ]) {
      answer = bad;
      await expect(v.verify('tok-outage')).rejects.toBeInstanceOf(TokenVerifierUnavailableError);
    }
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{not json');
    };
    await expect(v.verify('tok-outage')).rejects.toThrow('token introspection answer is not JSON');
  });

  it('gives up after its timeout when the endpoint does not answer', async () => {
    answer = () => undefined;
    await expect(verifier({ timeoutMs: 100 }).verify('tok-slow')).rejects.toThrow(
      'token introspection timed out after 100 ms',
    );
  });

  it('reports an unreachable endpoint as an outage', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const v = createIntrospectionTokenVerifier({
      issuer: `http://127.0.0.1:${port}`,
      clientId: 'rs',
      clientSecret: 's',
      resource: RESOURCE,
      clock,
    });
    await expect(v.verify('tok')).rejects.toThrow('token introspection request failed');
  });

  it('refuses a cache TTL above 30 seconds', () => {
    expect(() => verifier({ cacheTtlMs: 30_001 })).toThrow(RangeError);
  });
});
