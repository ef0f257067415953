/**
 * MCP_PUBLIC_URL: the MCP server on its own origin, apart from the issuer.
 * The protected resource, its metadata location, the discovery challenge,
 * the audience of issued tokens and the Origin rule of `/mcp` all follow
 * the MCP URL; the metadata names the issuer on the other origin.
 * @see RFC 9728 §2, §3.3, §5.1; RFC 8707 §2; MCP 2025-11-25 authorization, transports
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startFuzzGateway, type FuzzGateway } from '../helpers/fuzz-gateway.js';
import { TEST_ISSUER } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  obtainCode,
  redeem,
} from '../helpers/oauth-client.js';

const MCP_ORIGIN = 'https://mcp.gateway.test';
const MCP_RESOURCE = `${MCP_ORIGIN}/mcp`;
const METADATA_URL = `${MCP_ORIGIN}/.well-known/oauth-protected-resource/mcp`;

// The whole gateway (sandbox as Jira) with the MCP server on its own origin;
// the in-process fetch ignores the host, so both origins reach the one app.
let fuzz: FuzzGateway;
beforeAll(async () => {
  fuzz = await startFuzzGateway({ MCP_PUBLIC_URL: `${MCP_ORIGIN}/` });
});
afterAll(async () => fuzz.close());

function mcpPost(headers: Record<string, string>): Promise<Response> {
  return fuzz.gw.fetch(MCP_RESOURCE, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'two-url', version: '1' },
      },
    }),
  });
}

describe('MCP_PUBLIC_URL (configuration)', () => {
  it('makes the resource MCP_PUBLIC_URL/mcp and keeps the issuer', () => {
    const config = loadConfig({ PUBLIC_URL: TEST_ISSUER, MCP_PUBLIC_URL: `${MCP_ORIGIN}/` });
    expect(config.publicUrl).toBe(TEST_ISSUER);
    expect(config.mcpPublicUrl).toBe(MCP_ORIGIN);
    expect(config.resource).toBe(MCP_RESOURCE);
    expect(config.loopbackAliases).toBeUndefined();
  });

  it('defaults to the issuer (one origin for both)', () => {
    const config = loadConfig({ PUBLIC_URL: TEST_ISSUER });
    expect(config.mcpPublicUrl).toBe(TEST_ISSUER);
    expect(config.resource).toBe(`${TEST_ISSUER}/mcp`);
  });

  it('needs an explicit PUBLIC_URL', () => {
    expect(() => loadConfig({ MCP_PUBLIC_URL: MCP_ORIGIN })).toThrow(
      /PUBLIC_URL: required with MCP_PUBLIC_URL/,
    );
  });

  it('refuses plain http off loopback, a query or a fragment', () => {
    expect(() =>
      loadConfig({ PUBLIC_URL: TEST_ISSUER, MCP_PUBLIC_URL: 'http://mcp.example.com' }),
    ).toThrow(/MCP_PUBLIC_URL.*must be https/s);
    expect(() =>
      loadConfig({ PUBLIC_URL: TEST_ISSUER, MCP_PUBLIC_URL: `${MCP_ORIGIN}/?a=1` }),
    ).toThrow(/MCP_PUBLIC_URL/);
    expect(
      loadConfig({ PUBLIC_URL: TEST_ISSUER, MCP_PUBLIC_URL: 'http://127.0.0.1:9999' }).resource,
    ).toBe('http://127.0.0.1:9999/mcp');
  });
});

describe('MCP_PUBLIC_URL (the gateway)', () => {
  it('serves protected resource metadata for the MCP URL naming the issuer on the other origin', async () => {
    const response = await fuzz.gw.fetch(METADATA_URL);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.resource).toBe(MCP_RESOURCE);
    expect(document.authorization_servers).toEqual([TEST_ISSUER]);
    const server = (await (
      await fuzz.gw.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(server.issuer).toBe(TEST_ISSUER);
  });

  it('answers a call without a token with the challenge pointing at the MCP origin', async () => {
    const response = await mcpPost({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      `resource_metadata="${METADATA_URL}"`,
    );
  });

  it("allows the MCP server's own Origin and refuses the issuer's", async () => {
    expect((await mcpPost({ origin: MCP_ORIGIN })).status).toBe(401);
    expect((await mcpPost({ origin: TEST_ISSUER })).status).toBe(403);
  });

  it('issues tokens for the MCP resource only, which /mcp accepts', async () => {
    const refused = await fuzz.agent.get(
      authorizeUrl({
        client_id: fuzz.publicClientId,
        redirect_uri: LOOPBACK_REDIRECT,
        response_type: 'code',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
        resource: `${TEST_ISSUER}/mcp`,
      }),
    );
    // A dynamically registered client gets an error page, never a redirect (RFC 9700 §4.11).
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(MCP_RESOURCE);

    const { code, pkce } = await obtainCode(fuzz.agent, fuzz.publicClientId, {
      resource: MCP_RESOURCE,
    });
    const redeemed = await redeem(fuzz.gw, fuzz.publicClientId, code, pkce.verifier);
    const tokens = (await redeemed.json()) as { access_token: string };
    const accepted = await mcpPost({ authorization: `Bearer ${tokens.access_token}` });
    expect(accepted.status).toBe(200);
    // The token the fixture obtained without naming a resource is bound to the MCP URL too.
    const introspected = await fuzz.gw.fetch(`${TEST_ISSUER}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(
          `${fuzz.resourceServer.clientId}:${fuzz.resourceServer.clientSecret}`,
        ).toString('base64')}`,
      },
      body: new URLSearchParams({ token: fuzz.mcpTokens.accessToken }).toString(),
    });
    expect(((await introspected.json()) as { aud?: unknown }).aud).toBe(MCP_RESOURCE);
  });
});
