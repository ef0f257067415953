/**
 * The whole gateway for the fuzz suites (test/fuzz/): the OAuth server and
 * `/mcp` on one app answered in-process, over a real SQLite file, with the
 * built-in Jira sandbox on a 127.0.0.1 port as the Jira peer. Unlike
 * `createTestGateway`, every fault the gateway logs (an `unhandled error`
 * of the HTTP error handler, a `tool failed unexpectedly` of the MCP server)
 * is captured in `faults`, so a property can fail on an internal error that
 * a 4xx or a tool result hid.
 *
 * It also runs the real dance once, so the suites hold real credentials to
 * aim at every endpoint: a public and a confidential client, a resource
 * server, a signed-in browser with its CSRF token, and access and refresh
 * tokens issued by /token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserService } from '../../src/accounts/users.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { composeGateway } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { registerMcpRoutes } from '../../src/http/mcp-routes.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import { SANDBOX_USERS, startSandboxServer } from '../../src/sandbox/index.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { inputValue, PageAgent } from './browser.js';
import { TEST_ISSUER, TEST_USER, type TestGateway } from './gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  obtainCode,
  redeem,
  registerClient,
} from './oauth-client.js';

/** Tokens as /token issued them (RFC 6749 §5.1). */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
}

export interface FuzzGateway {
  /** The gateway, shaped as the shared OAuth helpers expect. */
  gw: TestGateway;
  /** Every fault the gateway logged, as JSON lines; a property asserts it stays empty. */
  faults: string[];
  publicClientId: string;
  confidential: { clientId: string; clientSecret: string };
  resourceServer: { clientId: string; clientSecret: string };
  /** A browser signed in as alice, holding the CSRF and session cookies. */
  agent: PageAgent;
  /** `Cookie` header value of `agent` (CSRF cookie and session). */
  cookieHeader: string;
  /** The CSRF token that matches `agent`'s cookie. */
  csrfToken: string;
  /** The `request` field of a consent page: a valid authorization request. */
  validRequest: string;
  /** Tokens for /mcp (both scopes); never sent to /token or /revoke by the suites. */
  mcpTokens: IssuedTokens;
  /** Tokens the /token, /revoke and /introspect fuzzing may use up. */
  spareTokens: IssuedTokens;
  /** Every secret the suites hold; no response may echo one it was sent in a secret field. */
  secrets(): string[];
  close(): Promise<void>;
}

/** The settings every fuzz gateway runs with: limits high enough that fuzzing reaches the code behind them. */
export const FUZZ_ENV: Readonly<Record<string, string>> = {
  REGISTRATION_RATE_LIMIT: '1000000',
  LOGIN_MAX_FAILURES: '1000000',
};

async function issueTokens(
  gw: TestGateway,
  agent: PageAgent,
  clientId: string,
): Promise<IssuedTokens> {
  const { code, pkce } = await obtainCode(agent, clientId, { scope: 'jira:read jira:write' });
  const response = await redeem(gw, clientId, code, pkce.verifier);
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/**
 * Starts the gateway with the sandbox as Jira and runs the real flow once.
 * @see RFC 6749 §4.1; MCP 2025-11-25 authorization
 */
export async function startFuzzGateway(env: Record<string, string> = {}): Promise<FuzzGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-fuzz-'));
  const faults: string[] = [];
  const config = loadConfig({
    PUBLIC_URL: TEST_ISSUER,
    DATA_DIR: dir,
    LOG_LEVEL: 'error',
    ...FUZZ_ENV,
    ...env,
  });
  const storage = openSqliteStorage({ path: config.databasePath });
  const clock = new ManualClock(Date.now());
  const audit = new AuditLog(storage.audit, clock, (line) => {
    faults.push(JSON.stringify(line));
  });
  await new UserService(storage.users, clock).create(TEST_USER.username, TEST_USER.password);
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
    // Retries are real; only the waiting between them is skipped.
    sleep: () => Promise.resolve(),
  });
  const app = composeGateway({
    config,
    storage,
    audit,
    clock,
    logger: createLogger('error', (line) => faults.push(line)),
    peerAddress: () => '203.0.113.7',
    mountMcp: (gatewayApp) => {
      registerMcpRoutes(gatewayApp, {
        config,
        verifier: createInProcessTokenVerifier({ storage, clock, resource: config.resource }),
        jira,
        audit,
        clock,
        log: (line) => faults.push(JSON.stringify(line)),
      });
    },
  });
  const inProcessFetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof Request ? input : String(input), init)) as typeof fetch;
  const gw: TestGateway = {
    app,
    config,
    storage,
    clock,
    audit,
    dir,
    databasePath: config.databasePath,
    fetch: inProcessFetch,
    async close() {
      await storage.close();
    },
  };

  try {
    return await runTheDance(gw, faults, async () => {
      await jiraPeer.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    });
  } catch (error) {
    await jiraPeer.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
    // The faults the gateway logged say why the dance failed.
    throw new Error(`the fuzz gateway did not start: ${String(error)}\n${faults.join('\n')}`, {
      cause: error,
    });
  }
}

async function runTheDance(
  gw: TestGateway,
  faults: string[],
  close: () => Promise<void>,
): Promise<FuzzGateway> {
  const { storage, clock } = gw;
  const inProcessFetch = gw.fetch;
  const publicClient = await registerClient(gw);
  const confidentialClient = await registerClient(gw, {
    token_endpoint_auth_method: 'client_secret_basic',
  });
  if (confidentialClient.client_secret === undefined) throw new Error('no client secret');
  const resourceServer = { clientId: randomId('rs'), clientSecret: randomToken() };
  await storage.clients.create({
    clientId: resourceServer.clientId,
    kind: 'resource_server',
    secretHash: hashSecret(resourceServer.clientSecret),
    clientName: 'fuzz resource server',
    redirectUris: [],
    grantTypes: [],
    responseTypes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    source: 'cli',
    createdAt: clock.now(),
  });

  // Sign in once; the agent keeps the session and CSRF cookies.
  const agent = new PageAgent(inProcessFetch, TEST_ISSUER);
  const loginPage = await agent.get(
    authorizeUrl({
      client_id: publicClient.client_id,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
    }),
  );
  const loginHtml = await loginPage.text();
  const login = await agent.post('/authorize/login', {
    username: TEST_USER.username,
    password: TEST_USER.password,
    csrf_token: inputValue(loginHtml, 'csrf_token'),
    request: inputValue(loginHtml, 'request'),
  });
  if (login.status !== 303) throw new Error(`login answered ${login.status}`);
  const consentPage = await agent.get(login.headers.get('location') ?? '');
  const consentHtml = await consentPage.text();
  const csrfToken = inputValue(consentHtml, 'csrf_token');
  const validRequest = inputValue(consentHtml, 'request');
  const cookieHeader = [
    ['__Host-jmg_csrf', agent.cookie('__Host-jmg_csrf')],
    ['__Host-jmg_session', agent.cookie('__Host-jmg_session')],
  ]
    .map(([name, value]) => {
      if (value === undefined) throw new Error(`no ${name ?? ''} cookie after sign-in`);
      return `${name ?? ''}=${value}`;
    })
    .join('; ');

  const mcpTokens = await issueTokens(gw, agent, publicClient.client_id);
  const spareTokens = await issueTokens(gw, agent, publicClient.client_id);

  return {
    gw,
    faults,
    publicClientId: publicClient.client_id,
    confidential: {
      clientId: confidentialClient.client_id,
      clientSecret: confidentialClient.client_secret,
    },
    resourceServer,
    agent,
    cookieHeader,
    csrfToken,
    validRequest,
    mcpTokens,
    spareTokens,
    secrets: () => [
      TEST_USER.password,
      confidentialClient.client_secret ?? '',
      resourceServer.clientSecret,
      mcpTokens.accessToken,
      mcpTokens.refreshToken,
      spareTokens.accessToken,
      spareTokens.refreshToken,
    ],
    close,
  };
}
