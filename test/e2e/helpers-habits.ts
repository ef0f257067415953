/**
 * Shared pieces of the real-client end-to-end suites: one person's browser
 * (login + consent over HTTP), the OAuth requests a client makes, a plain
 * JSON-RPC MCP session, and the MCP Inspector's flow run by the SDK
 * through a CORS-enforcing fetch that behaves like a browser page.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'vitest';
import { runCli } from '../../src/entry/cli.js';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import type { GatewayProcess } from '../helpers/gateway-process.js';
import {
  InMemoryOAuthProvider,
  type SdkV1OAuthRecords,
} from '../helpers/in-memory-oauth-provider.js';
import { newPkce } from '../helpers/oauth-client.js';

/**
 * A fetch that reaches the gateway process: relative URLs resolve against
 * `PUBLIC_URL`, and `PUBLIC_URL`'s origin is routed to the loopback address
 * the process listens on (they differ when PUBLIC_URL is a public https name).
 */
export function gatewayFetch(gw: GatewayProcess): typeof fetch {
  const publicOrigin = new URL(gw.publicUrl).origin;
  return (input, init) => {
    if (input instanceof Request) throw new Error('gatewayFetch takes a URL, not a Request');
    const url = new URL(String(input), gw.publicUrl);
    const routed = url.origin === publicOrigin ? new URL(url.pathname + url.search, gw.url) : url;
    return fetch(routed, init);
  };
}

/**
 * Dynamic client registration; asserts 201 and returns the response body.
 * @see RFC 7591 §3.1, §3.2.1
 */
export async function register(
  gw: GatewayProcess,
  metadata: Record<string, unknown>,
): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>> {
  const response = await gatewayFetch(gw)(`${gw.publicUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  const body = (await response.json()) as { client_id: string } & Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** `/authorize?…` on the gateway's public URL, leaving out undefined parameters. */
export function authorizationUrl(
  gw: GatewayProcess,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(`${gw.publicUrl}/authorize`);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

/**
 * The person's part: a fresh browser opens the authorization URL, signs in
 * as the first-run admin and approves every scope offered. Returns the
 * redirect back to the client and the browser (still signed in).
 */
export async function approveInBrowser(
  gw: GatewayProcess,
  url: string,
): Promise<{ callback: URL; agent: PageAgent }> {
  const agent = new PageAgent(gatewayFetch(gw), new URL(gw.publicUrl).origin);
  const callback = await signInAndConsent(agent, url, {
    username: 'admin',
    password: gw.adminPassword ?? '',
  });
  return { callback, agent };
}

/**
 * An authorization request with a fresh PKCE S256 pair plus `params`,
 * approved in the browser. Returns what the client needs next.
 * @see RFC 7636 §4.1–§4.3
 */
export async function authorizeWithPkce(
  gw: GatewayProcess,
  params: Record<string, string | undefined>,
): Promise<{ url: string; callback: URL; code: string; verifier: string; agent: PageAgent }> {
  const pkce = newPkce();
  const url = authorizationUrl(gw, {
    response_type: 'code',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  const { callback, agent } = await approveInBrowser(gw, url);
  const code = callback.searchParams.get('code') ?? '';
  return { url, callback, code, verifier: pkce.verifier, agent };
}

/**
 * Runs an admin command (`grant list`, `client delete <id>`, …) against the
 * running gateway's DATA_DIR, as an operator would; asserts exit code 0.
 */
export async function adminCommand(gw: GatewayProcess, argv: string[]): Promise<string> {
  let out = '';
  const code = await runCli(argv, {
    env: { DATA_DIR: gw.dataDir, PUBLIC_URL: gw.publicUrl, LOG_LEVEL: 'silent' },
    stdout: (text) => (out += text),
    stderr: (text) => (out += text),
    readStdin: () => Promise.resolve(''),
  });
  expect(code, out).toBe(0);
  return out;
}

/**
 * A form POST to the token endpoint, as every client sends it.
 * @see RFC 6749 §4.1.3, §6
 */
export function tokenRequest(
  gw: GatewayProcess,
  fields: Record<string, string>,
): Promise<Response> {
  return gatewayFetch(gw)(`${gw.publicUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/**
 * Reads a successful token response, asserting its status, type and `no-store`.
 * @see RFC 6749 §5.1
 */
export async function readTokens(response: Response): Promise<TokenSet> {
  const body = (await response.json()) as TokenSet;
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(body.token_type).toBe('Bearer');
  return body;
}

export interface McpRoundTrip {
  protocolVersion: string;
  serverName: string;
  tools: string[];
  /** `structuredContent` of the `jira_list_projects` call. */
  projects: { key: string }[];
}

/**
 * A whole MCP conversation over plain JSON-RPC, as a client with its own
 * HTTP stack has it: `initialize` (offering `protocolVersion`),
 * `notifications/initialized`, `tools/list`, and one `tools/call`.
 * @see MCP 2025-11-25 lifecycle; MCP 2025-11-25 transports (Streamable HTTP)
 */
export async function mcpRoundTrip(
  gw: GatewayProcess,
  accessToken: string,
  protocolVersion: string,
): Promise<McpRoundTrip> {
  const send = gatewayFetch(gw);
  const post = async (message: object, version?: string): Promise<Response> =>
    send(`${gw.publicUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(version === undefined ? {} : { 'mcp-protocol-version': version }),
      },
      body: JSON.stringify(message),
    });
  const rpc = async <T>(response: Response): Promise<T> => {
    const body = (await response.json()) as { result?: T; error?: unknown };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.error).toBeUndefined();
    return body.result as T;
  };

  const init = await rpc<{ protocolVersion: string; serverInfo: { name: string } }>(
    await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'habit', version: '1' } },
    }),
  );
  const initialized = await post(
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    init.protocolVersion,
  );
  expect(initialized.status).toBe(202);
  const list = await rpc<{ tools: { name: string }[] }>(
    await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, init.protocolVersion),
  );
  const call = await rpc<{
    isError?: boolean;
    structuredContent?: { projects: { key: string }[] };
  }>(
    await post(
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'jira_list_projects', arguments: {} },
      },
      init.protocolVersion,
    ),
  );
  expect(call.isError).not.toBe(true);
  return {
    protocolVersion: init.protocolVersion,
    serverName: init.serverInfo.name,
    tools: list.tools.map((t) => t.name),
    projects: call.structuredContent?.projects ?? [],
  };
}

/** CORS-safelisted request headers (Fetch Standard §2.2.2), ignoring value limits. */
function isSafelistedRequestHeader(name: string, value: string): boolean {
  if (['accept', 'accept-language', 'content-language'].includes(name)) return true;
  if (name !== 'content-type') return false;
  const mime = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(mime);
}

const SAFELISTED_RESPONSE_HEADERS = [
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
];

function listHeader(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
}

export interface BrowserPageFetch {
  fetch: typeof fetch;
  /** Every request the emulated browser refused, with the reason; empty when CORS let all through. */
  refusals: string[];
  /** `METHOD path` of every preflight sent. */
  preflights: string[];
}

/**
 * Fetch as a script on `origin` experiences it: a preflight when the method
 * or a header is not CORS-safelisted, `Origin` on every request, a refusal
 * (TypeError, as browsers throw) unless the server allows the origin, and
 * only safelisted or exposed response headers readable. Refusals are
 * recorded because SDKs swallow some of them and retry differently.
 * @see Fetch Standard §3.2 (CORS protocol), §4.8 (CORS-preflight fetch)
 */
export function browserPageFetch(origin: string, send: typeof fetch): BrowserPageFetch {
  const refusals: string[] = [];
  const preflights: string[] = [];
  const allows = (response: Response): boolean => {
    const allowed = response.headers.get('access-control-allow-origin');
    return allowed === '*' || allowed === origin;
  };
  const refuse = (what: string): never => {
    refusals.push(what);
    throw new TypeError('Failed to fetch');
  };
  const pageFetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    if (input instanceof Request) throw new Error('browserPageFetch takes a URL, not a Request');
    const url = new URL(String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const what = `${method} ${url.pathname}`;
    const unsafe = [...headers]
      .filter(([name, value]) => !isSafelistedRequestHeader(name, value))
      .map(([name]) => name)
      .sort();
    if (!['GET', 'HEAD', 'POST'].includes(method) || unsafe.length > 0) {
      preflights.push(`OPTIONS ${url.pathname}`);
      const preflight = await send(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          ...(unsafe.length === 0 ? {} : { 'access-control-request-headers': unsafe.join(',') }),
        },
      });
      const methods = listHeader(preflight, 'access-control-allow-methods');
      const allowedHeaders = listHeader(preflight, 'access-control-allow-headers');
      if (!preflight.ok || !allows(preflight)) refuse(`${what}: preflight not allowed`);
      if (!['GET', 'HEAD', 'POST'].includes(method) && !methods.includes(method.toLowerCase())) {
        refuse(`${what}: method not allowed by preflight`);
      }
      for (const name of unsafe) {
        // A wildcard never covers Authorization (Fetch Standard §4.8 step 7).
        const wildcard = allowedHeaders.includes('*') && name !== 'authorization';
        if (!wildcard && !allowedHeaders.includes(name))
          refuse(`${what}: header ${name} not allowed`);
      }
    }
    headers.set('origin', origin);
    const response = await send(url, { ...init, headers });
    if (!allows(response)) refuse(`${what}: response does not allow ${origin}`);
    const exposed = listHeader(response, 'access-control-expose-headers');
    const visible = new Headers();
    for (const [name, value] of response.headers) {
      if (
        SAFELISTED_RESPONSE_HEADERS.includes(name) ||
        exposed.includes(name) ||
        exposed.includes('*')
      ) {
        visible.set(name, value);
      }
    }
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: visible,
    });
  };
  return { fetch: pageFetch, refusals, preflights };
}

/** Where `npx @modelcontextprotocol/inspector` serves its page. */
export const INSPECTOR_ORIGIN = 'http://localhost:6274';

/**
 * The MCP Inspector's direct connection, run by the SDK 1.x client through
 * {@link browserPageFetch} from {@link INSPECTOR_ORIGIN}: the first connect
 * meets the 401, discovers and registers, and sends the person to
 * /authorize; after consent the code is exchanged and a second connect
 * lists the tools and calls one.
 * @see MCP 2025-11-25 authorization; Fetch Standard §3.2
 */
export async function runInspectorInBrowser(gw: GatewayProcess): Promise<{
  refusals: string[];
  preflights: string[];
  tools: string[];
  projectKeys: string[];
}> {
  const page = browserPageFetch(INSPECTOR_ORIGIN, gatewayFetch(gw));
  // The page keeps the client's OAuth state in sessionStorage; in memory here.
  const redirectUrl = `${INSPECTOR_ORIGIN}/oauth/callback`;
  const provider = new InMemoryOAuthProvider<SdkV1OAuthRecords>({
    redirectUrl,
    clientMetadata: {
      redirect_uris: [redirectUrl, `${INSPECTOR_ORIGIN}/oauth/callback/debug`],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'MCP Inspector',
      client_uri: 'https://github.com/modelcontextprotocol/inspector',
    },
    state: () => 'inspector-state',
  });
  const serverUrl = new URL(`${gw.publicUrl}/mcp`);
  const options = { authProvider: provider, fetch: page.fetch };
  const first = new StreamableHTTPClientTransport(serverUrl, options);
  await expect(
    new Client({ name: 'mcp-inspector', version: '0.17.0' }).connect(first),
  ).rejects.toThrow(UnauthorizedError);
  const authorization = provider.authorizationUrl;
  if (authorization === undefined) throw new Error('the SDK never sent the person to /authorize');
  expect(authorization.searchParams.get('resource')).toBe(serverUrl.toString());
  const { callback } = await approveInBrowser(gw, authorization.toString());
  expect(`${callback.origin}${callback.pathname}`).toBe(provider.redirectUrl);
  expect(callback.searchParams.get('state')).toBe('inspector-state');
  await first.finishAuth(callback.searchParams.get('code') ?? '');

  const client = new Client({ name: 'mcp-inspector', version: '0.17.0' });
  await client.connect(new StreamableHTTPClientTransport(serverUrl, options));
  try {
    const { tools } = await client.listTools();
    const result = await client.callTool({ name: 'jira_list_projects', arguments: {} });
    expect(result.isError).not.toBe(true);
    const projects =
      (result.structuredContent as { projects?: { key: string }[] } | undefined)?.projects ?? [];
    return {
      refusals: page.refusals,
      preflights: page.preflights,
      tools: tools.map((t) => t.name),
      projectKeys: projects.map((p) => p.key),
    };
  } finally {
    await client.close();
  }
}
