import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { ConflictError } from '../../src/storage/ports.js';
import {
  approve,
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  obtainCode,
  redeem,
  registerClient,
  signedInAgent,
  tokenRequest,
} from '../helpers/oauth-client.js';

let gw: TestGateway;
let clientId: string;
let agent: PageAgent;
/** A client an administrator made, as the CLI does: the only kind errors are redirected to. */
const cliClientId = 'mcp_cli_made_client';

beforeAll(async () => {
  gw = await createTestGateway();
  clientId = (await registerClient(gw)).client_id;
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
  agent = await signedInAgent(gw, clientId);
});
afterAll(async () => gw.close());

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function validParams(
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    response_type: 'code',
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
    state: 's1',
    ...extra,
  };
}

describe('GET /authorize — untrusted client or redirect URI (RFC 6749 §4.1.2.1)', () => {
  it('shows an error page and never redirects on a redirect URI mismatch', async () => {
    const response = await agent.get(
      authorizeUrl(validParams({ redirect_uri: 'https://evil.example/cb' })),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).not.toContain('evil.example');
  });

  it('shows an error page for an unregistered client', async () => {
    const response = await agent.get(authorizeUrl(validParams({ client_id: 'mcp_unknown' })));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('accepts any port on a loopback redirect URI (RFC 8252 §7.3)', async () => {
    const redirect = await approve(
      agent,
      authorizeUrl(validParams({ redirect_uri: 'http://127.0.0.1:40001/callback' })),
    );
    expect(redirect.origin).toBe('http://127.0.0.1:40001');
    expect(redirect.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('GET /authorize — errors redirected to a vouched-for client with iss (RFC 9207)', () => {
  /** Errors go back only to a client an administrator made (test/oauth/open-redirector.test.ts). */
  async function redirectError(params: Record<string, string | undefined>): Promise<URL> {
    const response = await agent.get(authorizeUrl({ ...params, client_id: cliClientId }));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(LOOPBACK_REDIRECT);
    expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
    return location;
  }

  it('refuses a request without PKCE', async () => {
    const url = await redirectError(
      validParams({ code_challenge: undefined, code_challenge_method: undefined }),
    );
    expect(url.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses the plain PKCE method', async () => {
    const url = await redirectError(
      validParams({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
    );
    expect(url.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses response_type=token', async () => {
    const url = await redirectError(validParams({ response_type: 'token' }));
    expect(url.searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('refuses an unknown resource with invalid_target (RFC 8707)', async () => {
    const url = await redirectError(validParams({ resource: 'https://other.example/mcp' }));
    expect(url.searchParams.get('error')).toBe('invalid_target');
  });

  it('accepts the resource with a trailing slash', async () => {
    const redirect = await approve(
      agent,
      authorizeUrl(validParams({ resource: `${TEST_ISSUER}/mcp/` })),
    );
    expect(redirect.searchParams.get('code')).not.toBeNull();
  });

  it('sends access_denied with iss when the user denies', async () => {
    const page = await agent.get(authorizeUrl(validParams()));
    const html = await page.text();
    const response = await agent.post('/authorize/consent', {
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
      decision: 'deny',
    });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
  });
});

describe('POST /authorize/consent — CSRF and framing', () => {
  it('refuses a consent POST without a valid CSRF token', async () => {
    const page = await agent.get(authorizeUrl(validParams()));
    const html = await page.text();
    const response = await agent.post('/authorize/consent', {
      csrf_token: 'forged',
      request: inputValue(html, 'request'),
      decision: 'approve',
      scope: 'jira:read',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a consent POST from another site even with the right token', async () => {
    const page = await agent.get(authorizeUrl(validParams()));
    const html = await page.text();
    const response = await agent.post(
      '/authorize/consent',
      {
        csrf_token: inputValue(html, 'csrf_token'),
        request: inputValue(html, 'request'),
        decision: 'approve',
        scope: 'jira:read',
      },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(response.status).toBe(403);
  });

  it('serves pages that cannot be framed, with a strict CSP and no-store', async () => {
    const page = await agent.get(authorizeUrl(validParams()));
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('lets the user untick jira:write and grants only jira:read', async () => {
    const pkce = newPkce();
    const redirect = await approve(
      agent,
      authorizeUrl(validParams({ code_challenge: pkce.challenge })),
      ['jira:read'],
    );
    const response = await redeem(
      gw,
      clientId,
      redirect.searchParams.get('code') ?? '',
      pkce.verifier,
    );
    expect(response.status).toBe(200);
    expect((await json(response)).scope).toBe('jira:read');
  });
});

describe('POST /token — authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6)', () => {
  it('answers every token response with Cache-Control: no-store', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const ok = await redeem(gw, clientId, code, pkce.verifier);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const bad = await redeem(gw, clientId, 'nope', pkce.verifier);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong code_verifier with invalid_grant', async () => {
    const { code } = await obtainCode(agent, clientId);
    const response = await redeem(gw, clientId, code, newPkce().verifier);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('invalid_grant');
  });

  it('refuses a token request without code_verifier (challenge without verifier)', async () => {
    const { code } = await obtainCode(agent, clientId);
    const response = await tokenRequest(gw, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: LOOPBACK_REDIRECT,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('invalid_request');
  });

  it('never issues a code without a challenge, so a verifier without challenge cannot be redeemed', async () => {
    const response = await agent.get(
      authorizeUrl(validParams({ code_challenge: undefined, code_challenge_method: undefined })),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const redeemed = await redeem(gw, clientId, 'made-up-code', newPkce().verifier);
    expect((await json(redeemed)).error).toBe('invalid_grant');
  });

  it('refuses a replayed code and revokes the tokens it issued', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const first = await json(await redeem(gw, clientId, code, pkce.verifier));
    const replay = await redeem(gw, clientId, code, pkce.verifier);
    expect(replay.status).toBe(400);
    expect((await json(replay)).error).toBe('invalid_grant');
    const refresh = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(first.refresh_token),
    });
    expect((await json(refresh)).error).toBe('invalid_grant');
    const events = await gw.audit.tail(50);
    expect(events.some((e) => e.type === 'code.replayed')).toBe(true);
  });

  it('still revokes the tokens when the code is replayed after it expired', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const first = await json(await redeem(gw, clientId, code, pkce.verifier));
    gw.clock.advance(120_000);
    const replay = await redeem(gw, clientId, code, pkce.verifier);
    expect((await json(replay)).error).toBe('invalid_grant');
    const refresh = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(first.refresh_token),
    });
    expect((await json(refresh)).error).toBe('invalid_grant');
  });

  it('lets at most one of 10 parallel redemptions of one code win, and revokes what it got', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => redeem(gw, clientId, code, pkce.verifier)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBe(1);
    expect(statuses.filter((s) => s === 400).length).toBe(9);
    // The nine replays revoke the grant of the one that won.
    const winner = await json(responses[statuses.indexOf(200)] as Response);
    const refresh = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(winner.refresh_token),
    });
    expect((await json(refresh)).error).toBe('invalid_grant');
    const access = hashSecret(String(winner.access_token));
    expect(await gw.storage.tokens.findActive(access, 'access', gw.clock.now())).toBeUndefined();
  });

  it('revokes the grant of a replayed code before its first redemption has created it', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    // The first redemption (say, in another process) has claimed the code
    // and is about to create its grant.
    const claimed = await gw.storage.codes.consume(hashSecret(code), gw.clock.now());
    if (claimed.status !== 'ok') throw new Error('the code should be claimable');
    const replay = await redeem(gw, clientId, code, pkce.verifier);
    expect((await json(replay)).error).toBe('invalid_grant');
    expect(await gw.storage.grants.get(claimed.code.grantId)).toMatchObject({
      id: claimed.code.grantId,
      revokedReason: 'authorization code replayed',
    });
    // So the first redemption cannot create it, and issues nothing.
    await expect(
      gw.storage.grants.create({
        id: claimed.code.grantId,
        userId: claimed.code.userId,
        clientId,
        scopes: claimed.code.scopes,
        resource: claimed.code.resource,
        createdAt: gw.clock.now(),
        expiresAt: gw.clock.now() + 3_600_000,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('issues nothing for a code whose replay revoked its grant in advance', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const db = new Database(gw.databasePath, { readonly: true });
    const row = db
      .prepare<[string], { grant_id: string }>(
        'SELECT grant_id FROM authorization_codes WHERE code_hash = ?',
      )
      .get(hashSecret(code));
    db.close();
    if (row === undefined) throw new Error('the code should be stored');
    // What a replay that ran ahead of this redemption left behind.
    const now = gw.clock.now();
    await gw.storage.grants.create({
      id: row.grant_id,
      userId: 'usr_any',
      clientId,
      scopes: [],
      resource: `${TEST_ISSUER}/mcp`,
      createdAt: now,
      expiresAt: now,
      revokedAt: now,
      revokedReason: 'authorization code replayed',
    });
    const response = await redeem(gw, clientId, code, pkce.verifier);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error: 'invalid_grant',
      error_description: 'authorization code was already used',
    });
  });

  it('refuses a code redeemed by another client', async () => {
    const other = (await registerClient(gw)).client_id;
    const { code, pkce } = await obtainCode(agent, clientId);
    const response = await redeem(gw, other, code, pkce.verifier);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('invalid_grant');
  });

  it('refuses a code older than 60 seconds', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    gw.clock.advance(61_000);
    const response = await redeem(gw, clientId, code, pkce.verifier);
    expect((await json(response)).error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri that differs from the authorization request', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const response = await tokenRequest(gw, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: pkce.verifier,
      redirect_uri: 'http://127.0.0.1:1/other',
    });
    expect((await json(response)).error).toBe('invalid_grant');
  });

  it('refuses an unknown resource at the token endpoint with invalid_target', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const response = await tokenRequest(gw, {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: pkce.verifier,
      redirect_uri: LOOPBACK_REDIRECT,
      resource: 'https://other.example/mcp',
    });
    expect((await json(response)).error).toBe('invalid_target');
  });

  it('refuses grant_type=password with unsupported_grant_type', async () => {
    const response = await tokenRequest(gw, {
      grant_type: 'password',
      client_id: clientId,
      username: 'alice',
      password: 'x',
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('unsupported_grant_type');
  });

  it('refuses a body that is not form-encoded', async () => {
    const response = await gw.fetch(`${TEST_ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('invalid_request');
  });
});

describe('POST /token — refresh_token rotation (OAuth 2.1 §4.3.1)', () => {
  it('revokes the whole grant when a rotated refresh token is reused', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const first = await json(await redeem(gw, clientId, code, pkce.verifier));
    const second = await json(
      await tokenRequest(gw, {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: String(first.refresh_token),
      }),
    );
    expect(typeof second.refresh_token).toBe('string');
    // Past REFRESH_REUSE_INTERVAL (60 s), which lets parallel refreshes through.
    gw.clock.advance(60_000);
    const reuse = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(first.refresh_token),
    });
    expect(reuse.status).toBe(400);
    expect((await json(reuse)).error).toBe('invalid_grant');
    const afterTheft = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(second.refresh_token),
    });
    expect((await json(afterTheft)).error).toBe('invalid_grant');
    const events = await gw.audit.tail(50);
    expect(events.some((e) => e.type === 'refresh.reuse_detected')).toBe(true);
  });

  it('refuses a refresh that asks for more scope than granted', async () => {
    const pkce = newPkce();
    const redirect = await approve(
      agent,
      authorizeUrl(validParams({ code_challenge: pkce.challenge })),
      ['jira:read'],
    );
    const first = await json(
      await redeem(gw, clientId, redirect.searchParams.get('code') ?? '', pkce.verifier),
    );
    const response = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: String(first.refresh_token),
      scope: 'jira:read jira:write',
    });
    expect((await json(response)).error).toBe('invalid_scope');
  });

  it('refuses a refresh token presented by another client', async () => {
    const other = (await registerClient(gw)).client_id;
    const { code, pkce } = await obtainCode(agent, clientId);
    const first = await json(await redeem(gw, clientId, code, pkce.verifier));
    const response = await tokenRequest(gw, {
      grant_type: 'refresh_token',
      client_id: other,
      refresh_token: String(first.refresh_token),
    });
    expect((await json(response)).error).toBe('invalid_grant');
  });
});

describe('POST /token — disabled users', () => {
  it('issues no tokens for a code or refresh token of a user disabled meanwhile', async () => {
    const { code, pkce } = await obtainCode(agent, clientId);
    const first = await json(await redeem(gw, clientId, code, pkce.verifier));
    const second = await obtainCode(agent, clientId);
    await gw.storage.users.setDisabled('alice', true);
    try {
      const redeemed = await redeem(gw, clientId, second.code, second.pkce.verifier);
      expect((await json(redeemed)).error).toBe('invalid_grant');
      const refreshed = await tokenRequest(gw, {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: String(first.refresh_token),
      });
      expect((await json(refreshed)).error).toBe('invalid_grant');
    } finally {
      await gw.storage.users.setDisabled('alice', false);
    }
  });
});

describe('POST /introspect (RFC 7662 §2.1)', () => {
  it('refuses introspection without resource-server credentials', async () => {
    const response = await gw.fetch(`${TEST_ISSUER}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=abc',
    });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe('invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses an OAuth client posing as a resource server', async () => {
    const confidential = await registerClient(gw, {
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const basic = Buffer.from(
      `${confidential.client_id}:${String(confidential.client_secret)}`,
    ).toString('base64');
    const response = await gw.fetch(`${TEST_ISSUER}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: 'token=abc',
    });
    expect(response.status).toBe(401);
  });
});

describe('storage at rest', () => {
  it('holds no issued token, code or client secret in clear after a full flow', async () => {
    const confidential = await registerClient(gw, {
      token_endpoint_auth_method: 'client_secret_post',
    });
    const secret = String(confidential.client_secret);
    const confidentialAgent = await signedInAgent(gw, confidential.client_id);
    const { code, pkce } = await obtainCode(confidentialAgent, confidential.client_id);
    const tokens = await json(
      await tokenRequest(gw, {
        grant_type: 'authorization_code',
        client_id: confidential.client_id,
        client_secret: secret,
        code,
        code_verifier: pkce.verifier,
        redirect_uri: LOOPBACK_REDIRECT,
      }),
    );
    const refreshed = await json(
      await tokenRequest(gw, {
        grant_type: 'refresh_token',
        client_id: confidential.client_id,
        client_secret: secret,
        refresh_token: String(tokens.refresh_token),
      }),
    );
    const secrets = [
      secret,
      code,
      String(tokens.access_token),
      String(tokens.refresh_token),
      String(refreshed.access_token),
      String(refreshed.refresh_token),
      pkce.verifier,
    ];
    expect(secrets.every((s) => s.length >= 43)).toBe(true);

    // Checkpoint the WAL so every write is in the main file, then scan every file byte.
    const db = new Database(gw.databasePath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(gw.databasePath);
    const text = bytes.toString('latin1');
    for (const s of secrets) {
      expect(text.includes(s)).toBe(false);
    }
    // And the scan would have caught one: the hash of the access token is there.
    expect(text.includes(hashSecret(String(tokens.access_token)))).toBe(true);
  });
});
