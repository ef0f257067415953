import { ConfigError, type Config } from '../config/config.js';
import type { Logger } from '../http/logger.js';
import { mcpLogSink } from './mcp-log-sink.js';
import type { GatewayApp } from '../http/types.js';
import { registerMcpRoutes } from '../http/mcp-routes.js';
import { JiraClient } from '../jira/client.js';
import {
  JiraCredentialStore,
  staticCredentialsProvider,
  storedCredentialsProvider,
  type JiraCredentialsProvider,
} from '../jira/credentials.js';
import { createInProcessTokenVerifier } from '../mcp/in-process-token-verifier.js';
import { createIntrospectionTokenVerifier } from '../mcp/introspection-token-verifier.js';
import type { TokenVerifier } from '../mcp/token-verifier.js';
import type { LocalRuntime } from './runtime.js';

/** The Jira side of a running gateway. */
export interface JiraSetup {
  client: JiraClient;
  /** One line for the start-up banner; never holds the API token. */
  description: string;
  close(): Promise<void>;
}

/**
 * Decides which Jira the tools talk to:
 * 1. `JIRA_BASE_URL` with `JIRA_EMAIL` and `JIRA_API_TOKEN`: stored encrypted
 *    (so the store is the single source), then read back from the store;
 * 2. else a credential stored with `jira set-credentials`;
 * 3. else the built-in sandbox on a loopback port, as its demo user.
 */
export async function resolveJira(
  config: Config,
  runtime: LocalRuntime,
  sandboxDbPath: string,
): Promise<JiraSetup> {
  const store = new JiraCredentialStore(runtime.storage.secrets, runtime.cipher, runtime.clock);
  if (config.jira !== undefined && config.jira.email !== '' && config.jira.apiToken !== '') {
    await store.set(config.jira);
  }
  const stored = await store.get();
  if (stored !== undefined) {
    return {
      client: jiraClient(config, storedCredentialsProvider(store), runtime),
      description: `${stored.baseUrl} as ${stored.email} (credential stored encrypted)`,
      close: () => Promise.resolve(),
    };
  }
  if (config.jira !== undefined) {
    // A setting the operator must fix, so it is reported as one (exit 1, no stack).
    throw new ConfigError(
      'Invalid configuration:\n  JIRA_EMAIL, JIRA_API_TOKEN: required with JIRA_BASE_URL when no credential is stored; set both, or store one with `jira set-credentials`',
    );
  }
  // Imported only here, so deployments with a real Jira never load the sandbox.
  const { startSandboxServer, SANDBOX_USERS } = await import('../sandbox/index.js');
  const sandbox = await startSandboxServer({ dbPath: sandboxDbPath, clock: runtime.clock });
  const user = SANDBOX_USERS[0];
  if (user === undefined) throw new Error('the sandbox has no users');
  return {
    client: jiraClient(
      config,
      staticCredentialsProvider({
        baseUrl: sandbox.url,
        email: user.emailAddress,
        apiToken: user.apiToken,
      }),
      runtime,
    ),
    description: `built-in sandbox at ${sandbox.url} (demo project DEMO, acting as ${user.emailAddress}); set JIRA_BASE_URL to use a real site`,
    close: () => sandbox.close(),
  };
}

function jiraClient(
  config: Config,
  credentials: JiraCredentialsProvider,
  runtime: LocalRuntime,
): JiraClient {
  return new JiraClient({
    credentials,
    timeoutMs: config.jiraTimeoutMs,
    maxRetries: config.jiraMaxRetries,
    clock: runtime.clock,
  });
}

/** In-process for one process; RFC 7662 introspection when the MCP role runs alone. */
export function createTokenVerifier(
  config: Config,
  runtime: Pick<LocalRuntime, 'storage' | 'clock'>,
): TokenVerifier {
  if (config.role === 'mcp' && config.introspection !== undefined) {
    return createIntrospectionTokenVerifier({
      issuer: config.publicUrl,
      endpoint: config.introspection.endpoint,
      clientId: config.introspection.clientId,
      clientSecret: config.introspection.clientSecret,
      resource: config.resource,
      clock: runtime.clock,
      cacheTtlMs: config.introspectionCacheSeconds * 1000,
    });
  }
  return createInProcessTokenVerifier({
    storage: runtime.storage,
    clock: runtime.clock,
    resource: config.resource,
  });
}

/** The function that mounts /mcp on the app. */
export function createMcpMount(
  config: Config,
  runtime: LocalRuntime,
  jira: JiraSetup,
  logger?: Logger,
): (app: GatewayApp) => void {
  const verifier = createTokenVerifier(config, runtime);
  return (app) => {
    registerMcpRoutes(app, {
      config,
      verifier,
      jira: jira.client,
      audit: runtime.audit,
      clock: runtime.clock,
      ...(logger === undefined ? {} : { log: mcpLogSink(logger) }),
    });
  };
}
