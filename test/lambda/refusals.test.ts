/**
 * What the Lambda handlers refuse, and how: requests without a usable token
 * (401), without the scope or from a foreign origin (403), and environments
 * that would put a secret in a Lambda configuration or lose data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { createLambdaHandlers } from '../../src/entry/lambda.js';
import { loadLambdaConfig } from '../../src/entry/lambda-config.js';
import { createPrincipal, mintToken, type Principal } from '../mcp/helpers/tokens.js';
import { httpApiEvent, resultHeader, resultText } from './helpers/http-api-event.js';
import { KEY_ARN, PUBLIC_URL, startLambdaBed, type LambdaBed } from './helpers/lambda-bed.js';

const RESOURCE_METADATA = `${PUBLIC_URL}/.well-known/oauth-protected-resource/mcp`;
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

function mcpPost(body: unknown, headers: Record<string, string> = {}) {
  return httpApiEvent({
    method: 'POST',
    url: '/mcp',
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(body),
  });
}

const LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const SITE = 'https://acme.atlassian.net';

describe('MCP function: 401 and 403 (RFC 6750 §3.1, RFC 9728 §5.1)', () => {
  let bed: LambdaBed;
  let principal: Principal;

  beforeAll(async () => {
    bed = await startLambdaBed();
    principal = await createPrincipal(bed.storage, bed.clock, 'bob');
  });
  afterAll(async () => {
    await bed.close();
  });

  it('answers a request without a token with 401 and the discovery challenge naming PUBLIC_URL', async () => {
    const result = await bed.invoke('mcp', mcpPost(LIST));
    expect(result.statusCode).toBe(401);
    expect(resultHeader(result, 'www-authenticate')).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`,
    );
    expect(resultHeader(result, 'cache-control')).toBe('no-store');
  });

  it('answers an unknown token and an expired one with 401 invalid_token', async () => {
    const expired = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read'],
      resource: `${PUBLIC_URL}/mcp`,
      ttlMs: 1_000,
    });
    bed.clock.advance(1_000);
    for (const token of ['made-up-token', expired.token]) {
      const result = await bed.invoke('mcp', mcpPost(LIST, { authorization: `Bearer ${token}` }));
      expect(result.statusCode).toBe(401);
      expect(resultHeader(result, 'www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('answers a token issued for another resource with 401 invalid_token', async () => {
    const foreign = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read'],
      resource: 'https://other.example.test/mcp',
    });
    const result = await bed.invoke(
      'mcp',
      mcpPost(LIST, { authorization: `Bearer ${foreign.token}` }),
    );
    expect(result.statusCode).toBe(401);
  });

  it('answers a write tool call with a read-only token with 403 insufficient_scope', async () => {
    const { token } = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read'],
      resource: `${PUBLIC_URL}/mcp`,
    });
    const result = await bed.invoke(
      'mcp',
      mcpPost(
        {
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: 'jira_add_comment', arguments: { issueKey: 'DEMO-1', body: 'x' } },
        },
        { authorization: `Bearer ${token}` },
      ),
    );
    expect(result.statusCode).toBe(403);
    expect(resultHeader(result, 'www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="jira_add_comment needs the jira:write scope", resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`,
    );
  });

  it('answers a browser request from a foreign origin with 403 before looking at the token', async () => {
    const { token } = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read'],
      resource: `${PUBLIC_URL}/mcp`,
    });
    const result = await bed.invoke(
      'mcp',
      mcpPost(LIST, { authorization: `Bearer ${token}`, origin: 'https://evil.example' }),
    );
    expect(result.statusCode).toBe(403);
    expect(resultHeader(result, 'access-control-allow-origin')).toBeUndefined();
  });

  it('routes /mcp/{proxy+} to the MCP function, which answers 404 for paths below /mcp', async () => {
    const agent = bed.agent();
    const { target, result } = await agent.send({ method: 'GET', url: '/mcp/sessions/1' });
    expect(target).toBe('mcp');
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(resultText(result))).toEqual({
      error: 'not_found',
      error_description: 'no such endpoint',
    });
  });

  it('keeps the client address from requestContext.http.sourceIp, ignoring X-Forwarded-For', async () => {
    const agent = bed.agent();
    await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.99' },
      body: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:5000/cb'],
        token_endpoint_auth_method: 'none',
        client_name: 'ip check',
      }),
      sourceIp: '192.0.2.44',
    });
    const registered = (await bed.storage.audit.tail(20)).filter(
      (e) => e.type === 'client.registered',
    );
    expect(registered.at(-1)?.ip).toBe('192.0.2.44');
  });

  it('re-reads the Jira credential after five minutes, so a replaced credential reaches warm containers', async () => {
    const { token } = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read'],
      resource: `${PUBLIC_URL}/mcp`,
      ttlMs: 3_600_000,
    });
    const whoami = async (): Promise<{ isError?: boolean; content: { text: string }[] }> => {
      const result = await bed.invoke(
        'mcp',
        mcpPost(
          {
            jsonrpc: '2.0',
            id: 2,
            method: 'tools/call',
            params: { name: 'jira_whoami', arguments: {} },
          },
          { authorization: `Bearer ${token}` },
        ),
      );
      expect(result.statusCode).toBe(200);
      return (
        JSON.parse(resultText(result)) as {
          result: { isError?: boolean; content: { text: string }[] };
        }
      ).result;
    };
    const decrypts = (): number => bed.kms.calls.filter((c) => c.op === 'Decrypt').length;

    expect((await whoami()).isError ?? false).toBe(false);
    const afterFirst = decrypts();
    // An administrator replaces the credential with one Jira refuses.
    await bed.credentials.set({
      baseUrl: bed.jiraUrl,
      email: 'alice@example.com',
      apiToken: 'revoked-token',
    });
    bed.clock.advance(4 * 60 * 1000);
    expect((await whoami()).isError ?? false).toBe(false);
    expect(decrypts()).toBe(afterFirst);

    bed.clock.advance(60 * 1000);
    const stale = await whoami();
    expect(stale.isError).toBe(true);
    expect(decrypts()).toBe(afterFirst + 1);
  });
});

describe('Lambda configuration: no secret in the environment, DynamoDB only', () => {
  const BASE = {
    STORAGE: 'dynamodb',
    DYNAMODB_TABLE: 'gateway',
    PUBLIC_URL,
    KMS_KEY_ID: KEY_ARN,
    LOG_LEVEL: 'silent',
  };
  const event = httpApiEvent({ method: 'GET', url: '/healthz' });

  it.each([
    'JIRA_API_TOKEN',
    'MASTER_KEY',
    'INTROSPECTION_CLIENT_SECRET',
    'OIDC_CLIENT_SECRET',
    'ATLASSIAN_CLIENT_SECRET',
  ])('refuses %s in the environment, naming it but never its value', async (name) => {
    const value = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhay0xMjM0NTY=';
    const { oauth, mcp } = createLambdaHandlers({ ...BASE, [name]: value });
    for (const handler of [oauth, mcp]) {
      const error = await handler(event).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`${name}: must not be set on Lambda`);
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('refuses TRUST_PROXY, since the client address is API Gateway’s sourceIp', async () => {
    const { oauth, mcp } = createLambdaHandlers({ ...BASE, TRUST_PROXY: 'true' });
    for (const handler of [oauth, mcp]) {
      await expect(handler(event)).rejects.toThrow('TRUST_PROXY: must be false on Lambda');
    }
    const { oauth: allowed } = createLambdaHandlers({ ...BASE, TRUST_PROXY: 'false' });
    expect((await allowed(event)).statusCode).toBe(200);
  });

  it('refuses STORAGE=sqlite, since a function has no lasting disk', async () => {
    const { oauth } = createLambdaHandlers({ ...BASE, STORAGE: 'sqlite', DYNAMODB_TABLE: '' });
    await expect(oauth(event)).rejects.toThrow('STORAGE: must be dynamodb on Lambda');
  });

  it('refuses an MCP function without KMS_KEY_ID but builds the OAuth function without one', async () => {
    const { oauth, mcp } = createLambdaHandlers({ ...BASE, KMS_KEY_ID: '' });
    await expect(mcp(event)).rejects.toThrow('KMS_KEY_ID: required by the MCP function');
    const health = await oauth(event);
    expect(health.statusCode).toBe(200);
  });

  it('points each refused secret at where it is stored instead', () => {
    for (const [name, instead] of [
      ['OIDC_CLIENT_SECRET', 'store it encrypted with `oidc set-client-secret`'],
      ['ATLASSIAN_CLIENT_SECRET', 'store it encrypted with `atlassian set-client-secret`'],
      ['JIRA_API_TOKEN', 'store the Jira credential with `jira set-credentials`'],
    ] as const) {
      expect(() => loadLambdaConfig({ ...BASE, [name]: 'x' }, 'oauth')).toThrow(
        `${name}: must not be set on Lambda (${instead}; docs/deploy-aws.md)`,
      );
    }
  });

  it('refuses a per-person mode without what Lambda needs: no sandbox plays Atlassian or Jira, and tokens need the KMS key', () => {
    expect(() => loadLambdaConfig({ ...BASE, JIRA_AUTH: 'atlassian-oauth' }, 'oauth')).toThrow(
      'ATLASSIAN_CLIENT_ID: required with JIRA_AUTH=atlassian-oauth on Lambda (there is no built-in sandbox to play Atlassian)',
    );
    expect(() => loadLambdaConfig({ ...BASE, JIRA_AUTH: 'personal-token' }, 'mcp')).toThrow(
      'JIRA_BASE_URL: required with JIRA_AUTH=personal-token on Lambda (the site people store their tokens for)',
    );
    expect(() =>
      loadLambdaConfig(
        { ...BASE, KMS_KEY_ID: '', JIRA_AUTH: 'personal-token', JIRA_BASE_URL: SITE },
        'oauth',
      ),
    ).toThrow(
      "KMS_KEY_ID: required with JIRA_AUTH=personal-token (each person's Jira tokens are stored encrypted under it)",
    );
  });

  it('accepts JIRA_BASE_URL in the per-person modes (the site people link to), refuses it in service mode', () => {
    const personal = loadLambdaConfig(
      { ...BASE, JIRA_AUTH: 'personal-token', JIRA_BASE_URL: SITE },
      'oauth',
    );
    expect(personal.config.jira?.baseUrl).toBe(SITE);
    const threeLo = loadLambdaConfig(
      {
        ...BASE,
        JIRA_AUTH: 'atlassian-oauth',
        JIRA_BASE_URL: SITE,
        ATLASSIAN_CLIENT_ID: 'client-id',
      },
      'mcp',
    );
    expect(threeLo.config.atlassian?.clientId).toBe('client-id');
    expect(() => loadLambdaConfig({ ...BASE, JIRA_BASE_URL: SITE }, 'mcp')).toThrow(
      'JIRA_BASE_URL: must not be set on Lambda (the site is stored with `jira set-credentials`; docs/deploy-aws.md)',
    );
  });

  it('reads the environment on the first invocation only, then reuses the app', async () => {
    let reads = 0;
    const env = new Proxy<Record<string, string>>(
      { ...BASE },
      {
        get(target, key) {
          if (key === 'DYNAMODB_TABLE') reads += 1;
          return typeof key === 'string' ? target[key] : undefined;
        },
      },
    );
    const { oauth } = createLambdaHandlers(env);
    expect(reads).toBe(0);
    expect((await oauth(event)).statusCode).toBe(200);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    expect((await oauth(event)).statusCode).toBe(200);
    expect(reads).toBe(afterFirst);
  });
});
