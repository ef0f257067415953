/**
 * Drives the sandbox's Atlassian emulation over real HTTP, the way a 3LO
 * app does: the authorize page (read from its HTML), the form post, the
 * redirect, and the token endpoint.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { SANDBOX_ATLASSIAN_APP } from '../../src/sandbox/index.js';
import { readResponse, type JsonResponse, type TestSandbox } from './sandbox-fixture.js';

/** A loopback callback the sandbox app allows without registration. */
export const CALLBACK = 'http://127.0.0.1:4321/jira/oauth/callback';

/** What the gateway asks for (config ATLASSIAN_SCOPES). */
export const GATEWAY_SCOPES = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:me',
  'offline_access',
];

export const EMAILS = { alice: 'alice@example.com', bob: 'bob@example.com' } as const;

export interface TokenBody {
  access_token: string;
  expires_in: number;
  token_type: string;
  refresh_token?: string;
  scope: string;
}

/** The authorize URL with Atlassian's parameters; `overrides` replace or (undefined) drop one. */
export function authorizeUrl(
  t: TestSandbox,
  overrides: Record<string, string | undefined> = {},
): string {
  const params: Record<string, string | undefined> = {
    audience: 'api.atlassian.com',
    client_id: SANDBOX_ATLASSIAN_APP.clientId,
    scope: GATEWAY_SCOPES.join(' '),
    redirect_uri: CALLBACK,
    state: 'state-123',
    response_type: 'code',
    prompt: 'consent',
    ...overrides,
  };
  const url = new URL('/authorize', t.url);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

const HIDDEN = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden fields of the authorize page's form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(HIDDEN)) {
    fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '');
  }
  return fields;
}

/** Posts the authorize form (without following the redirect). */
export async function postAuthorize(
  t: TestSandbox,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${t.url}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url, ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/**
 * Opens the authorize page, signs in as `email` and accepts; returns the
 * redirect's URL (with `code` and `state`).
 */
export async function consent(
  t: TestSandbox,
  email: string,
  overrides: Record<string, string | undefined> = {},
): Promise<URL> {
  const page = await fetch(authorizeUrl(t, overrides));
  expect(page.status).toBe(200);
  const fields = hiddenFields(await page.text());
  const answer = await postAuthorize(t, {
    ...fields,
    email,
    password: 'sandbox',
    decision: 'accept',
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') ?? '');
}

/** POSTs a JSON body to /oauth/token. */
export async function tokenRequest(
  t: TestSandbox,
  body: Record<string, string>,
): Promise<JsonResponse> {
  return readResponse(
    await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** Exchanges a code as the sandbox app, with `overrides` on the body. */
export async function exchangeCode(
  t: TestSandbox,
  code: string,
  overrides: Record<string, string> = {},
): Promise<JsonResponse> {
  return tokenRequest(t, {
    grant_type: 'authorization_code',
    client_id: SANDBOX_ATLASSIAN_APP.clientId,
    client_secret: SANDBOX_ATLASSIAN_APP.clientSecret,
    code,
    redirect_uri: CALLBACK,
    ...overrides,
  });
}

/** Exchanges a refresh token as the sandbox app. */
export async function refresh(t: TestSandbox, refreshToken: string): Promise<JsonResponse> {
  return tokenRequest(t, {
    grant_type: 'refresh_token',
    client_id: SANDBOX_ATLASSIAN_APP.clientId,
    client_secret: SANDBOX_ATLASSIAN_APP.clientSecret,
    refresh_token: refreshToken,
  });
}

/** The full code flow as `email` with `scope`; returns the token response body. */
export async function linkAs(
  t: TestSandbox,
  email: string,
  scope: string = GATEWAY_SCOPES.join(' '),
): Promise<TokenBody> {
  const redirect = await consent(t, email, { scope });
  const answer = await exchangeCode(t, redirect.searchParams.get('code') ?? '');
  expect(answer.status).toBe(200);
  return answer.body as TokenBody;
}

/** GETs `path` on the sandbox with a Bearer token. */
export async function bearerGet(
  t: TestSandbox,
  path: string,
  token: string,
): Promise<JsonResponse> {
  return readResponse(
    await fetch(`${t.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    }),
  );
}

/** A sample from test/fixtures/atlassian-oauth/, parsed. */
export function sample(name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/atlassian-oauth/${name}`, import.meta.url), 'utf8'),
  ) as unknown;
}

/** The refused-refresh body (403), as Atlassian's 3LO page quotes it. */
export const INVALID_REFRESH = sample('token-refresh-403-invalid_grant.json');

/** The API gateway's answer to a token without the operation's scope (401). */
export const SCOPE_MISMATCH = sample('api-gateway-401-scope-does-not-match.json');
