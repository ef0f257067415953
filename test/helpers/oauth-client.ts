import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { inputValue, PageAgent } from './browser.js';
import { TEST_ISSUER, TEST_USER, type TestGateway } from './gateway.js';

export const LOOPBACK_REDIRECT = 'http://127.0.0.1:53682/callback';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Registers a client over HTTP and returns the RFC 7591 response. */
export async function registerClient(
  gw: TestGateway,
  metadata: Record<string, unknown> = {},
): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>> {
  const response = await gw.fetch(`${TEST_ISSUER}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: [LOOPBACK_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      client_name: 'Test client',
      ...metadata,
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { client_id: string };
}

export function authorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(`${TEST_ISSUER}/authorize`);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** A signed-in browser: logs in once, then every authorize goes straight to consent. */
export async function signedInAgent(gw: TestGateway, clientId: string): Promise<PageAgent> {
  const agent = new PageAgent(gw.fetch, TEST_ISSUER);
  const pkce = newPkce();
  const page = await agent.get(
    authorizeUrl({
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }),
  );
  const html = await page.text();
  const login = await agent.post('/authorize/login', {
    username: TEST_USER.username,
    password: TEST_USER.password,
    csrf_token: inputValue(html, 'csrf_token'),
    request: inputValue(html, 'request'),
  });
  expect(login.status).toBe(303);
  return agent;
}

/** Approves an authorization request in a signed-in browser; returns the redirect. */
export async function approve(agent: PageAgent, url: string, scopes?: string[]): Promise<URL> {
  const page = await agent.get(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const offered = [...html.matchAll(/name="scope"[^>]*value="([^"]+)"/g)].map((m) => m[1] ?? '');
  const response = await agent.post('/authorize/consent', {
    csrf_token: inputValue(html, 'csrf_token'),
    request: inputValue(html, 'request'),
    scope: scopes ?? offered,
    decision: 'approve',
  });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location') ?? '');
}

/** Gets a fresh code for `clientId` with PKCE. */
export async function obtainCode(
  agent: PageAgent,
  clientId: string,
  extra: Record<string, string> = {},
): Promise<{ code: string; pkce: Pkce }> {
  const pkce = newPkce();
  const redirect = await approve(
    agent,
    authorizeUrl({
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'xyz',
      ...extra,
    }),
  );
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`no code in ${redirect.toString()}`);
  return { code, pkce };
}

export function tokenRequest(
  gw: TestGateway,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return gw.fetch(`${TEST_ISSUER}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export async function redeem(
  gw: TestGateway,
  clientId: string,
  code: string,
  verifier: string,
): Promise<Response> {
  return tokenRequest(gw, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: LOOPBACK_REDIRECT,
  });
}
