import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import {
  AtlassianOAuthClient,
  AtlassianOAuthError,
} from '../../../src/jira/person/atlassian-oauth-client.js';
import { closeServer, listenOnLoopback } from '../../helpers/loopback-servers.js';

/** Atlassian's published answers (see test/fixtures/atlassian-oauth/README.md). */
const SAMPLES = new URL('../../fixtures/atlassian-oauth/', import.meta.url);
function sample(name: string): string {
  return readFileSync(new URL(name, SAMPLES), 'utf8');
}

interface Scripted {
  status: number;
  body: string;
}

/** A scripted Atlassian on 127.0.0.1: each path answers what the test put there, and records requests. */
let port: number;
const answers = new Map<string, Scripted>();
const received: { path: string; body: string; authorization: string | undefined }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
    const answer = answers.get(req.url ?? '') ?? { status: 404, body: '{}' };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
});

beforeAll(async () => {
  port = await listenOnLoopback(server);
});
afterAll(async () => {
  await closeServer(server);
});

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const SECRET = 'client-secret-value-123';
const REFRESH = 'refresh-token-value-456';

function client(): AtlassianOAuthClient {
  const base = `http://127.0.0.1:${port}`;
  return new AtlassianOAuthClient({
    settings: {
      clientId: 'client-1',
      authUrl: base,
      apiUrl: base,
      scopes: ['read:jira-work', 'offline_access'],
      redirectUri: 'https://gw.example/jira/oauth/callback',
    },
    clientSecret: () => Promise.resolve(SECRET),
    clock,
    timeoutMs: 2_000,
  });
}

async function failure(promise: Promise<unknown>): Promise<AtlassianOAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AtlassianOAuthError);
    const typed = error as AtlassianOAuthError;
    for (const secret of [SECRET, REFRESH]) expect(typed.message).not.toContain(secret);
    return typed;
  }
  throw new Error('expected a failure');
}

describe('Atlassian 3LO client: token endpoint (RFC 6749 §4.1.3, §6)', () => {
  it('exchanges a code with a JSON body and counts expiry from before the request', async () => {
    answers.set('/oauth/token', {
      status: 200,
      body: JSON.stringify({
        access_token: 'at-1',
        expires_in: 3600,
        token_type: 'Bearer',
        refresh_token: 'rt-1',
        scope: 'read:jira-work offline_access',
      }),
    });
    expect(await client().exchangeCode('code-1')).toStrictEqual({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      expiresAt: clock.now() + 3_600_000,
      scope: 'read:jira-work offline_access',
    });
    expect(JSON.parse(received.at(-1)?.body ?? '')).toStrictEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://gw.example/jira/oauth/callback',
      client_id: 'client-1',
      client_secret: SECRET,
    });
  });

  it('treats 403 invalid_grant and 403 unauthorized_client (Atlassian) and 400 invalid_grant (RFC) as a dead grant', async () => {
    for (const [status, body] of [
      [403, sample('token-refresh-403-invalid_grant.json')],
      [403, sample('token-refresh-403-unauthorized_client.json')],
      [400, '{"error":"invalid_grant"}'],
    ] as const) {
      answers.set('/oauth/token', { status, body });
      const error = await failure(client().refresh(REFRESH));
      expect([error.code, error.status]).toStrictEqual(['refused', status]);
      expect(error.message).toBe(
        `Atlassian refused the token refresh (${error.oauthError ?? ''}): the grant was revoked or has expired.`,
      );
    }
  });

  it('does not call a wrong client secret a dead grant', async () => {
    answers.set('/oauth/token', {
      status: 401,
      body: '{"error":"access_denied","error_description":"Unauthorized"}',
    });
    const error = await failure(client().refresh(REFRESH));
    expect([error.code, error.oauthError, error.message]).toStrictEqual([
      'rejected',
      'access_denied',
      'Atlassian refused the token refresh (HTTP 401, access_denied).',
    ]);
  });

  it('reports 5xx and 429 as unavailable, and odd bodies as invalid_response without echoing them', async () => {
    answers.set('/oauth/token', { status: 503, body: 'down' });
    expect((await failure(client().refresh(REFRESH))).code).toBe('unavailable');
    answers.set('/oauth/token', { status: 200, body: `not json ${REFRESH}` });
    expect((await failure(client().refresh(REFRESH))).code).toBe('invalid_response');
    answers.set('/oauth/token', {
      status: 200,
      body: JSON.stringify({ access_token: REFRESH, expires_in: 'soon' }),
    });
    const shape = await failure(client().refresh(REFRESH));
    expect([shape.code, shape.message]).toStrictEqual([
      'invalid_response',
      "Atlassian's answer to the token refresh did not have the expected shape (expires_in).",
    ]);
  });

  it('reports an unreachable Atlassian as unavailable', async () => {
    const offline = new AtlassianOAuthClient({
      settings: {
        clientId: 'c',
        authUrl: 'http://127.0.0.1:9',
        apiUrl: 'http://127.0.0.1:9',
        scopes: [],
        redirectUri: 'https://gw.example/cb',
      },
      clientSecret: () => Promise.resolve(SECRET),
      clock,
    });
    const error = await failure(offline.refresh(REFRESH));
    expect([error.code, error.message]).toStrictEqual([
      'unavailable',
      'Could not reach Atlassian for the token refresh.',
    ]);
  });
});

describe('Atlassian 3LO client: sites and profile', () => {
  it('reads accessible-resources and /me from Atlassian’s published examples', async () => {
    answers.set('/oauth/token/accessible-resources', {
      status: 200,
      body: sample('accessible-resources.json'),
    });
    answers.set('/me', { status: 200, body: sample('me.json') });
    const sites = await client().accessibleResources('at-1');
    expect(sites.map((s) => [s.id, s.url])).toStrictEqual([
      ['1324a887-45db-1bf4-1e99-ef0ff456d421', 'https://your-domain.atlassian.net'],
      ['2324a887-45db-1bf4-1e99-ef0ff456d421', 'https://your-domain.atlassian.net'],
    ]);
    expect(await client().me('at-1')).toStrictEqual({
      accountId: '112233aa-bb11-cc22-33dd-445566abcabc',
      name: 'Mia Krystof',
      email: 'mia@example.com',
    });
    expect(received.at(-1)?.authorization).toBe('Bearer at-1');
  });

  it('reports the API gateway’s 401 as rejected', async () => {
    answers.set('/me', {
      status: 401,
      body: sample('api-gateway-401-scope-does-not-match.json'),
    });
    const error = await failure(client().me('at-1'));
    expect([error.code, error.status, error.message]).toStrictEqual([
      'rejected',
      401,
      'Atlassian refused GET /me (HTTP 401).',
    ]);
  });
});
