import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { LOOPBACK_REDIRECT, registerClient } from '../helpers/oauth-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway({ REGISTRATION_RATE_LIMIT: '1000' });
});
afterAll(async () => gw.close());

function register(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return gw.fetch(`${TEST_ISSUER}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('serves the metadata at the root and the path-inserted form, with CORS', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/oauth-authorization-server/mcp',
    ]) {
      const response = await gw.fetch(`${TEST_ISSUER}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        issuer: TEST_ISSUER,
        authorization_endpoint: `${TEST_ISSUER}/authorize`,
        token_endpoint: `${TEST_ISSUER}/token`,
        registration_endpoint: `${TEST_ISSUER}/register`,
        revocation_endpoint: `${TEST_ISSUER}/revoke`,
        introspection_endpoint: `${TEST_ISSUER}/introspect`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: [
          'none',
          'client_secret_basic',
          'client_secret_post',
        ],
        scopes_supported: ['jira:read', 'jira:write'],
        authorization_response_iss_parameter_supported: true,
        client_id_metadata_document_supported: true,
      });
    }
  });

  it('answers CORS preflight on metadata, register, token and revoke but not authorize', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/register',
      '/token',
      '/revoke',
    ]) {
      const response = await gw.fetch(`${TEST_ISSUER}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:6274',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, mcp-protocol-version',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-headers')).toContain(
        'mcp-protocol-version',
      );
    }
    const authorize = await gw.fetch(`${TEST_ISSUER}/authorize`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274' },
    });
    expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts security headers on every response', async () => {
    const response = await gw.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe('POST /register (RFC 7591)', () => {
  it('registers a public client without a secret and a confidential one with a secret', async () => {
    const pub = await registerClient(gw);
    expect(pub.client_secret).toBeUndefined();
    expect(pub.token_endpoint_auth_method).toBe('none');
    const conf = await registerClient(gw, { token_endpoint_auth_method: 'client_secret_basic' });
    expect(conf.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(conf.client_secret_expires_at).toBe(0);
  });

  const bad: [string, unknown, string][] = [
    [
      'a javascript: redirect URI',
      { redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
    ],
    ['a data: redirect URI', { redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri'],
    ['a file: redirect URI', { redirect_uris: ['file:///etc/passwd'] }, 'invalid_redirect_uri'],
    [
      'a redirect URI with a fragment',
      { redirect_uris: ['https://app.example/cb#x'] },
      'invalid_redirect_uri',
    ],
    [
      'a wildcard redirect URI',
      { redirect_uris: ['https://*.example/cb'] },
      'invalid_redirect_uri',
    ],
    ['non-loopback http', { redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri'],
    [
      'the password grant',
      { redirect_uris: [LOOPBACK_REDIRECT], grant_types: ['password'] },
      'invalid_client_metadata',
    ],
    [
      'the implicit response type',
      { redirect_uris: [LOOPBACK_REDIRECT], response_types: ['token'] },
      'invalid_client_metadata',
    ],
  ];
  for (const [what, body, code] of bad) {
    it(`refuses ${what} with ${code}`, async () => {
      const response = await register(body, { 'x-forwarded-for': '198.51.100.2' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(code);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  }

  it('refuses an oversized body with 413', async () => {
    const response = await register({
      redirect_uris: [LOOPBACK_REDIRECT],
      client_name: 'x'.repeat(20_000),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });

  it('refuses invalid JSON with invalid_client_metadata', async () => {
    const response = await register('{not json');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client_metadata');
  });
});

describe('POST /register rate limit', () => {
  it('answers 429 with Retry-After past the per-IP limit, counting per address', async () => {
    const gw2 = await createTestGateway({ REGISTRATION_RATE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const r = await gw2.fetch(`${TEST_ISSUER}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            redirect_uris: [LOOPBACK_REDIRECT],
            token_endpoint_auth_method: 'none',
          }),
        });
        statuses.push(r.status);
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await gw2.close();
    }
  });
});

describe('POST /revoke (RFC 7009)', () => {
  it('answers 200 for an unknown token', async () => {
    const client = await registerClient(gw);
    const response = await gw.fetch(`${TEST_ISSUER}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: client.client_id, token: 'unknown' }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('unknown paths and faults', () => {
  it('answers 404 JSON for an unknown path', async () => {
    const response = await gw.fetch(`${TEST_ISSUER}/nope`);
    expect(response.status).toBe(404);
  });
});

describe('client authentication failures at /token, /revoke, /introspect (RFC 6749 §5.2)', () => {
  it('answers a Basic attempt with a client id that cannot be resolved with 401 and the Basic challenge', async () => {
    // A metadata-document id on a private address is refused before any fetch.
    const id = encodeURIComponent('https://127.0.0.1:1/cimd.json');
    for (const path of ['/token', '/revoke', '/introspect']) {
      const response = await gw.fetch(`${TEST_ISSUER}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${id}:`).toString('base64')}`,
        },
        body: 'grant_type=refresh_token&refresh_token=x&token=x',
      });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toBe('Basic realm="jira-mcp-gateway"');
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    }
  });
});
