/**
 * Disconnect on /account with split roles: the MCP role checks tokens by
 * RFC 7662 introspection at the OAuth role and caches positive answers for
 * INTROSPECTION_CACHE_SECONDS. A disconnected token must stop there within
 * that bound (exactly at it, with the MCP role's clock injected), and at
 * once when no answer was cached. The introspection endpoint also records
 * "last used" for the OAuth role's /account page.
 */
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { registerMcpRoutes } from '../../src/http/mcp-routes.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { createIntrospectionTokenVerifier } from '../../src/mcp/introspection-token-verifier.js';
import type { TestGateway } from '../helpers/gateway.js';
import { TEST_ISSUER } from '../helpers/gateway.js';
import {
  accountGateway,
  accountPage,
  connectApp,
  mcpInitialize,
  signedInAtAccount,
} from './account-helpers.js';

const CACHE_TTL_MS = 15_000;

let gw: TestGateway;
let mcpClock: ManualClock;
let mcpRole: typeof fetch;

beforeEach(async () => {
  gw = await accountGateway();
  const secret = randomToken();
  const clientId = randomId('rs');
  await gw.storage.clients.create({
    clientId,
    kind: 'resource_server',
    secretHash: hashSecret(secret),
    clientName: 'mcp-role',
    redirectUris: [],
    grantTypes: [],
    responseTypes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    source: 'cli',
    createdAt: gw.clock.now(),
  });
  mcpClock = new ManualClock(gw.clock.now());
  const app = new Hono();
  registerMcpRoutes(app, {
    config: gw.config,
    verifier: createIntrospectionTokenVerifier({
      issuer: TEST_ISSUER,
      clientId,
      clientSecret: secret,
      resource: gw.config.resource,
      clock: mcpClock,
      cacheTtlMs: CACHE_TTL_MS,
      // The OAuth role, answering in-process.
      fetch: gw.fetch,
    }),
    jira: new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: 'http://127.0.0.1:9',
        email: 'nobody@example.com',
        apiToken: 'unused',
      }),
    }),
    audit: gw.audit,
    clock: mcpClock,
    log: () => undefined,
  });
  mcpRole = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof Request ? input : String(input), init)) as typeof fetch;
});
afterEach(async () => {
  await gw.close();
});

async function disconnect(grantId: string): Promise<void> {
  const agent = await signedInAtAccount(gw);
  const { csrf } = await accountPage(agent);
  const response = await agent.post(`/account/grants/${grantId}/disconnect`, { csrf_token: csrf });
  expect(response.status).toBe(303);
}

describe('Disconnect with split roles (RFC 7662 §4: cached answers bound the delay)', () => {
  it('stops a cached token exactly when its cached answer expires, never later', async () => {
    const app = await connectApp(gw, 'Cached');
    expect((await mcpInitialize(mcpRole, app.accessToken)).status).toBe(200);
    await disconnect(app.grantId);
    // The answer cached just before the disconnect still vouches for it…
    mcpClock.advance(CACHE_TTL_MS - 1);
    expect((await mcpInitialize(mcpRole, app.accessToken)).status).toBe(200);
    // …until the bound, from which the MCP role asks again and is told no.
    mcpClock.advance(1);
    const refused = await mcpInitialize(mcpRole, app.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('stops a token at once when the MCP role had no answer cached', async () => {
    const app = await connectApp(gw, 'Uncached');
    await disconnect(app.grantId);
    expect((await mcpInitialize(mcpRole, app.accessToken)).status).toBe(401);
  });

  it('records "last used" through introspection, shown on the OAuth role’s /account', async () => {
    const app = await connectApp(gw, 'Split');
    const agent = await signedInAtAccount(gw);
    expect((await accountPage(agent)).html).toContain('<dt>Last used</dt><dd>Not yet</dd>');
    gw.clock.advance(7_000);
    expect((await mcpInitialize(mcpRole, app.accessToken)).status).toBe(200);
    const used = new Date(gw.clock.now()).toISOString();
    expect((await accountPage(agent)).html).toContain(
      `<dt>Last used</dt><dd><time datetime="${used}">`,
    );
  });
});
