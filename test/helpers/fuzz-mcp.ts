/**
 * `/mcp` alone for the tool fuzz suite: the MCP routes on a Hono app
 * answered in-process, a real SQLite file, the built-in Jira sandbox on a
 * 127.0.0.1 port, and a token minted the way /token stores one (both
 * scopes). Every fault the MCP server logs (`tool failed unexpectedly`,
 * `mcp request failed`) and every audit write failure lands in `faults`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { registerMcpRoutes } from '../../src/http/mcp-routes.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import { SANDBOX_USERS, startSandboxServer } from '../../src/sandbox/index.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { createPrincipal, mintToken } from '../mcp/helpers/tokens.js';

export const FUZZ_MCP_URL = 'https://gateway.test/mcp';

export interface FuzzMcp {
  /** Answers requests to {@link FUZZ_MCP_URL} in-process. */
  fetch: typeof fetch;
  /** An access token with jira:read and jira:write. */
  token: string;
  /** Every fault logged while serving, as JSON lines. */
  faults: string[];
  close(): Promise<void>;
}

/** Starts `/mcp` over the sandbox with a minted token. @see MCP 2025-11-25 server/tools */
export async function startFuzzMcp(env: Record<string, string> = {}): Promise<FuzzMcp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-fuzz-mcp-'));
  const faults: string[] = [];
  const config = loadConfig({
    PUBLIC_URL: 'https://gateway.test',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const storage = openSqliteStorage({ path: config.databasePath });
  const clock = new ManualClock(Date.now());
  const audit = new AuditLog(storage.audit, clock, (line) => {
    faults.push(JSON.stringify(line));
  });
  const jiraPeer = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db') });
  const jiraUser = SANDBOX_USERS[0];
  if (jiraUser === undefined) throw new Error('the sandbox has no users');
  const jira = new JiraClient({
    credentials: staticCredentialsProvider({
      baseUrl: jiraPeer.url,
      email: jiraUser.emailAddress,
      apiToken: jiraUser.apiToken,
    }),
    maxRetries: 1,
    timeoutMs: 10_000,
    sleep: () => Promise.resolve(),
  });
  const app = new Hono();
  registerMcpRoutes(app, {
    config,
    verifier: createInProcessTokenVerifier({ storage, clock, resource: config.resource }),
    jira,
    audit,
    clock,
    log: (line) => faults.push(JSON.stringify(line)),
  });
  const principal = await createPrincipal(storage, clock);
  const { token } = await mintToken(storage, clock, principal, {
    scopes: ['jira:read', 'jira:write'],
    resource: config.resource,
  });
  return {
    fetch: ((input: string | URL | Request, init?: RequestInit) =>
      app.request(input instanceof Request ? input : String(input), init)) as typeof fetch,
    token,
    faults,
    async close() {
      await jiraPeer.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
