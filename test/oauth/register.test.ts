import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, epochSeconds } from '../../src/clock.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { registerClient } from '../../src/oauth/register.js';
import type { RegisterClientDeps } from '../../src/oauth/register.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';

let dir: string;
let storage: Storage;
let clock: ManualClock;
let deps: RegisterClientDeps;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'register-test-'));
  storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0, 750));
  deps = { clients: storage.clients, clock };
});

afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function registrationError(body: unknown): Promise<OAuthError> {
  try {
    await registerClient(body, deps);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected the registration to be refused');
}

describe('POST /register: successful registration (RFC 7591 §3.1, §3.2.1)', () => {
  it('registers a public client without a secret, as Claude Code does', async () => {
    const result = await registerClient(
      {
        client_name: 'Claude Code (jira)',
        redirect_uris: ['http://localhost:54545/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      deps,
    );
    expect(result.clientSecret).toBeUndefined();
    expect(result.client.clientId).toMatch(/^mcp_[A-Za-z0-9_-]{22}$/);
    expect(result.response).toEqual({
      client_id: result.client.clientId,
      client_id_issued_at: epochSeconds(clock.now()),
      client_name: 'Claude Code (jira)',
      redirect_uris: ['http://localhost:54545/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'jira:read jira:write',
    });
    expect(await storage.clients.get(result.client.clientId)).toEqual({
      clientId: result.client.clientId,
      kind: 'oauth',
      clientName: 'Claude Code (jira)',
      redirectUris: ['http://localhost:54545/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: 'jira:read jira:write',
      source: 'dcr',
      createdAt: clock.now(),
    });
  });

  it('gives a confidential client (the default method) a 256-bit secret, stored only as its hash', async () => {
    const result = await registerClient({ redirect_uris: ['https://app.example.com/cb'] }, deps);
    const secret = result.clientSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    expect(result.response).toMatchObject({
      client_secret: secret,
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
    const stored = await storage.clients.get(result.client.clientId);
    expect(stored?.secretHash).toBe(hashSecret(secret ?? ''));
    expect(stored?.secretExpiresAt).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(JSON.stringify(result.client)).not.toContain(secret);
  });

  it('accepts client_secret_post', async () => {
    const result = await registerClient(
      {
        redirect_uris: ['https://app.example.com/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      deps,
    );
    expect(result.client.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(result.response['client_secret']).toBe(result.clientSecret);
  });

  it('registers Cursor’s private-use, https and localhost callbacks in one request', async () => {
    const redirectUris = [
      'cursor://anysphere.cursor-mcp/oauth/callback',
      'https://cursor.com/oauth/callback',
      'http://localhost:8787/callback',
    ];
    const result = await registerClient(
      { client_name: 'Cursor', redirect_uris: redirectUris, token_endpoint_auth_method: 'none' },
      deps,
    );
    expect(result.response['redirect_uris']).toEqual(redirectUris);
  });

  it('registers VS Code’s loopback URIs with and without a port', async () => {
    const redirectUris = [
      'http://127.0.0.1/',
      'http://127.0.0.1:33418/',
      'https://vscode.dev/redirect',
    ];
    const result = await registerClient(
      {
        client_name: 'Visual Studio Code',
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'none',
      },
      deps,
    );
    expect(result.client.redirectUris).toEqual(redirectUris);
  });

  it('ignores unknown members and never echoes them or a client-chosen id or secret', async () => {
    const result = await registerClient(
      {
        redirect_uris: ['http://127.0.0.1:49152'],
        token_endpoint_auth_method: 'none',
        client_id: 'chosen-by-client',
        client_secret: 'chosen-secret',
        jwks_uri: 'https://app.example.com/jwks.json',
        software_statement: 'eyJ.e30.sig',
        'client_name#fr': 'Application',
        x_custom: { nested: true },
      },
      deps,
    );
    expect(result.client.clientId).not.toBe('chosen-by-client');
    expect(Object.keys(result.response).sort()).toEqual([
      'client_id',
      'client_id_issued_at',
      'grant_types',
      'redirect_uris',
      'response_types',
      'scope',
      'token_endpoint_auth_method',
    ]);
  });

  it('keeps only the scopes this server defines', async () => {
    const result = await registerClient(
      {
        redirect_uris: ['https://app.example.com/cb'],
        scope: 'openid jira:read offline_access',
      },
      deps,
    );
    expect(result.response['scope']).toBe('jira:read');
    expect(result.client.scope).toBe('jira:read');
  });

  it('stores client_uri and logo_uri and accepts contacts and software id/version', async () => {
    const result = await registerClient(
      {
        redirect_uris: ['https://app.example.com/cb'],
        client_uri: 'https://app.example.com/',
        logo_uri: 'https://app.example.com/logo.png',
        tos_uri: 'https://app.example.com/tos',
        policy_uri: 'http://localhost:3000/privacy',
        contacts: ['admin@app.example.com'],
        software_id: '4NRB1-0XZABZI9E6-5SM3R',
        software_version: '2.1.0',
      },
      deps,
    );
    expect(result.response).toMatchObject({
      client_uri: 'https://app.example.com/',
      logo_uri: 'https://app.example.com/logo.png',
    });
    const stored = await storage.clients.get(result.client.clientId);
    expect(stored?.clientUri).toBe('https://app.example.com/');
    expect(stored?.logoUri).toBe('https://app.example.com/logo.png');
  });

  it('treats null members as absent and removes duplicate redirect URIs', async () => {
    const result = await registerClient(
      {
        redirect_uris: ['https://app.example.com/cb', 'https://app.example.com/cb'],
        client_name: null,
        client_uri: null,
        scope: null,
        grant_types: null,
        token_endpoint_auth_method: null,
      },
      deps,
    );
    expect(result.client.redirectUris).toEqual(['https://app.example.com/cb']);
    expect(result.client.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(result.client.clientName).toBeUndefined();
  });

  it('issues a new client id on every registration', async () => {
    const body = {
      redirect_uris: ['https://app.example.com/cb'],
      token_endpoint_auth_method: 'none',
    };
    const first = await registerClient(body, deps);
    const second = await registerClient(body, deps);
    expect(first.client.clientId).not.toBe(second.client.clientId);
    expect(await storage.clients.list()).toHaveLength(2);
  });
});

describe('POST /register: refused metadata (RFC 7591 §3.2.2)', () => {
  const uri = 'https://app.example.com/cb';

  it.each([
    ['a missing redirect_uris', { client_name: 'x' }, 'redirect_uris must be a non-empty array'],
    ['an empty redirect_uris', { redirect_uris: [] }, 'redirect_uris must be a non-empty array'],
    ['a string redirect_uris', { redirect_uris: uri }, 'redirect_uris must be a non-empty array'],
    ['a non-string redirect URI', { redirect_uris: [42] }, 'each redirect_uri must be a string'],
    [
      'more than 20 redirect URIs',
      { redirect_uris: Array.from({ length: 21 }, (_, i) => `${uri}${i}`) },
      'at most 20',
    ],
    ['a redirect URI with a fragment', { redirect_uris: [`${uri}#x`] }, 'has a fragment'],
    [
      'an http redirect URI off loopback',
      { redirect_uris: ['http://app.example.com/cb'] },
      'uses http',
    ],
    [
      'a javascript: redirect URI',
      { redirect_uris: [uri, 'javascript:alert(1)'] },
      'uses the scheme "javascript:", which is not allowed',
    ],
  ])('refuses %s with invalid_redirect_uri', async (_why, body, description) => {
    const error = await registrationError(body);
    expect(error.code).toBe('invalid_redirect_uri');
    expect(error.status).toBe(400);
    expect(error.message).toContain(description);
    expect(await storage.clients.list()).toEqual([]);
  });

  it.each([
    ['a null body', null, 'must be a JSON object'],
    ['an array body', [{ redirect_uris: [uri] }], 'must be a JSON object'],
    ['a string body', 'redirect_uris=x', 'must be a JSON object'],
    ['private_key_jwt', { token_endpoint_auth_method: 'private_key_jwt' }, 'not supported'],
    ['client_secret_jwt', { token_endpoint_auth_method: 'client_secret_jwt' }, 'not supported'],
    ['the password grant', { grant_types: ['password'] }, 'grant_types: "password"'],
    [
      'client_credentials',
      { grant_types: ['client_credentials'] },
      'grant_types: "client_credentials"',
    ],
    ['the implicit grant', { grant_types: ['implicit'] }, 'grant_types: "implicit"'],
    ['a grant mixed in', { grant_types: ['authorization_code', 'password'] }, 'grant_types'],
    ['refresh without code', { grant_types: ['refresh_token'] }, 'must include authorization_code'],
    ['no grant types', { grant_types: [] }, 'must include authorization_code'],
    ['a string grant_types', { grant_types: 'authorization_code' }, 'grant_types'],
    ['the token response type', { response_types: ['token'] }, 'response_types: "token"'],
    ['an id_token response type', { response_types: ['code', 'id_token'] }, 'response_types'],
    ['no response types', { response_types: [] }, 'must include code'],
    ['a 201-character client_name', { client_name: 'n'.repeat(201) }, 'client_name'],
    ['a numeric client_name', { client_name: 42 }, 'client_name'],
    ['a control character in client_name', { client_name: 'Good\u0000App' }, 'client_name'],
    ['a bidi override in client_name', { client_name: 'Good\u202eppA' }, 'client_name'],
    [
      'an http client_uri',
      { client_uri: 'http://app.example.com/' },
      'client_uri must be an https URL',
    ],
    ['a javascript: client_uri', { client_uri: 'javascript:alert(1)' }, 'client_uri'],
    ['userinfo in client_uri', { client_uri: 'https://good.example@evil.example/' }, 'client_uri'],
    ['a relative client_uri', { client_uri: '/home' }, 'client_uri'],
    ['an http logo_uri', { logo_uri: 'http://app.example.com/logo.png' }, 'logo_uri'],
    ['an ftp tos_uri', { tos_uri: 'ftp://app.example.com/tos' }, 'tos_uri'],
    ['a data: policy_uri', { policy_uri: 'data:text/html,x' }, 'policy_uri'],
    ['a numeric scope', { scope: 42 }, 'scope'],
    ['a string contacts', { contacts: 'admin@app.example.com' }, 'contacts'],
    ['a numeric contact', { contacts: [7] }, 'contacts'],
    ['a numeric software_id', { software_id: 5 }, 'software_id'],
  ])('refuses %s with invalid_client_metadata', async (_why, body, description) => {
    const request =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? { redirect_uris: [uri], ...body }
        : body;
    const error = await registrationError(request);
    expect(error.code).toBe('invalid_client_metadata');
    expect(error.status).toBe(400);
    expect(error.message).toContain(description);
    expect(await storage.clients.list()).toEqual([]);
  });
});
