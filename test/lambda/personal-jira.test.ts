/**
 * Per-person Jira on Lambda. JIRA_AUTH=atlassian-oauth: a person links
 * their Atlassian account inside /authorize at the OAuth function (the
 * sandbox plays Atlassian on 127.0.0.1), which stores their tokens
 * envelope-encrypted under the KMS key; the MCP function calls Jira as that
 * person and, once the access token expires, refreshes and stores the
 * rotated tokens. Each function asks KMS and DynamoDB for no more than the
 * CDK app grants it in this mode, and neither holds a secret in its
 * environment: the Atlassian client secret is stored with
 * `atlassian set-client-secret`. JIRA_AUTH=personal-token: a person stores
 * their own API token at the OAuth function, the MCP function only reads it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsGrants } from '../../infra/kms-grants.js';
import { MCP_TABLE_ACTIONS, OAUTH_TABLE_ACTIONS } from '../../infra/table-actions.js';
import { createKmsCipher } from '../../src/crypto/kms-cipher.js';
import { AtlassianClientSecretStore } from '../../src/jira/person/atlassian-client-secret-store.js';
import { SANDBOX_API_TOKENS, SANDBOX_ATLASSIAN_APP } from '../../src/sandbox/index.js';
import { inputValue } from '../helpers/browser.js';
import {
  resultHeader,
  resultText,
  type HttpApiAgent,
  type SentRequest,
} from './helpers/http-api-event.js';
import { callsOutsideGrants } from './helpers/kms-grant-check.js';
import { KEY_ARN, PUBLIC_URL, startLambdaBed, USER, type LambdaBed } from './helpers/lambda-bed.js';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
const GRANTS = { jiraAuth: 'atlassian-oauth', oidcClientSecret: false } as const;

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

function pathOf(location: string): string {
  const url = new URL(location, PUBLIC_URL);
  return url.pathname + url.search;
}

/** Signs in at the sandbox's Atlassian form as `email` and accepts; answers where it sends the browser. */
async function atlassianConsent(authorizeUrl: string, email: string): Promise<string> {
  const form = await fetch(authorizeUrl);
  expect(form.status).toBe(200);
  const html = await form.text();
  const body = new URLSearchParams();
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    body.append(name ?? '', (value ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
  }
  body.append('email', email);
  body.append('password', 'sandbox');
  body.append('decision', 'accept');
  const answer = await fetch(new URL('/authorize', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  expect(answer.status).toBe(302);
  return answer.headers.get('location') ?? '';
}

describe('Lambda handlers: per-person Jira with atlassian-oauth (OAuth 2.0 3LO)', () => {
  let bed: LambdaBed;
  let agent: HttpApiAgent;
  let clientId: string;
  let accessToken: string;

  beforeAll(async () => {
    bed = await startLambdaBed(({ jiraUrl }) => ({
      JIRA_AUTH: 'atlassian-oauth',
      JIRA_BASE_URL: jiraUrl,
      ATLASSIAN_CLIENT_ID: SANDBOX_ATLASSIAN_APP.clientId,
      ATLASSIAN_AUTH_URL: jiraUrl,
      ATLASSIAN_API_URL: jiraUrl,
      // The gateway's own access token outlives Atlassian's hour, so the refresh below is Atlassian's.
      ACCESS_TOKEN_TTL: String(3 * 3600),
    }));
    bed.sandbox.atlassian.registerRedirectUri(`${PUBLIC_URL}/jira/oauth/callback`);
    // What the administrator does once (docs/deploy-aws.md): the secret never enters an environment.
    await new AtlassianClientSecretStore(
      bed.storage.secrets,
      createKmsCipher({ keyId: KEY_ARN, client: bed.kms }),
      bed.clock,
    ).set(SANDBOX_ATLASSIAN_APP.clientSecret);
    agent = bed.agent();
  });
  afterAll(async () => {
    await bed.close();
  });

  /** Follows the gateway's redirects on PUBLIC_URL until a page answers or another origin is named. */
  async function follow(first: SentRequest): Promise<SentRequest> {
    let sent = first;
    const redirects = new Set([302, 303]);
    for (let hops = 0; hops < 5 && redirects.has(sent.result.statusCode ?? 0); hops++) {
      const location = resultHeader(sent.result, 'location') ?? '';
      if (new URL(location, PUBLIC_URL).origin !== PUBLIC_URL) return sent;
      sent = await agent.send({ method: 'GET', url: pathOf(location) });
    }
    return sent;
  }

  it('links the person’s Atlassian account inside /authorize at the OAuth function, storing the tokens only encrypted', async () => {
    const registered = await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    clientId = String(json(resultText(registered.result)).client_id);
    const verifier = randomBytes(32).toString('base64url');
    const authorize = `/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: 'client-state',
      resource: `${PUBLIC_URL}/mcp`,
    }).toString()}`;
    const loginPage = await agent.send({ method: 'GET', url: authorize });
    const loginHtml = resultText(loginPage.result);
    const login = await agent.postForm('/authorize/login', {
      username: USER.username,
      password: USER.password,
      csrf_token: inputValue(loginHtml, 'csrf_token'),
      request: inputValue(loginHtml, 'request'),
    });
    // Signed in, not linked: the gateway sends the person to Atlassian before consent.
    // The link page offers a link, not a redirect (a redirect chain after the
    // sign-in form would be blocked by its form-action 'self').
    const linkPage = await follow(login);
    expect(linkPage.target).toBe('oauth');
    expect(linkPage.result.statusCode).toBe(200);
    const continueHref = /id="continue" href="([^"]+)"/.exec(resultText(linkPage.result))?.[1];
    const atlassianUrl = new URL((continueHref ?? '').replaceAll('&amp;', '&'));
    expect(atlassianUrl.origin + atlassianUrl.pathname).toBe(`${bed.jiraUrl}/authorize`);
    expect(atlassianUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/jira/oauth/callback`);

    const callback = new URL(await atlassianConsent(atlassianUrl.href, 'alice@example.com'));
    expect(callback.origin + callback.pathname).toBe(`${PUBLIC_URL}/jira/oauth/callback`);
    const kmsBefore = bed.kmsCalls.oauth.length;
    const back = await agent.send({ method: 'GET', url: callback.pathname + callback.search });
    expect(back.target).toBe('oauth');
    expect(back.result.statusCode).toBe(303);
    // The callback exchanged the code with the stored client secret and sealed the tokens.
    expect(
      bed.kmsCalls.oauth.slice(kmsBefore).map((c) => `${c.op} ${c.context?.purpose ?? ''}`),
    ).toEqual(['Decrypt atlassian-client-secret', 'GenerateDataKey jira-link']);

    const consentPage = await follow(back);
    expect(consentPage.result.statusCode).toBe(200);
    const consentHtml = resultText(consentPage.result);
    expect(consentHtml).toContain('Alice Admin');
    const consent = await agent.postForm('/authorize/consent', {
      csrf_token: inputValue(consentHtml, 'csrf_token'),
      request: inputValue(consentHtml, 'request'),
      scope: ['jira:read'],
      decision: 'approve',
    });
    const code = new URL(resultHeader(consent.result, 'location') ?? '').searchParams.get('code');
    const token = await agent.send({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: code ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    expect(token.result.statusCode).toBe(200);
    accessToken = String(json(resultText(token.result)).access_token);

    const user = await bed.storage.users.getByUsername(USER.username);
    const link = await bed.storage.jiraLinks.get(user?.id ?? '');
    expect(link).toMatchObject({
      kind: 'atlassian-oauth',
      status: 'active',
      displayName: 'Alice Admin',
    });
    expect(Buffer.from(link?.ciphertext ?? new Uint8Array()).toString('latin1')).not.toMatch(
      /access|refresh/i,
    );
  });

  async function whoami(id: number): Promise<{ isError?: boolean; content: { text: string }[] }> {
    const call = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'jira_whoami', arguments: {} },
      }),
    });
    expect(call.target).toBe('mcp');
    expect(call.result.statusCode).toBe(200);
    return json(resultText(call.result)).result as {
      isError?: boolean;
      content: { text: string }[];
    };
  }

  it('calls Jira as that person from the MCP function', async () => {
    const result = await whoami(1);
    expect(result.isError ?? false).toBe(false);
    expect(result.content[0]?.text).toContain('Jira account: **Alice Admin**');
    expect(bed.kmsCalls.mcp.map((c) => `${c.op} ${c.context?.purpose ?? ''}`)).toEqual([
      'Decrypt jira-link',
    ]);
  });

  it('refreshes the expired Atlassian token at the MCP function and stores the rotated tokens', async () => {
    const refreshesBefore = bed.sandbox.atlassian.counters.refreshes;
    const kmsBefore = bed.kmsCalls.mcp.length;
    bed.clock.advance(61 * 60 * 1000);
    const result = await whoami(2);
    expect(result.isError ?? false).toBe(false);
    expect(result.content[0]?.text).toContain('Jira account: **Alice Admin**');
    expect(bed.sandbox.atlassian.counters.refreshes).toBe(refreshesBefore + 1);
    const ops = bed.kmsCalls.mcp.slice(kmsBefore).map((c) => `${c.op} ${c.context?.purpose ?? ''}`);
    expect(ops).toContain('Decrypt atlassian-client-secret');
    expect(ops).toContain('GenerateDataKey jira-link');
    // The next call uses the stored, refreshed token: no second refresh.
    expect((await whoami(3)).isError ?? false).toBe(false);
    expect(bed.sandbox.atlassian.counters.refreshes).toBe(refreshesBefore + 1);
  });

  it('asks KMS and DynamoDB only for what the CDK app grants each function in this mode', () => {
    for (const fn of ['oauth', 'mcp'] as const) {
      expect(bed.kmsCalls[fn].length).toBeGreaterThan(0);
      expect(callsOutsideGrants(bed.kmsCalls[fn], kmsGrants(fn, GRANTS))).toEqual([]);
    }
    expect([...bed.actions.oauth].filter((a) => !OAUTH_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect([...bed.actions.mcp].filter((a) => !MCP_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect(bed.actions.mcp.has('dynamodb:UpdateItem')).toBe(true);
  });

  it('holds no secret in either function’s environment, and never logs a token', () => {
    expect(
      Object.keys(bed.env).filter((name) => /SECRET|TOKEN(?!_TTL)|PASSWORD/.test(name)),
    ).toEqual([]);
    const logged = JSON.stringify(bed.logs);
    expect(logged).not.toContain(SANDBOX_ATLASSIAN_APP.clientSecret);
    expect(logged).not.toContain(accessToken);
  });
});

describe('Lambda handlers: per-person Jira with personal-token', () => {
  let bed: LambdaBed;
  let agent: HttpApiAgent;
  let accessToken: string;

  beforeAll(async () => {
    bed = await startLambdaBed(({ jiraUrl }) => ({
      JIRA_AUTH: 'personal-token',
      JIRA_BASE_URL: jiraUrl,
    }));
    agent = bed.agent();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('has the person store their API token inside /authorize at the OAuth function, then acts as them at the MCP function', async () => {
    const registered = await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    const clientId = String(json(resultText(registered.result)).client_id);
    const verifier = randomBytes(32).toString('base64url');
    const loginPage = await agent.send({
      method: 'GET',
      url: `/authorize?${new URLSearchParams({
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 's',
        resource: `${PUBLIC_URL}/mcp`,
      }).toString()}`,
    });
    const loginHtml = resultText(loginPage.result);
    let sent = await agent.postForm('/authorize/login', {
      username: USER.username,
      password: USER.password,
      csrf_token: inputValue(loginHtml, 'csrf_token'),
      request: inputValue(loginHtml, 'request'),
    });
    for (let hops = 0; hops < 5 && [302, 303].includes(sent.result.statusCode ?? 0); hops++) {
      sent = await agent.send({
        method: 'GET',
        url: pathOf(resultHeader(sent.result, 'location') ?? ''),
      });
    }
    // The token form of /jira/link.
    expect(sent.event.rawPath).toBe('/jira/link');
    const formHtml = resultText(sent.result);
    let stored = await agent.postForm('/jira/token', {
      csrf_token: inputValue(formHtml, 'csrf_token'),
      return_to: inputValue(formHtml, 'return_to'),
      email: 'bob@example.com',
      api_token: SANDBOX_API_TOKENS.bob,
    });
    expect(stored.target).toBe('oauth');
    for (let hops = 0; hops < 5 && [302, 303].includes(stored.result.statusCode ?? 0); hops++) {
      stored = await agent.send({
        method: 'GET',
        url: pathOf(resultHeader(stored.result, 'location') ?? ''),
      });
    }
    const consentHtml = resultText(stored.result);
    expect(consentHtml).toContain('Bob Builder');
    const consent = await agent.postForm('/authorize/consent', {
      csrf_token: inputValue(consentHtml, 'csrf_token'),
      request: inputValue(consentHtml, 'request'),
      scope: ['jira:read'],
      decision: 'approve',
    });
    const code = new URL(resultHeader(consent.result, 'location') ?? '').searchParams.get('code');
    const token = await agent.send({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: code ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    accessToken = String(json(resultText(token.result)).access_token);
    const call = await agent.send({
      method: 'POST',
      url: '/mcp',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'jira_whoami', arguments: {} },
      }),
    });
    const result = json(resultText(call.result)).result as { content: { text: string }[] };
    expect(result.content[0]?.text).toContain('Jira account: **Bob Builder**');
  });

  it('asks KMS and DynamoDB only for what the CDK app grants each function: the MCP function only decrypts', () => {
    const grants = { jiraAuth: 'personal-token', oidcClientSecret: false } as const;
    expect(bed.kmsCalls.oauth.map((c) => c.op)).toContain('GenerateDataKey');
    expect(bed.kmsCalls.mcp.map((c) => `${c.op} ${c.context?.purpose ?? ''}`)).toEqual([
      'Decrypt jira-link',
    ]);
    for (const fn of ['oauth', 'mcp'] as const) {
      expect(callsOutsideGrants(bed.kmsCalls[fn], kmsGrants(fn, grants))).toEqual([]);
    }
    expect([...bed.actions.oauth].filter((a) => !OAUTH_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect([...bed.actions.mcp].filter((a) => !MCP_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect(JSON.stringify(bed.logs)).not.toContain(SANDBOX_API_TOKENS.bob);
  });
});
