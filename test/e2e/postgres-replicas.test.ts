import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { newPkce } from '../helpers/oauth-client.js';
import {
  sharedPostgresServer,
  stopSharedPostgresServer,
  type PostgresServer,
} from '../helpers/postgres-server.js';

const REDIRECT_URI = 'http://127.0.0.1:45999/cb';
const RACERS = 10;

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  error?: string;
}

function mcpCall(replica: GatewayProcess, token: string, body: object): Promise<Response> {
  return fetch(`${replica.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify(body),
  });
}

function tokenRequest(replica: GatewayProcess, form: Record<string, string>): Promise<Response> {
  return fetch(`${replica.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

/**
 * Replicas on PostgreSQL: two `serve` processes (role all, as behind a load
 * balancer) on one database, started at the same moment on an empty one
 * (so their migrations race too), one PUBLIC_URL and one MASTER_KEY. Each
 * checks tokens in-process against the shared database: nothing is cached
 * between them, so what one decides the other sees at its next request.
 */
describe('replicas on one PostgreSQL database (STORAGE=postgres)', () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let first: GatewayProcess;
  let second: GatewayProcess;
  let publicUrl: string;
  let adminPassword: string;

  beforeAll(async () => {
    server = await sharedPostgresServer();
    databaseUrl = await server.createDatabase();
    const firstPort = await freePort();
    publicUrl = `http://127.0.0.1:${firstPort}`;
    const shared = {
      STORAGE: 'postgres',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      PUBLIC_URL: publicUrl,
      MASTER_KEY: randomBytes(32).toString('base64'),
    };
    [first, second] = await Promise.all([
      startGatewayProcess({ ...shared, PORT: String(firstPort) }),
      startGatewayProcess(shared),
    ]);
    // Exactly one of them created the first admin (UNIQUE username decides).
    const passwords = [first.adminPassword, second.adminPassword].filter(
      (p): p is string => p !== undefined,
    );
    expect(passwords).toHaveLength(1);
    adminPassword = passwords[0] ?? '';
  });

  afterAll(async () => {
    // Either may be unset when beforeAll failed half-way.
    const started: (GatewayProcess | undefined)[] = [first, second];
    await Promise.all(started.map((replica) => replica?.stop() ?? Promise.resolve()));
    await stopSharedPostgresServer();
  });

  /** Registers a public client and runs the browser part of the dance on `replica`. */
  async function codeFrom(replica: GatewayProcess): Promise<{
    clientId: string;
    code: string;
    verifier: string;
  }> {
    const registered = (await (
      await fetch(`${replica.url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      })
    ).json()) as { client_id: string };
    const pkce = newPkce();
    const url = new URL(`${replica.url}/authorize`);
    url.search = new URLSearchParams({
      client_id: registered.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'st',
    }).toString();
    const callback = await signInAndConsent(new PageAgent(fetch, replica.url), url.toString(), {
      username: 'admin',
      password: adminPassword,
    });
    return {
      clientId: registered.client_id,
      code: callback.searchParams.get('code') ?? '',
      verifier: pkce.verifier,
    };
  }

  function redeem(
    replica: GatewayProcess,
    grant: { clientId: string; code: string; verifier: string },
  ): Promise<Response> {
    return tokenRequest(replica, {
      grant_type: 'authorization_code',
      client_id: grant.clientId,
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: REDIRECT_URI,
    });
  }

  async function toolsListStatus(replica: GatewayProcess, token: string): Promise<number> {
    return (await mcpCall(replica, token, { jsonrpc: '2.0', id: 9, method: 'tools/list' })).status;
  }

  it('runs the dance on one replica and tool calls on the other; a revocation on one ends the token on the other at once', async () => {
    expect(first.stdout()).toContain('PostgreSQL 127.0.0.1:');
    expect(first.stdout()).not.toContain('gateway_test@');
    const grant = await codeFrom(first);
    const redeemed = await redeem(first, grant);
    expect(redeemed.status).toBe(200);
    const tokens = (await redeemed.json()) as Required<
      Pick<TokenAnswer, 'access_token' | 'refresh_token'>
    >;

    const init = await mcpCall(second, tokens.access_token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'replica-test', version: '1' },
      },
    });
    expect(init.status).toBe(200);
    const call = await mcpCall(second, tokens.access_token, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'jira_whoami', arguments: {} },
    });
    expect(call.status).toBe(200);
    expect(JSON.stringify(await call.json())).toContain('alice@example.com');

    const revoked = await fetch(`${first.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: grant.clientId,
        token: tokens.refresh_token,
      }).toString(),
    });
    expect(revoked.status).toBe(200);
    // No cache between replicas: the very next request on the other one is refused.
    const refused = await mcpCall(second, tokens.access_token, {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/list',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await toolsListStatus(first, tokens.access_token)).toBe(401);
  });

  it(`redeems a code exactly once when ${RACERS} requests race across both replicas, and the replay revokes the winner's tokens`, async () => {
    const grant = await codeFrom(first);
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) => redeem(i % 2 === 0 ? first : second, grant)),
    );
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as TokenAnswer[];
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(RACERS - 1);
    expect(bodies.filter((b) => b.error === 'invalid_grant')).toHaveLength(RACERS - 1);
    const winner = bodies.find((b) => b.access_token !== undefined);
    expect(await toolsListStatus(first, winner?.access_token ?? '')).toBe(401);
    expect(await toolsListStatus(second, winner?.access_token ?? '')).toBe(401);
  });

  it(`answers ${RACERS} parallel refreshes across both replicas within the reuse interval, then lets exactly one of the siblings win the next exchange`, async () => {
    const grant = await codeFrom(first);
    const tokens = (await (await redeem(second, grant)).json()) as Required<
      Pick<TokenAnswer, 'access_token' | 'refresh_token'>
    >;
    const refreshAll = (
      presented: readonly string[],
    ): Promise<{ status: number; body: TokenAnswer }[]> =>
      Promise.all(
        presented.map(async (refreshToken, i) => {
          const answer = await tokenRequest(i % 2 === 0 ? second : first, {
            grant_type: 'refresh_token',
            client_id: grant.clientId,
            refresh_token: refreshToken,
          });
          return { status: answer.status, body: (await answer.json()) as TokenAnswer };
        }),
      );
    // REFRESH_REUSE_INTERVAL (default 60 s): a client refreshing from several
    // processes at once gets tokens every time, one rotation and siblings.
    const first10 = await refreshAll(Array<string>(RACERS).fill(tokens.refresh_token));
    expect(first10.map((a) => a.status)).toStrictEqual(Array<number>(RACERS).fill(200));
    const siblings = first10.map((a) => a.body.refresh_token ?? '');
    expect(new Set(siblings).size).toBe(RACERS);
    for (const { body } of first10) {
      expect(await toolsListStatus(first, body.access_token ?? '')).toBe(200);
    }
    // Each sibling exchanged once, all at once: the first one wins; the others
    // are superseded, which is reuse, and reuse ends the grant on both replicas.
    const next = await refreshAll(siblings);
    expect(next.filter((a) => a.status === 200)).toHaveLength(1);
    expect(next.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(
      RACERS - 1,
    );
    const winner = next.find((a) => a.status === 200)?.body.access_token ?? '';
    for (const replica of [first, second]) {
      expect(await toolsListStatus(replica, winner)).toBe(401);
      expect(await toolsListStatus(replica, tokens.access_token)).toBe(401);
    }
  });

  it('refuses to start when the database cannot be reached, naming DATABASE_URL but never its password', async () => {
    const port = await freePort();
    const failure = await startGatewayProcess({
      STORAGE: 'postgres',
      DATABASE_URL: `postgres://gw:s3cret-pw@127.0.0.1:${port}/gateway`,
      MASTER_KEY: randomBytes(32).toString('base64'),
    }).then(
      () => new Error('the gateway started'),
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    expect(failure.message).toContain('gateway exited with 1');
    expect(failure.message).toContain(
      `DATABASE_URL: cannot use PostgreSQL 127.0.0.1:${port}/gateway: connect ECONNREFUSED`,
    );
    expect(failure.message).not.toContain('s3cret-pw');
  });
});
