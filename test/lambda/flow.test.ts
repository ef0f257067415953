/**
 * The whole dance through the two Lambda handlers, with HTTP API payload 2.0
 * events routed as the deployed API routes them: register, authorize, login
 * and consent (cookies in the events' `cookies` array and the results'
 * `cookies` array), token, then MCP initialize, tools/list and tools/call
 * against the Jira sandbox with the credential decrypted through KMS.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsGrants } from '../../infra/kms-grants.js';
import { MCP_TABLE_ACTIONS, OAUTH_TABLE_ACTIONS } from '../../infra/table-actions.js';
import { inputValue } from '../helpers/browser.js';
import { resultHeader, resultText, type HttpApiAgent } from './helpers/http-api-event.js';
import { callsOutsideGrants } from './helpers/kms-grant-check.js';
import { PUBLIC_URL, startLambdaBed, USER, type LambdaBed } from './helpers/lambda-bed.js';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  scope: string;
}

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('Lambda handlers: OAuth 2.1 authorization code flow and MCP over API Gateway payload 2.0', () => {
  let bed: LambdaBed;
  let agent: HttpApiAgent;
  let clientId: string;
  let tokens: Tokens;

  beforeAll(async () => {
    bed = await startLambdaBed();
    agent = bed.agent();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('serves authorization server metadata from the OAuth function with the configured issuer', async () => {
    const { target, result } = await agent.send({
      method: 'GET',
      url: '/.well-known/oauth-authorization-server',
    });
    expect(target).toBe('oauth');
    expect(result.statusCode).toBe(200);
    const metadata = json(resultText(result));
    expect(metadata.issuer).toBe(PUBLIC_URL);
    expect(metadata.token_endpoint).toBe(`${PUBLIC_URL}/token`);
  });

  it('serves protected resource metadata from the MCP function (RFC 9728 §3)', async () => {
    const { target, result } = await agent.send({
      method: 'GET',
      url: '/.well-known/oauth-protected-resource/mcp',
    });
    expect(target).toBe('mcp');
    expect(result.statusCode).toBe(200);
    expect(json(resultText(result))).toMatchObject({
      resource: `${PUBLIC_URL}/mcp`,
      authorization_servers: [PUBLIC_URL],
    });
  });

  it('registers a public client (RFC 7591 §3)', async () => {
    const { result } = await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        client_name: 'Lambda flow client',
      }),
    });
    expect(result.statusCode).toBe(201);
    expect(resultHeader(result, 'cache-control')).toBe('no-store');
    clientId = String(json(resultText(result)).client_id);
    expect(clientId).not.toBe('');
  });

  it('signs in and consents with cookies carried in the payload 2.0 cookies arrays, then redeems the code', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'lambda-state',
      resource: `${PUBLIC_URL}/mcp`,
    });
    const loginPage = await agent.send({ method: 'GET', url: `/authorize?${query.toString()}` });
    expect(loginPage.result.statusCode).toBe(200);
    const loginHtml = resultText(loginPage.result);

    const login = await agent.postForm('/authorize/login', {
      username: USER.username,
      password: USER.password,
      csrf_token: inputValue(loginHtml, 'csrf_token'),
      request: inputValue(loginHtml, 'request'),
    });
    expect(login.event.isBase64Encoded).toBe(true);
    expect(login.event.cookies?.some((c) => c.startsWith('__Host-jmg_csrf='))).toBe(true);
    expect(login.event.headers.cookie).toBeUndefined();
    expect(login.result.statusCode).toBe(303);
    // Payload 2.0: each Set-Cookie is an entry of `cookies`, none is a header.
    expect(login.result.cookies?.some((c) => c.startsWith('__Host-jmg_session='))).toBe(true);
    expect(resultHeader(login.result, 'set-cookie')).toBeUndefined();
    expect(agent.cookieNames()).toContain('__Host-jmg_session');

    const consentPage = await agent.send({
      method: 'GET',
      url:
        new URL(resultHeader(login.result, 'location') ?? '', PUBLIC_URL).pathname +
        new URL(resultHeader(login.result, 'location') ?? '', PUBLIC_URL).search,
    });
    expect(consentPage.event.cookies?.some((c) => c.startsWith('__Host-jmg_session='))).toBe(true);
    expect(consentPage.result.statusCode).toBe(200);
    const consentHtml = resultText(consentPage.result);
    const consent = await agent.postForm('/authorize/consent', {
      csrf_token: inputValue(consentHtml, 'csrf_token'),
      request: inputValue(consentHtml, 'request'),
      scope: ['jira:read'],
      decision: 'approve',
    });
    expect(consent.result.statusCode).toBe(303);
    const redirect = new URL(resultHeader(consent.result, 'location') ?? '');
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('lambda-state');
    expect(redirect.searchParams.get('iss')).toBe(PUBLIC_URL);
    const code = redirect.searchParams.get('code') ?? '';

    const token = await agent.send({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }).toString(),
      base64: true,
    });
    expect(token.result.statusCode).toBe(200);
    expect(resultHeader(token.result, 'cache-control')).toBe('no-store');
    tokens = json(resultText(token.result)) as unknown as Tokens;
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe('jira:read');
  });

  it('initializes MCP, lists tools and calls one through the MCP function, calling Jira with the KMS-decrypted credential', async () => {
    const auth = { ...MCP_HEADERS, authorization: `Bearer ${tokens.access_token}` };
    const init = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: auth,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'lambda-test', version: '1' },
        },
      }),
    });
    expect(init.target).toBe('mcp');
    expect(init.result.statusCode).toBe(200);
    expect(json(resultText(init.result))).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-11-25', serverInfo: { name: expect.any(String) as string } },
    });

    const list = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: auth,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
    });
    expect(list.result.statusCode).toBe(200);
    const tools = (json(resultText(list.result)).result as { tools: { name: string }[] }).tools;
    expect(tools.map((t) => t.name)).toContain('jira_whoami');
    expect(tools.map((t) => t.name)).toContain('jira_search_issues');

    const decryptsBefore = bed.kms.calls.filter((c) => c.op === 'Decrypt').length;
    const call = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: auth,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'jira_whoami', arguments: {} },
      }),
    });
    expect(call.result.statusCode).toBe(200);
    const result = json(resultText(call.result)).result as {
      isError?: boolean;
      content: { type: string; text: string }[];
    };
    expect(result.isError ?? false).toBe(false);
    expect(result.content[0]?.text).toContain('Jira account: **Alice Admin**');
    // The credential came from DynamoDB through KMS, bound to its context.
    const decrypts = bed.kms.calls.filter((c) => c.op === 'Decrypt');
    expect(decrypts.length).toBe(decryptsBefore + 1);
    expect(decrypts.at(-1)?.context).toMatchObject({ purpose: 'jira-credentials' });
  });

  it('rotates the refresh token (draft-ietf-oauth-v2-1-13 §4.3.1) and the new access token works at /mcp', async () => {
    const refreshed = await agent.send({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: tokens.refresh_token,
      }).toString(),
    });
    expect(refreshed.result.statusCode).toBe(200);
    const next = json(resultText(refreshed.result)) as unknown as Tokens;
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    tokens = next;
    const list = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} }),
    });
    expect(list.result.statusCode).toBe(200);
  });

  it('revokes the access token at the OAuth function (RFC 7009 §2.1), after which the MCP function answers 401 invalid_token', async () => {
    const revoked = await agent.send({
      method: 'POST',
      url: '/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, token: tokens.access_token }).toString(),
    });
    expect(revoked.result.statusCode).toBe(200);
    const refused = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: {} }),
    });
    expect(refused.result.statusCode).toBe(401);
    expect(resultHeader(refused.result, 'www-authenticate')).toContain('error="invalid_token"');
  });

  it('records the flow in the audit trail, with the API Gateway source IP as the client address', async () => {
    const events = await bed.storage.audit.tail(50);
    const login = events.find((e) => e.type === 'login.succeeded');
    expect(login).toMatchObject({
      outcome: 'success',
      username: USER.username,
      ip: '198.51.100.23',
    });
    expect(events.find((e) => e.type === 'token.issued')).toMatchObject({
      outcome: 'success',
      clientId,
      ip: '198.51.100.23',
    });
    expect(events.filter((e) => e.type === 'tool.called').at(-1)).toMatchObject({
      outcome: 'success',
      clientId,
      detail: { tool: 'jira_whoami' },
    });
  });

  it('sends each function only the DynamoDB actions its IAM policy in the CDK app allows', () => {
    expect(bed.actions.oauth.size).toBeGreaterThan(0);
    expect(bed.actions.mcp.size).toBeGreaterThan(0);
    expect([...bed.actions.oauth].filter((a) => !OAUTH_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect([...bed.actions.mcp].filter((a) => !MCP_TABLE_ACTIONS.includes(a))).toEqual([]);
  });

  it('asks KMS only for what the CDK app grants each function in service mode', () => {
    const grants = { jiraAuth: 'service', oidcClientSecret: false } as const;
    expect(bed.kmsCalls.mcp.length).toBeGreaterThan(0);
    expect(bed.kmsCalls.oauth).toEqual([]);
    expect(callsOutsideGrants(bed.kmsCalls.mcp, kmsGrants('mcp', grants))).toEqual([]);
  });
});
