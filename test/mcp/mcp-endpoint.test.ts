import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntrospectionTokenVerifier } from '../../src/mcp/introspection-token-verifier.js';
import { MAX_MCP_BODY_BYTES } from '../../src/mcp/mcp-endpoint.js';
import {
  RESOURCE_METADATA,
  TEST_PUBLIC_URL,
  startMcpTestBed,
  type McpTestBed,
} from './helpers/test-bed.js';

const DISCOVERY_CHALLENGE = `Bearer resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`;
const INVALID_TOKEN_CHALLENGE = `Bearer error="invalid_token", error_description="The access token is not valid for this resource", resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`;

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

describe('/mcp authorization (RFC 6750 §3, RFC 9728 §5.1, MCP 2025-11-25 authorization)', () => {
  let bed: McpTestBed;

  function post(
    body: unknown,
    headers: Record<string, string> = {},
    url = bed.mcpUrl.href,
  ): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    bed = await startMcpTestBed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('answers any request without a token with 401 and the discovery challenge', async () => {
    for (const method of ['POST', 'GET', 'HEAD', 'DELETE']) {
      const res = await fetch(bed.mcpUrl, {
        method,
        headers: JSON_HEADERS,
        ...(method === 'POST' ? { body: JSON.stringify(INITIALIZE) } : {}),
      });
      expect(res.status, method).toBe(401);
      expect(res.headers.get('www-authenticate'), method).toBe(DISCOVERY_CHALLENGE);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const body = (await (await post(INITIALIZE)).json()) as {
      error: { code: number; message: string };
    };
    expect(body.error.code).toBe(-32000);
  });

  it('answers expired, revoked and foreign-audience tokens with 401 invalid_token', async () => {
    const expired = await bed.mint(['jira:read'], { ttlMs: 1_000 });
    const revoked = await bed.mint(['jira:read']);
    const foreign = await bed.mint(['jira:read', 'jira:write'], {
      resource: 'https://other.test/mcp',
    });
    await bed.storage.tokens.revoke(revoked.tokenHash, bed.clock.now());
    bed.clock.advance(1_000);
    for (const token of [expired.token, revoked.token, foreign.token, 'made-up-token']) {
      const res = await post(INITIALIZE, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(INVALID_TOKEN_CHALLENGE);
    }
  });

  it('ignores tokens anywhere but the Authorization header', async () => {
    const { token } = await bed.mint(['jira:read']);
    const inQuery = await post(INITIALIZE, {}, `${bed.mcpUrl.href}?access_token=${token}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.headers.get('www-authenticate')).toBe(DISCOVERY_CHALLENGE);
    const inBody = await post({ ...INITIALIZE, access_token: token });
    expect(inBody.status).toBe(401);
    const form = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${token}`,
    });
    expect(form.status).toBe(401);
    const basic = await post(INITIALIZE, {
      authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
    });
    expect(basic.status).toBe(401);
  });

  it('answers a call to a tool the token lacks the scope for with 403 insufficient_scope (step-up)', async () => {
    const { token } = await bed.mint(['jira:read']);
    const before = bed.sandbox.requests.length;
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'jira_add_comment', arguments: { issueKey: 'DEMO-1', body: 'x' } },
      },
      { authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-11-25' },
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="jira_add_comment needs the jira:write scope", resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`,
    );
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: {
        code: -32000,
        message:
          'Forbidden: jira_add_comment needs the jira:write scope; authorize again with scope "jira:read jira:write".',
      },
    });
    expect(bed.sandbox.requests.length).toBe(before);
    expect((await bed.toolEvents()).at(-1)).toMatchObject({
      outcome: 'failure',
      detail: { tool: 'jira_add_comment', issueKey: 'DEMO-1', error: 'insufficient_scope' },
    });
  });

  it('lets the SDK client see that 403 when it calls a hidden write tool anyway', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    const error: unknown = await client
      .callTool({
        name: 'jira_create_issue',
        arguments: { projectKey: 'DEMO', issueType: 'Task', summary: 'x' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 403 });
    expect(String(error)).toContain('Forbidden: jira_create_issue needs the jira:write scope');
  });
});

describe('/mcp Streamable HTTP transport gates (MCP 2025-11-25 transports)', () => {
  let bed: McpTestBed;
  let auth: Record<string, string>;

  beforeAll(async () => {
    bed = await startMcpTestBed({ env: { ALLOWED_ORIGINS: 'https://inspector.example' } });
    auth = { authorization: `Bearer ${(await bed.mint(['jira:read'])).token}` };
  });
  afterAll(async () => {
    await bed.close();
  });

  it('initializes without a session id and answers JSON', async () => {
    const res = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify(INITIALIZE),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const body = (await res.json()) as {
      result: { protocolVersion: string; serverInfo: { name: string } };
    };
    expect(body.result.protocolVersion).toBe('2025-06-18');
    expect(body.result.serverInfo.name).toBe('jira-mcp-gateway');
  });

  it('answers GET and DELETE with 405 Allow: POST', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(bed.mcpUrl, {
        method,
        headers: { ...auth, accept: 'text/event-stream' },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow'), method).toBe('POST');
    }
  });

  it('refuses an unsupported MCP-Protocol-Version with 400 and a JSON-RPC error', async () => {
    const res = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth, 'mcp-protocol-version': '1999-01-01' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32000,
        message:
          'Bad Request: Unsupported protocol version: 1999-01-01 (supported versions: 2025-11-25, 2025-06-18, 2025-03-26)',
      },
    });
    for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      const ok = await fetch(bed.mcpUrl, {
        method: 'POST',
        headers: { ...JSON_HEADERS, ...auth, 'mcp-protocol-version': version },
        body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }),
      });
      expect(ok.status, version).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403 before looking at the token', async () => {
    const res = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth, origin: 'https://evil.example' },
      body: JSON.stringify(INITIALIZE),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Forbidden: requests from this Origin are not allowed.',
    );
    const noToken = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: 'null' },
      body: '{}',
    });
    expect(noToken.status).toBe(403);
  });

  it('serves allowed browser origins with CORS, exposing the challenge header', async () => {
    const preflight = await fetch(bed.mcpUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://inspector.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://inspector.example');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id',
    );
    expect(preflight.headers.get('access-control-allow-methods')).toBe(
      'GET, POST, DELETE, OPTIONS',
    );
    const unauthorized = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: TEST_PUBLIC_URL },
      body: JSON.stringify(INITIALIZE),
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(TEST_PUBLIC_URL);
    expect(unauthorized.headers.get('access-control-expose-headers')).toBe(
      'WWW-Authenticate, mcp-session-id, mcp-protocol-version',
    );
    expect(unauthorized.headers.get('vary')).toBe('Origin');
  });

  it('refuses a body over 1 MiB with 413, and non-JSON with 415 / 400', async () => {
    const big = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify({ ...INITIALIZE, padding: 'x'.repeat(MAX_MCP_BODY_BYTES) }),
    });
    expect(big.status).toBe(413);
    const text = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    const broken = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth },
      body: '{"jsonrpc":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });
});

describe('RFC 9728 metadata routes', () => {
  let bed: McpTestBed;

  beforeAll(async () => {
    bed = await startMcpTestBed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it('serves the same document at the path-suffixed and the root well-known URL, CORS open', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const res = await fetch(`${bed.url}${path}`, {
        headers: { origin: 'https://anywhere.example' },
      });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual({
        resource: `${TEST_PUBLIC_URL}/mcp`,
        authorization_servers: [TEST_PUBLIC_URL],
        scopes_supported: ['jira:read', 'jira:write'],
        bearer_methods_supported: ['header'],
        resource_name: 'Jira (via jira-mcp-gateway)',
      });
      const preflight = await fetch(`${bed.url}${path}`, { method: 'OPTIONS' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    }
  });
});

describe('/mcp when the introspection endpoint is down', () => {
  it('answers 503 with Retry-After, not 401, so clients keep their token', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      dead.close(() => {
        resolve();
      }),
    );
    const bed = await startMcpTestBed({
      verifier: (config) =>
        createIntrospectionTokenVerifier({
          issuer: `http://127.0.0.1:${port}`,
          clientId: 'rs',
          clientSecret: 'secret',
          resource: config.resource,
          clock: { now: () => Date.now() },
        }),
    });
    try {
      const res = await fetch(bed.mcpUrl, {
        method: 'POST',
        headers: { ...JSON_HEADERS, authorization: 'Bearer some-token' },
        body: JSON.stringify(INITIALIZE),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('www-authenticate')).toBeNull();
    } finally {
      await bed.close();
    }
  });
});
