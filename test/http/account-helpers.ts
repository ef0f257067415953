/**
 * What the /account suites share: a gateway with /mcp mounted in-process
 * (the in-process token verifier, as `npm start` runs it), a person's real
 * OAuth flow to a registered client, and an MCP call with a bearer token.
 */
import { Hono } from 'hono';
import { expect } from 'vitest';
import { UserService } from '../../src/accounts/users.js';
import type { AccountSection } from '../../src/http/account-sections.js';
import type { AuditEvent } from '../../src/storage/ports.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { registerMcpRoutes } from '../../src/http/mcp-routes.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import { inputValue, PageAgent, signInAndConsent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  redeem,
  registerClient,
} from '../helpers/oauth-client.js';

export const BOB = { username: 'bob', password: 'another correct horse battery' };

/** A test gateway whose /mcp checks tokens in-process, plus the user `bob`. */
export async function accountGateway(
  env: Record<string, string> = {},
  accountSections?: readonly AccountSection[],
): Promise<TestGateway> {
  // /mcp needs the gateway's own storage, audit and clock, which exist only
  // once the gateway does: the route hands over to an app filled in just after.
  const mcp = new Hono();
  const gw = await createTestGateway(env, {
    ...(accountSections === undefined ? {} : { accountSections }),
    mountMcp: (app) => {
      app.all('/mcp', (c) => mcp.fetch(c.req.raw));
    },
  });
  registerMcpRoutes(mcp, {
    config: gw.config,
    verifier: createInProcessTokenVerifier({
      storage: gw.storage,
      clock: gw.clock,
      resource: gw.config.resource,
    }),
    // Never called: these suites only initialize.
    jira: new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: 'http://127.0.0.1:9',
        email: 'nobody@example.com',
        apiToken: 'unused',
      }),
    }),
    audit: gw.audit,
    clock: gw.clock,
    log: () => undefined,
  });
  await new UserService(gw.storage.users, gw.clock).create(BOB.username, BOB.password);
  return gw;
}

export interface Connected {
  clientId: string;
  accessToken: string;
  refreshToken: string;
  grantId: string;
}

/** Registers a client named `clientName`, and has `person` sign in and approve it; returns its tokens. */
export async function connectApp(
  gw: TestGateway,
  clientName: string,
  person: { username: string; password: string } = TEST_USER,
  agent = new PageAgent(gw.fetch, TEST_ISSUER),
): Promise<Connected> {
  const { client_id: clientId } = await registerClient(gw, { client_name: clientName });
  const pkce = newPkce();
  const redirect = await signInAndConsent(
    agent,
    authorizeUrl({
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 's',
    }),
    person,
  );
  const token = await redeem(gw, clientId, redirect.searchParams.get('code') ?? '', pkce.verifier);
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string; refresh_token: string };
  const grants = await gw.storage.grants.listAll();
  const grant = grants.find((g) => g.clientId === clientId);
  if (grant === undefined) throw new Error('no grant for the new client');
  return {
    clientId,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    grantId: grant.id,
  };
}

/** An MCP `initialize` with a bearer token, through `send` (the gateway or an MCP role). */
export function mcpInitialize(send: typeof fetch, accessToken: string): Promise<Response> {
  return send(`${TEST_ISSUER}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'account-test', version: '1' },
      },
    }),
  });
}

/** A browser signed in at /account/login (no authorization request involved). */
export async function signedInAtAccount(
  gw: TestGateway,
  person: { username: string; password: string } = TEST_USER,
): Promise<PageAgent> {
  const agent = new PageAgent(gw.fetch, TEST_ISSUER);
  const page = await agent.get('/account');
  expect(page.status).toBe(200);
  const login = await agent.post('/account/login', {
    username: person.username,
    password: person.password,
    csrf_token: inputValue(await page.text(), 'csrf_token'),
  });
  expect(login.status).toBe(303);
  expect(login.headers.get('location')).toBe('/account');
  return agent;
}

/** The signed-in /account page's HTML and this browser's CSRF token. */
export async function accountPage(agent: PageAgent): Promise<{ html: string; csrf: string }> {
  const page = await agent.get('/account');
  expect(page.status).toBe(200);
  const html = await page.text();
  return { html, csrf: inputValue(html, 'csrf_token') };
}

/** The page CSP: a fresh nonce, nothing else loads, forms only to this origin, never framed. */
export const PAGE_CSP =
  /^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/]{22}=='; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/;

/** The headers every /account page answers with (the consent page's standard). */
export function expectPageHeaders(response: Response): void {
  expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(response.headers.get('content-security-policy')).toMatch(PAGE_CSP);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('strict-transport-security')).toBe(
    'max-age=31536000; includeSubDomains',
  );
}

/** The audit events of one type, oldest first. */
export async function auditOf(gw: TestGateway, type: string): Promise<AuditEvent[]> {
  return (await gw.storage.audit.tail(200)).filter((e) => e.type === type);
}
