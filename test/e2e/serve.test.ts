import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

describe('jira-mcp-gateway serve (zero configuration)', () => {
  let gw: GatewayProcess;
  beforeAll(async () => {
    gw = await startGatewayProcess();
  });
  afterAll(async () => gw.stop());

  it('prints a banner with the endpoints, the sandbox and a one-time admin password', () => {
    expect(gw.stdout()).toContain(`MCP endpoint:        ${gw.publicUrl}/mcp`);
    expect(gw.stdout()).toMatch(/Jira: +built-in sandbox at http:\/\/127\.0\.0\.1:\d+/);
    expect(gw.adminPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('serves both metadata documents on one origin', async () => {
    const as = (await (await fetch(`${gw.url}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    expect(as.issuer).toBe(gw.publicUrl);
    const prm = (await (
      await fetch(`${gw.url}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    expect(prm.resource).toBe(`${gw.publicUrl}/mcp`);
    expect(prm.authorization_servers).toEqual([gw.publicUrl]);
  });

  it('answers /mcp without a token with 401 and the resource metadata challenge', async () => {
    const response = await fetch(`${gw.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${gw.publicUrl}/.well-known/oauth-protected-resource/mcp", scope="jira:read jira:write"`,
    );
  });

  it('keeps the admin password out of its logs', () => {
    expect(gw.stderr()).not.toContain(gw.adminPassword ?? 'x');
  });
});

describe('jira-mcp-gateway serve with bad configuration', () => {
  it('stops at start-up with a message naming the bad setting', async () => {
    await expect(
      startGatewayProcess({ ACCESS_TOKEN_TTL: 'soon' }, { timeoutMs: 15_000 }),
    ).rejects.toThrow(/ACCESS_TOKEN_TTL/);
  });
});
