/**
 * What real MCP clients do, replayed against the gateway running as a real
 * process: each test is one client's whole journey (discovery, registration,
 * browser login and consent, token, MCP session) with that client's quirks,
 * taken from its source or documentation (see docs/clients.md).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import {
  adminCommand,
  authorizeWithPkce,
  browserPageFetch,
  gatewayFetch,
  INSPECTOR_ORIGIN,
  mcpRoundTrip,
  readTokens,
  register,
  runInspectorInBrowser,
  tokenRequest,
} from './helpers-habits.js';

const DEFAULT_SCOPE = 'jira:read jira:write';
const PUBLIC_CLIENT = {
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

async function json<T>(response: Response): Promise<T> {
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function listHeader(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '').toLowerCase().split(/\s*,\s*/);
}

describe('real MCP clients against `serve` on a loopback PUBLIC_URL', () => {
  let gw: GatewayProcess;
  let mcpUrl: string;
  beforeAll(async () => {
    gw = await startGatewayProcess();
    mcpUrl = `${gw.publicUrl}/mcp`;
  });
  afterAll(async () => gw.stop());

  describe('Amazon Q Developer CLI (rmcp): RFC 8414 §3.1 on the MCP host, RFC 8252 §7.3', () => {
    it('finds metadata at both well-known forms, registers a path-less loopback redirect, asks only OIDC scopes and gets the default ones', async () => {
      // Q's probe: a POST without a token must answer with a Bearer challenge.
      const probe = await fetch(mcpUrl, {
        method: 'POST',
        headers: { accept: 'application/json, text/event-stream' },
      });
      expect(probe.status).toBe(401);
      expect(probe.headers.get('www-authenticate')).toMatch(/^Bearer /);

      // rmcp tries the path-inserted form derived from the MCP URL first, then the root.
      const headers = { 'mcp-protocol-version': '2024-11-05' };
      const inserted = await json<Record<string, unknown>>(
        await fetch(`${gw.url}/.well-known/oauth-authorization-server/mcp`, { headers }),
      );
      const root = await json<Record<string, unknown>>(
        await fetch(`${gw.url}/.well-known/oauth-authorization-server`, { headers }),
      );
      expect(inserted).toEqual(root);
      expect(root.issuer).toBe(gw.publicUrl);

      const redirectUri = `http://127.0.0.1:${await freePort()}`;
      const client = await register(gw, {
        client_name: 'Q DEV CLI',
        redirect_uris: [redirectUri],
        ...PUBLIC_CLIENT,
      });
      expect(client.client_secret).toBeUndefined();
      expect(client.redirect_uris).toEqual([redirectUri]);

      const { callback, code, verifier } = await authorizeWithPkce(gw, {
        client_id: client.client_id,
        state: 'q-csrf',
        redirect_uri: redirectUri,
        scope: 'openid email profile offline_access',
      });
      expect(callback.origin).toBe(redirectUri);
      expect(callback.searchParams.get('state')).toBe('q-csrf');
      expect(callback.searchParams.get('iss')).toBe(gw.publicUrl);

      const tokens = await readTokens(
        await tokenRequest(gw, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          client_id: client.client_id,
        }),
      );
      expect(tokens.scope).toBe(DEFAULT_SCOPE);
      // Q refreshes when a handshake fails with a stale access token.
      const refreshed = await readTokens(
        await tokenRequest(gw, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token ?? '',
          client_id: client.client_id,
        }),
      );
      const session = await mcpRoundTrip(gw, refreshed.access_token, '2025-03-26');
      expect(session.protocolVersion).toBe('2025-03-26');
      expect(session.tools).toEqual(
        expect.arrayContaining(['jira_list_projects', 'jira_create_issue']),
      );
      expect(session.projects.map((p) => p.key)).toContain('DEMO');
    });
  });

  describe('VS Code: RFC 9728 resource check, RFC 7591 fixed redirects, RFC 8252 §7.3 any loopback port', () => {
    it('registers its four redirect URIs and signs in through a loopback port it did not register', async () => {
      const prm = await json<{ resource: string; scopes_supported: string[] }>(
        await fetch(`${gw.url}/.well-known/oauth-protected-resource/mcp`),
      );
      // VS Code refuses a server whose metadata names another resource than the configured URL.
      expect(new URL(prm.resource).toString()).toBe(new URL(mcpUrl).toString());
      const as = await json<{ grant_types_supported: string[] }>(
        await fetch(`${gw.url}/.well-known/oauth-authorization-server`),
      );
      // VS Code asks for the advertised grants it knows; advertising them keeps device_code out.
      const known = [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ];
      const grantTypes = as.grant_types_supported.filter((g) => known.includes(g));
      expect(grantTypes).toEqual(['authorization_code', 'refresh_token']);

      const redirectUris = [
        'https://insiders.vscode.dev/redirect',
        'https://vscode.dev/redirect',
        'http://127.0.0.1/',
        'http://127.0.0.1:33418/',
      ];
      const client = await register(gw, {
        client_name: 'Visual Studio Code',
        client_uri: 'https://code.visualstudio.com',
        ...PUBLIC_CLIENT,
        grant_types: grantTypes,
        redirect_uris: redirectUris,
        scope: prm.scopes_supported.join(' '),
        application_type: 'native',
      });
      expect(client.redirect_uris).toEqual(redirectUris);

      // Port 33418 was taken, so VS Code listens on another one.
      const redirectUri = `http://127.0.0.1:${await freePort()}/`;
      const { callback, code, verifier } = await authorizeWithPkce(gw, {
        client_id: client.client_id,
        scope: DEFAULT_SCOPE,
        redirect_uri: redirectUri,
        state: 'vscode-state',
        resource: mcpUrl,
      });
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      const tokens = await readTokens(
        await tokenRequest(gw, {
          client_id: client.client_id,
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          resource: mcpUrl,
        }),
      );
      const session = await mcpRoundTrip(gw, tokens.access_token, '2025-11-25');
      expect(session.protocolVersion).toBe('2025-11-25');
      expect(session.projects.map((p) => p.key)).toContain('DEMO');
    });
  });

  describe('Cursor: RFC 8252 §7.1 private-use scheme, RFC 9207 iss', () => {
    it('registers three redirect URIs at once, is sent back to cursor:// with code, state and iss, and loses access when the grant is revoked', async () => {
      const cursorCallback = 'cursor://anysphere.cursor-mcp/oauth/callback';
      const redirectUris = [
        cursorCallback,
        'https://cursor.com/oauth/callback',
        'http://localhost:8787/callback',
      ];
      const client = await register(gw, {
        client_name: 'Cursor',
        redirect_uris: redirectUris,
        ...PUBLIC_CLIENT,
      });
      expect(client.redirect_uris).toEqual(redirectUris);

      const { url, callback, code, verifier, agent } = await authorizeWithPkce(gw, {
        client_id: client.client_id,
        redirect_uri: cursorCallback,
        state: 'cursor-state',
      });
      expect(callback.toString().startsWith(`${cursorCallback}?`)).toBe(true);
      expect([...callback.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
      expect(callback.searchParams.get('state')).toBe('cursor-state');
      expect(callback.searchParams.get('iss')).toBe(gw.publicUrl);
      // Browsers apply form-action to the redirect after the consent POST, so cursor: must be in it.
      const consentPage = await agent.get(url);
      expect(consentPage.status).toBe(200);
      expect(consentPage.headers.get('content-security-policy')).toContain(
        "form-action 'self' cursor:",
      );

      const tokens = await readTokens(
        await tokenRequest(gw, {
          grant_type: 'authorization_code',
          client_id: client.client_id,
          code,
          code_verifier: verifier,
          redirect_uri: cursorCallback,
        }),
      );
      const session = await mcpRoundTrip(gw, tokens.access_token, '2025-06-18');
      expect(session.tools).toContain('jira_search_issues');

      // The operator's way out (docs/clients.md): list the grant, revoke it, the token stops working.
      const grants = await adminCommand(gw, ['grant', 'list', '--user', 'admin']);
      const row = grants.split('\n').find((line) => line.includes(client.client_id)) ?? '';
      expect(row).toContain('active');
      await adminCommand(gw, ['grant', 'revoke', row.split(/\s+/)[0] ?? '']);
      const revoked = await gatewayFetch(gw)(`${gw.publicUrl}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(revoked.status).toBe(401);
      expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });
  });

  describe('claude.ai custom connector: RFC 7591 confidential client, RFC 8707 resource with a trailing slash', () => {
    it('authenticates with client_secret_post, has its slash-suffixed resource accepted at /authorize and /token, and gets invalid_client once deleted', async () => {
      const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
      const client = await register(gw, {
        client_name: 'claudeai',
        redirect_uris: [redirectUri],
        ...PUBLIC_CLIENT,
        token_endpoint_auth_method: 'client_secret_post',
        scope: DEFAULT_SCOPE,
      });
      expect(client.token_endpoint_auth_method).toBe('client_secret_post');
      expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(client.client_secret_expires_at).toBe(0);

      const { callback, code, verifier } = await authorizeWithPkce(gw, {
        client_id: client.client_id,
        redirect_uri: redirectUri,
        state: 'claude-state',
        scope: DEFAULT_SCOPE,
        resource: `${mcpUrl}/`,
      });
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      const fields = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: client.client_id,
        resource: `${mcpUrl}/`,
      };
      const anonymous = await tokenRequest(gw, fields);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: string }).error).toBe('invalid_client');

      const tokens = await readTokens(
        await tokenRequest(gw, { ...fields, client_secret: client.client_secret ?? '' }),
      );
      expect(tokens.scope).toBe(DEFAULT_SCOPE);
      const session = await mcpRoundTrip(gw, tokens.access_token, '2025-06-18');
      expect(session.projects.map((p) => p.key)).toEqual(expect.arrayContaining(['DEMO', 'OPS']));

      // Once the client is deleted, 401 invalid_client at /token is claude.ai's cue to register again.
      await adminCommand(gw, ['client', 'delete', client.client_id]);
      const gone = await tokenRequest(gw, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
        client_id: client.client_id,
        client_secret: client.client_secret ?? '',
      });
      expect(gone.status).toBe(401);
      expect(((await gone.json()) as { error: string }).error).toBe('invalid_client');
    });
  });

  describe('Claude Code (TypeScript SDK 1.x): RFC 9728 §5.1 challenge, RFC 8707 resource with a trailing slash', () => {
    it('follows the 401 challenge to the metadata, signs in on an ephemeral loopback port and talks MCP with the SDK client', async () => {
      const challenge = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }),
      });
      expect(challenge.status).toBe(401);
      const header = challenge.headers.get('www-authenticate') ?? '';
      const scope = /scope="([^"]+)"/.exec(header)?.[1] ?? '';
      expect(scope).toBe(DEFAULT_SCOPE);
      const prm = await json<{ authorization_servers: string[] }>(
        await gatewayFetch(gw)(/resource_metadata="([^"]+)"/.exec(header)?.[1] ?? ''),
      );
      const as = await json<{ registration_endpoint: string }>(
        await gatewayFetch(gw)(
          `${prm.authorization_servers[0] ?? ''}/.well-known/oauth-authorization-server`,
        ),
      );
      expect(as.registration_endpoint).toBe(`${gw.publicUrl}/register`);

      const redirectUri = `http://localhost:${await freePort()}/callback`;
      const client = await register(gw, {
        client_name: 'Claude Code (jira)',
        redirect_uris: [redirectUri],
        ...PUBLIC_CLIENT,
      });
      const { callback, code, verifier } = await authorizeWithPkce(gw, {
        client_id: client.client_id,
        redirect_uri: redirectUri,
        state: 'cc-state',
        scope,
        resource: `${mcpUrl}/`,
      });
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      const tokens = await readTokens(
        await tokenRequest(gw, {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: redirectUri,
          client_id: client.client_id,
          resource: `${mcpUrl}/`,
        }),
      );

      const sdk = new Client({ name: 'claude-code', version: '2.0.0' });
      await sdk.connect(
        new StreamableHTTPClientTransport(new URL(mcpUrl), {
          requestInit: { headers: { Authorization: `Bearer ${tokens.access_token}` } },
        }),
      );
      try {
        expect(sdk.getServerVersion()?.name).toBe('jira-mcp-gateway');
        const { tools } = await sdk.listTools();
        expect(tools.map((t) => t.name)).toContain('jira_get_issue');
        const result = await sdk.callTool({
          name: 'jira_list_projects',
          arguments: { query: 'demo' },
        });
        expect(result.isError).not.toBe(true);
        expect(result.structuredContent).toMatchObject({ projects: [{ key: 'DEMO' }] });
      } finally {
        await sdk.close();
      }
    });
  });

  describe('MCP Inspector in a browser (Fetch Standard CORS), loopback deployment', () => {
    it('answers the preflights of both metadata documents, register, token and /mcp, and exposes WWW-Authenticate on the 401', async () => {
      const preflight = (path: string, method: string, headers: string): Promise<Response> =>
        fetch(`${gw.url}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin: INSPECTOR_ORIGIN,
            'access-control-request-method': method,
            'access-control-request-headers': headers,
          },
        });
      for (const path of [
        '/.well-known/oauth-protected-resource/mcp',
        '/.well-known/oauth-authorization-server',
      ]) {
        const answer = await preflight(path, 'GET', 'mcp-protocol-version');
        expect(answer.status).toBe(204);
        expect(answer.headers.get('access-control-allow-origin')).toBe('*');
        expect(listHeader(answer, 'access-control-allow-headers')).toContain(
          'mcp-protocol-version',
        );
      }
      for (const [path, headers] of [
        ['/register', 'content-type'],
        ['/token', 'authorization,content-type'],
      ] as const) {
        const answer = await preflight(path, 'POST', headers);
        expect(answer.status).toBe(204);
        expect(answer.headers.get('access-control-allow-origin')).toBe('*');
        expect(listHeader(answer, 'access-control-allow-methods')).toContain('post');
        expect(listHeader(answer, 'access-control-allow-headers')).toEqual(
          expect.arrayContaining(headers.split(',')),
        );
      }
      const mcp = await preflight(
        '/mcp',
        'POST',
        'authorization,content-type,mcp-protocol-version',
      );
      expect(mcp.status).toBe(204);
      expect(mcp.headers.get('access-control-allow-origin')).toBe(INSPECTOR_ORIGIN);
      expect(mcp.headers.get('access-control-allow-credentials')).toBeNull();
      expect(listHeader(mcp, 'access-control-allow-methods')).toContain('post');
      expect(listHeader(mcp, 'access-control-allow-headers')).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'mcp-protocol-version']),
      );

      const unauthorized = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          origin: INSPECTOR_ORIGIN,
          'content-type': 'application/json',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(INSPECTOR_ORIGIN);
      expect(listHeader(unauthorized, 'access-control-expose-headers')).toContain(
        'www-authenticate',
      );
      expect(unauthorized.headers.get('www-authenticate')).toContain('resource_metadata=');
    });

    it('refuses, as a browser does, what the gateway does not open to other origins', async () => {
      const page = browserPageFetch(INSPECTOR_ORIGIN, gatewayFetch(gw));
      // Introspection is for resource servers, never for pages.
      await expect(
        page.fetch(`${gw.publicUrl}/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'token=x',
        }),
      ).rejects.toThrow(TypeError);
      await expect(
        page.fetch(`${gw.publicUrl}/.well-known/oauth-protected-resource/mcp`, {
          headers: { 'x-api-key': 'k' },
        }),
      ).rejects.toThrow(TypeError);
      const challenge = await page.fetch(mcpUrl, { method: 'POST' });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toContain('Bearer ');
      expect(challenge.headers.get('x-request-id')).toBeNull();
      expect(page.refusals).toEqual([
        `POST /introspect: response does not allow ${INSPECTOR_ORIGIN}`,
        'GET /.well-known/oauth-protected-resource/mcp: header x-api-key not allowed',
      ]);
    });

    it('lets the SDK in the page discover, register, sign in and call a tool with no CORS refusal', async () => {
      const run = await runInspectorInBrowser(gw);
      expect(run.refusals).toEqual([]);
      expect(run.preflights).toEqual(
        expect.arrayContaining([
          'OPTIONS /.well-known/oauth-protected-resource/mcp',
          'OPTIONS /.well-known/oauth-authorization-server',
          'OPTIONS /register',
          'OPTIONS /mcp',
        ]),
      );
      expect(run.tools).toContain('jira_list_projects');
      expect(run.projectKeys).toContain('DEMO');
    });
  });
});

describe('MCP Inspector against a public PUBLIC_URL: /mcp Origin policy (ALLOWED_ORIGINS)', () => {
  let gw: GatewayProcess;
  beforeAll(async () => {
    gw = await startGatewayProcess({
      PUBLIC_URL: 'https://jira-mcp.example.test',
      ALLOWED_ORIGINS: INSPECTOR_ORIGIN,
    });
  });
  afterAll(async () => gw.stop());

  it('lets only the listed browser origin call /mcp, not every loopback origin', async () => {
    const preflight = (origin: string): Promise<Response> =>
      gatewayFetch(gw)('/mcp', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const listed = await preflight(INSPECTOR_ORIGIN);
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(INSPECTOR_ORIGIN);
    const other = await preflight('http://localhost:5173');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('runs the Inspector flow end to end from the listed origin', async () => {
    const run = await runInspectorInBrowser(gw);
    expect(run.refusals).toEqual([]);
    expect(run.projectKeys).toContain('DEMO');
  });
});
