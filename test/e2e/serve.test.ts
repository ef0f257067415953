import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  nativeClientMetadata,
  randomState,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** GET with an exact Host header (fetch may not set one), as JSON. */
async function getWithHost(url: string, host: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        resolve(JSON.parse(body) as Record<string, unknown>);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A ping to /mcp with a bearer token, answered by the spelling `mcpUrl` names. */
async function pingWith(mcpUrl: string, accessToken: string): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
}

describe('jira-mcp-gateway serve (zero configuration)', () => {
  let gw: GatewayProcess;
  beforeAll(async () => {
    gw = await startGatewayProcess();
  });
  afterAll(async () => gw.stop());

  it('prints a banner with the endpoints, the sandbox and a one-time admin password', () => {
    // The URL to paste comes first, exactly as the metadata names the resource.
    expect(gw.stdout()).toMatch(
      new RegExp(
        `^MCP endpoint: {8}${escapeRegExp(gw.publicUrl)}/mcp\\njira-mcp-gateway listening on `,
      ),
    );
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

describe('serve with PUBLIC_URL unset: each loopback spelling is its own issuer (RFC 9728 §3.3)', () => {
  let gw: GatewayProcess;
  let port: string;
  const origin = (host: string): string => `http://${host}:${port}`;

  beforeAll(async () => {
    // An empty variable is unset: the default issuer http://localhost:PORT.
    gw = await startGatewayProcess({ PUBLIC_URL: '' });
    port = new URL(gw.url).port;
  });
  afterAll(async () => gw.stop());

  it('leads the banner with the MCP URL to paste and names the other spelling it answers', () => {
    expect(gw.stdout()).toMatch(
      new RegExp(
        `^MCP endpoint: {8}http://localhost:${port}/mcp\\n` +
          `  also answers as: {3}http://127\\.0\\.0\\.1:${port}/mcp \\(each its own issuer\\)\\n` +
          `jira-mcp-gateway listening on http://127\\.0\\.0\\.1:${port} \\(role: all\\)\\n` +
          `  issuer \\(PUBLIC_URL\\): http://localhost:${port}\\n`,
      ),
    );
  });

  it.each(['localhost', '127.0.0.1'])(
    'serves metadata, challenge and resource under the spelling the client used (%s)',
    async (host) => {
      const base = origin(host);
      const as = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as {
        issuer: string;
        authorization_endpoint: string;
        token_endpoint: string;
      };
      expect(as).toMatchObject({
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
      });
      const prm = (await (
        await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)
      ).json()) as { resource: string; authorization_servers: string[] };
      expect(prm).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base] });
      const challenge = await fetch(`${base}/mcp`, { method: 'POST', body: '{}' });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="jira:read jira:write"`,
      );
    },
  );

  it('answers Host [::1]:PORT as its own issuer and any other Host as the configured one', async () => {
    const url = `${gw.url}/.well-known/oauth-protected-resource/mcp`;
    expect(await getWithHost(url, `[::1]:${port}`)).toMatchObject({
      resource: `http://[::1]:${port}/mcp`,
      authorization_servers: [`http://[::1]:${port}`],
    });
    for (const host of [`evil.example:${port}`, `127.0.0.1:1`, `LOCALHOST:${port}`, '127.0.0.1']) {
      expect(await getWithHost(url, host)).toMatchObject({
        resource: `http://localhost:${port}/mcp`,
        authorization_servers: [`http://localhost:${port}`],
      });
    }
  });

  it('connects the official SDK client at each spelling; a token works only where it was issued', async () => {
    const tokens = new Map<string, string>();
    for (const host of ['localhost', '127.0.0.1']) {
      const mcpUrl = new URL(`${origin(host)}/mcp`);
      let landed: Promise<URL> | undefined;
      const redirectUri = 'http://127.0.0.1:53682/callback';
      const provider = new InMemoryOAuthProvider<SdkV1OAuthRecords>({
        redirectUrl: redirectUri,
        clientMetadata: nativeClientMetadata(`spelling ${host}`, redirectUri),
        state: randomState,
        openBrowser: (url) => {
          landed = signInAndConsent(new PageAgent(fetch, url.origin), url.href, {
            username: 'admin',
            password: gw.adminPassword ?? '',
          });
        },
      });
      const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
      await expect(
        new Client({ name: 'spelling', version: '1.0.0' }).connect(first),
      ).rejects.toBeInstanceOf(UnauthorizedError);
      expect(provider.authorizationUrl?.origin).toBe(origin(host));
      expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(mcpUrl.href);
      const back = await landed;
      expect(back?.searchParams.get('iss')).toBe(origin(host));
      await first.finishAuth(back?.searchParams.get('code') ?? '');

      const client = new Client({ name: 'spelling', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('jira_search_issues');
      } finally {
        await client.close();
      }
      tokens.set(host, provider.tokens()?.access_token ?? '');
    }

    for (const [issuedAt, token] of tokens) {
      for (const host of ['localhost', '127.0.0.1']) {
        const response = await pingWith(`${origin(host)}/mcp`, token);
        if (host === issuedAt) {
          expect(response.status).toBe(200);
          await response.body?.cancel();
        } else {
          // Audience binding stays exact: the other spelling is another resource.
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        }
      }
    }
  });
});

describe('serve start-up failures name the setting and exit non-zero', () => {
  it('exits 1 naming PORT when the port is taken, and leaves nothing running', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    const address = occupier.address();
    const taken = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      // The sandbox starts before the listener; the process must still exit.
      const failure = startGatewayProcess({ PORT: String(taken) }, { timeoutMs: 20_000 });
      await expect(failure).rejects.toThrow(
        new RegExp(
          `^gateway exited with 1\\n[\\s\\S]*jira-mcp-gateway: PORT: 127\\.0\\.0\\.1:${taken} is already in use \\(EADDRINUSE\\)`,
        ),
      );
      await expect(failure).rejects.not.toThrow(/unexpected error/);
    } finally {
      await new Promise((resolve) => occupier.close(resolve));
    }
  });

  it('exits 1 naming DATA_DIR when it cannot be created, even for root', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jmg-datadir-'));
    try {
      // A path under a regular file fails with ENOTDIR whatever the user's rights.
      writeFileSync(path.join(dir, 'file'), '');
      const dataDir = path.join(dir, 'file', 'sub');
      const failure = startGatewayProcess({ DATA_DIR: dataDir }, { timeoutMs: 20_000 });
      await expect(failure).rejects.toThrow(
        new RegExp(
          `^gateway exited with 1\\n[\\s\\S]*jira-mcp-gateway: DATA_DIR: cannot keep data in ${escapeRegExp(dataDir)}: ENOTDIR`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 naming JIRA_EMAIL, JIRA_API_TOKEN and `jira set-credentials` when only JIRA_BASE_URL is set', async () => {
    const failure = startGatewayProcess(
      { JIRA_BASE_URL: 'https://acme.atlassian.net' },
      { timeoutMs: 20_000 },
    );
    await expect(failure).rejects.toThrow(
      /^gateway exited with 1\n[\s\S]*jira-mcp-gateway: Invalid configuration:\n {2}JIRA_EMAIL, JIRA_API_TOKEN: required with JIRA_BASE_URL when no credential is stored; set both, or store one with `jira set-credentials`/,
    );
    await expect(failure).rejects.not.toThrow(/unexpected error/);
  });
});
