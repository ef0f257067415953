/**
 * A real MCP resource server for tests: a Hono app with only the MCP routes,
 * served on 127.0.0.1 (port 0), a real SQLite storage file, the real Jira
 * sandbox as the Jira peer, and the real MCP SDK 1.x client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig, type Config } from '../../../src/config/config.js';
import { registerMcpRoutes } from '../../../src/http/mcp-routes.js';
import { JiraClient } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';
import { createInProcessTokenVerifier } from '../../../src/mcp/in-process-token-verifier.js';
import type { CallerJira } from '../../../src/mcp/caller-jira.js';
import type { TokenVerifier } from '../../../src/mcp/token-verifier.js';
import type { Scope } from '../../../src/oauth/scopes.js';
import {
  SANDBOX_API_TOKENS,
  startSandboxServer,
  type Sandbox,
} from '../../../src/sandbox/index.js';
import type { AuditEvent, Storage } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { lateBound } from '../../helpers/suite-resources.js';
import {
  createPrincipal,
  mintToken,
  type MintedToken,
  type MintOptions,
  type Principal,
} from './tokens.js';

/** PUBLIC_URL of every test bed; deliberately not loopback, so Origin checks are strict. */
export const TEST_PUBLIC_URL = 'https://gateway.test';
export const RESOURCE_METADATA = `${TEST_PUBLIC_URL}/.well-known/oauth-protected-resource/mcp`;
export const JIRA_MAX_RETRIES = 2;

export interface McpTestBed {
  /** Origin of the served app, e.g. `http://127.0.0.1:41234`. */
  url: string;
  mcpUrl: URL;
  config: Config;
  storage: Storage;
  clock: ManualClock;
  audit: AuditLog;
  sandbox: Sandbox;
  /** Origin of the Jira sandbox. */
  jiraUrl: string;
  principal: Principal;
  /** Mints a token for `principal`; resource defaults to this server's. */
  mint(scopes: Scope[], options?: Partial<MintOptions>): Promise<MintedToken>;
  /** An initialized MCP SDK 1.x client sending `Authorization: Bearer <token>`. */
  connect(token: string): Promise<Client>;
  /** `tool.called` audit events, oldest first. */
  toolEvents(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

export interface TestBedOptions {
  env?: Record<string, string>;
  /** Replaces the in-process verifier (e.g. introspection against a dead endpoint). */
  verifier?: (config: Config) => TokenVerifier;
  /** Receives the endpoint's structured log lines (default: dropped). */
  log?: (line: object) => void;
  /**
   * Each caller's own Jira (a PersonalJira against the bed's sandbox); the
   * endpoint also gets the grant repository, to revoke grants without a link.
   */
  callerJira?: (parts: {
    config: Config;
    storage: Storage;
    clock: ManualClock;
    jiraUrl: string;
    jira: JiraClient;
  }) => CallerJira;
}

export async function startMcpTestBed(options: TestBedOptions = {}): Promise<McpTestBed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-mcp-bed-'));
  const config = loadConfig({
    PUBLIC_URL: TEST_PUBLIC_URL,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const storage = openSqliteStorage({ path: config.databasePath });
  const clock = new ManualClock(Date.now());
  const audit = new AuditLog(storage.audit, clock, () => undefined);
  const principal = await createPrincipal(storage, clock);
  const jiraPeer = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db') });
  const jira = new JiraClient({
    credentials: staticCredentialsProvider({
      baseUrl: jiraPeer.url,
      email: 'alice@example.com',
      apiToken: SANDBOX_API_TOKENS.alice,
    }),
    maxRetries: JIRA_MAX_RETRIES,
    // Retries are real; only the waiting between them is skipped.
    sleep: () => Promise.resolve(),
  });
  const verifier =
    options.verifier?.(config) ??
    createInProcessTokenVerifier({ storage, clock, resource: config.resource });
  const app = new Hono();
  registerMcpRoutes(app, {
    config,
    verifier,
    jira,
    ...(options.callerJira === undefined
      ? {}
      : {
          callerJira: options.callerJira({ config, storage, clock, jiraUrl: jiraPeer.url, jira }),
          grants: storage.grants,
        }),
    audit,
    clock,
    log: options.log ?? (() => undefined),
  });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve(
        { fetch: app.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => {
          resolve({ server, port: info.port });
        },
      );
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const clients: Client[] = [];

  return {
    url,
    mcpUrl: new URL(`${url}/mcp`),
    config,
    storage,
    clock,
    audit,
    sandbox: jiraPeer.sandbox,
    jiraUrl: jiraPeer.url,
    principal,
    mint: (scopes, mintOptions = {}) =>
      mintToken(storage, clock, principal, { resource: config.resource, ...mintOptions, scopes }),
    async connect(token) {
      const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'mcp-test-client', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async toolEvents() {
      return (await audit.tail(10_000)).filter((e) => e.type === 'tool.called');
    },
    async close() {
      for (const client of clients) await client.close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await jiraPeer.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The text of a tool result's first content block. */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  const first = content?.[0];
  return first?.type === 'text' ? (first.text ?? '') : '';
}

/** A tool result's `structuredContent`, read by key in assertions. */
export interface Structured {
  [key: string]: unknown;
}

/** One `tools/call` as the tool suites read it. */
export interface ToolCall {
  result: Awaited<ReturnType<Client['callTool']>>;
  /** The text of the first content block. */
  text: string;
  data: Structured;
}

/** A suite's test bed with one client connected, and the calls the tool suites share. */
export interface ToolTestBed {
  /** The running bed; throws if read before `beforeAll` has run. */
  bed: McpTestBed;
  call: (name: string, args: Record<string, unknown>) => Promise<ToolCall>;
  /** `jira_get_issue` with up to 20 comments; its structured content. */
  issue: (key: string) => Promise<Structured>;
  /** Creates a DEMO Task with `jira_create_issue`; returns its key. */
  createTask: (summary: string) => Promise<string>;
  /** The JSON body of the last request the sandbox got for `method path`. */
  lastBody: (method: string, path: string) => unknown;
}

/**
 * Starts a test bed in `beforeAll` with one MCP client holding a token for
 * `scopes`, and closes it in `afterAll`.
 * @see MCP 2025-11-25 server/tools
 */
export function useToolTestBed(scopes: Scope[], options: TestBedOptions = {}): ToolTestBed {
  let started: { bed: McpTestBed; client: Client } | undefined;
  beforeAll(async () => {
    const bed = await startMcpTestBed(options);
    started = { bed, client: await bed.connect((await bed.mint(scopes)).token) };
  });
  afterAll(async () => {
    await started?.bed.close();
  });
  const current = (): { bed: McpTestBed; client: Client } => {
    if (started === undefined) throw new Error('the test bed starts in beforeAll');
    return started;
  };
  const call = async (name: string, args: Record<string, unknown>): Promise<ToolCall> => {
    const result = await current().client.callTool({ name, arguments: args });
    return { result, text: resultText(result), data: result.structuredContent as Structured };
  };
  return {
    bed: lateBound(() => current().bed),
    call,
    issue: async (key) => (await call('jira_get_issue', { issueKey: key, commentLimit: 20 })).data,
    createTask: async (summary) => {
      const { data } = await call('jira_create_issue', {
        projectKey: 'DEMO',
        issueType: 'Task',
        summary,
      });
      return data['key'] as string;
    },
    lastBody: (method, path) => {
      const request = current()
        .bed.sandbox.requests.filter((r) => r.method === method && r.path === path)
        .at(-1);
      return JSON.parse(request?.body ?? 'null') as unknown;
    },
  };
}
