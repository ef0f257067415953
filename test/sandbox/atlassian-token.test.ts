import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_ATLASSIAN_APP } from '../../src/sandbox/index.js';
import {
  bearerGet,
  CALLBACK,
  consent,
  EMAILS,
  exchangeCode,
  INVALID_REFRESH,
  linkAs,
  refresh,
  tokenRequest,
  type TokenBody,
} from './atlassian-fixture.js';
import { obj, readResponse, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const INVALID_CODE = { error: 'invalid_grant', error_description: 'Invalid authorization code' };
const BAD_CLIENT = { error: 'access_denied', error_description: 'Unauthorized' };

async function freshCode(overrides: Record<string, string | undefined> = {}): Promise<string> {
  return (await consent(t, EMAILS.alice, overrides)).searchParams.get('code') ?? '';
}

describe('POST /oauth/token: authorization_code (RFC 6749 §4.1.3)', () => {
  it("answers Atlassian's token body: access token, 3600 s, Bearer, a refresh token and the scopes", async () => {
    const res = await exchangeCode(t, await freshCode());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = obj(res.body);
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(body).toMatchObject({
      expires_in: 3600,
      token_type: 'Bearer',
      scope: 'read:jira-work write:jira-work read:jira-user read:me offline_access',
    });
    expect(body['access_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body['refresh_token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body['refresh_token']).not.toBe(body['access_token']);
  });

  it('gives no refresh token without offline_access', async () => {
    const tokens = await linkAs(t, EMAILS.alice, 'read:jira-work read:me');
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('read:jira-work read:me');
  });

  it('accepts a form-encoded body as well as JSON', async () => {
    const res = await readResponse(
      await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: SANDBOX_ATLASSIAN_APP.clientId,
          client_secret: SANDBOX_ATLASSIAN_APP.clientSecret,
          code: await freshCode(),
          redirect_uri: CALLBACK,
        }).toString(),
      }),
    );
    expect(res.status).toBe(200);
    expect(obj(res.body)['token_type']).toBe('Bearer');
  });

  it('answers 401 access_denied for a wrong client secret or an unknown client, and keeps the code usable', async () => {
    const code = await freshCode();
    for (const overrides of [
      { client_secret: 'not-the-secret' },
      { client_secret: '' },
      { client_id: 'someone-else' },
    ]) {
      const res = await exchangeCode(t, code, overrides);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BAD_CLIENT);
    }
    expect((await exchangeCode(t, code)).status).toBe(200);
  });

  it('refuses a redirect_uri other than the one the code was issued for, and burns the code', async () => {
    const code = await freshCode();
    const wrong = await exchangeCode(t, code, {
      redirect_uri: 'http://127.0.0.1:9999/jira/oauth/callback',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual(INVALID_CODE);
    expect((await exchangeCode(t, code)).status).toBe(403);
  });

  it('rejects a replayed code and revokes the tokens it issued (RFC 6749 §4.1.2)', async () => {
    const code = await freshCode();
    const first = await exchangeCode(t, code);
    expect(first.status).toBe(200);
    const tokens = first.body as TokenBody;
    const revokedBefore = t.sandbox.atlassian.counters.familiesRevoked;
    const replay = await exchangeCode(t, code);
    expect(replay.status).toBe(403);
    expect(replay.body).toEqual(INVALID_CODE);
    expect(t.sandbox.atlassian.counters.familiesRevoked).toBe(revokedBefore + 1);
    expect((await refresh(t, tokens.refresh_token ?? '')).body).toEqual(INVALID_REFRESH);
    expect(
      (await bearerGet(t, '/oauth/token/accessible-resources', tokens.access_token)).status,
    ).toBe(401);
  });

  it('refuses a code after its 10 minutes', async () => {
    const code = await freshCode();
    t.clock.advance(10 * 60_000);
    const res = await exchangeCode(t, code);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(INVALID_CODE);
  });

  it('refuses an unknown code', async () => {
    const res = await exchangeCode(t, 'no-such-code');
    expect(res.status).toBe(403);
    expect(res.body).toEqual(INVALID_CODE);
  });

  it('honours PKCE S256 when the app sent a challenge (RFC 7636 §4.6)', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const missing = await exchangeCode(t, await freshCode(pkce));
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Failed to verify code verifier',
    });
    const wrong = await exchangeCode(t, await freshCode(pkce), { code_verifier: 'w'.repeat(50) });
    expect(wrong.status).toBe(403);
    const right = await exchangeCode(t, await freshCode(pkce), { code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it('answers 400 invalid_request for missing parameters or an unreadable body', async () => {
    const base = {
      client_id: SANDBOX_ATLASSIAN_APP.clientId,
      client_secret: SANDBOX_ATLASSIAN_APP.clientSecret,
    };
    const cases: [Record<string, string>, string][] = [
      [base, 'Missing required parameter: grant_type'],
      [
        { ...base, grant_type: 'authorization_code', redirect_uri: CALLBACK },
        'Missing required parameter: code',
      ],
      [
        { ...base, grant_type: 'authorization_code', code: 'x' },
        'Missing required parameter: redirect_uri',
      ],
      [{ ...base, grant_type: 'refresh_token' }, 'Missing required parameter: refresh_token'],
    ];
    for (const [body, description] of cases) {
      const res = await tokenRequest(t, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    }
    const text = await readResponse(
      await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'hi',
      }),
    );
    expect(text.status).toBe(400);
    expect(obj(text.body)['error']).toBe('invalid_request');
  });

  it('answers 400 unsupported_grant_type for other grants', async () => {
    const res = await tokenRequest(t, {
      grant_type: 'password',
      client_id: SANDBOX_ATLASSIAN_APP.clientId,
      client_secret: SANDBOX_ATLASSIAN_APP.clientSecret,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'Unsupported grant type: password',
    });
  });

  it('keeps client secrets, codes and tokens out of the request log', async () => {
    await linkAs(t, EMAILS.bob);
    const posts = t.sandbox.requests.filter((r) => r.path === '/oauth/token');
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect(post.body).toBe('[REDACTED]');
  });
});
