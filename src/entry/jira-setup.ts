import {
  ATLASSIAN_SCOPES,
  ConfigError,
  JIRA_OAUTH_CALLBACK_PATH,
  type Config,
} from '../config/config.js';
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
import { JIRA_ERROR, JiraError } from '../jira/errors.js';
import { describeSharedAccount, SharedJiraAccountStore } from '../jira/shared-account.js';
import { AtlassianClientSecretStore } from '../jira/person/atlassian-client-secret-store.js';
import {
  createPersonalJira,
  type PersonalJira,
  type PersonalJiraDeps,
} from '../jira/person/personal-jira.js';
import { createInProcessTokenVerifier } from '../mcp/in-process-token-verifier.js';
import { createIntrospectionTokenVerifier } from '../mcp/introspection-token-verifier.js';
import type { TokenVerifier } from '../mcp/token-verifier.js';
import type { LocalRuntime } from './runtime.js';

/** The Jira side of a running gateway. */
export interface JiraSetup {
  /**
   * The shared client (JIRA_AUTH=service). In the per-person modes there is
   * no shared credential: every call through it fails with
   * `JiraError('not_configured')`; use `personal.clientFor(userId)`.
   */
  client: JiraClient;
  /** Whose account acts, per person (and, in service mode, the shared client again). */
  personal: PersonalJira;
  /** The site people's accounts belong to, when known (same as `personal.siteUrl`). */
  siteUrl?: string;
  /** One line for the start-up banner; never holds a token. */
  description: string;
  /** Further banner lines (the callback URL to register at Atlassian). */
  notes: string[];
  /**
   * For `/readyz`: rejects while the shared credential cannot be read (none
   * stored any more, or it does not decrypt with this master key). Absent:
   * nothing to check beyond start-up (sandbox, per-person modes).
   */
  ready?: () => Promise<void>;
  close(): Promise<void>;
}

type SandboxServer = Awaited<ReturnType<typeof import('../sandbox/index.js').startSandboxServer>>;

/** Starts the built-in sandbox; imported only here, so deployments with a real Jira never load it. */
async function startSandbox(runtime: LocalRuntime, sandboxDbPath: string): Promise<SandboxServer> {
  const { startSandboxServer } = await import('../sandbox/index.js');
  return startSandboxServer({ dbPath: sandboxDbPath, clock: runtime.clock });
}

function personalJira(
  config: Config,
  runtime: LocalRuntime,
  extra: Pick<PersonalJiraDeps, 'serviceClient' | 'atlassian' | 'siteUrl' | 'log'>,
): PersonalJira {
  return createPersonalJira({
    config,
    storage: runtime.storage,
    cipher: runtime.cipher,
    clock: runtime.clock,
    ...(runtime.metrics === undefined ? {} : { metrics: runtime.metrics }),
    ...extra,
  });
}

/** A client for the per-person modes' `JiraSetup.client`: there is no shared credential. */
function noSharedClient(config: Config, runtime: LocalRuntime): JiraClient {
  return jiraClient(
    config,
    {
      get: () =>
        Promise.reject(
          new JiraError(
            JIRA_ERROR.notConfigured,
            `This gateway has no shared Jira account (JIRA_AUTH=${config.jiraAuth}): each person's own account acts.`,
          ),
        ),
    },
    runtime,
  );
}

function personalLog(logger: Logger | undefined): Pick<PersonalJiraDeps, 'log'> {
  if (logger === undefined) return {};
  return {
    log: (level, message, detail) => {
      logger[level](message, detail);
    },
  };
}

/**
 * Decides which Jira the tools talk to, and as whom (`JIRA_AUTH`):
 * - `service`: 1. `JIRA_BASE_URL` with `JIRA_EMAIL` and `JIRA_API_TOKEN`:
 *   stored encrypted (so the store is the single source), then read back;
 *   2. else a credential stored with `jira set-credentials`; 3. else the
 *   built-in sandbox on a loopback port, as its demo user.
 * - `atlassian-oauth`: each person's Atlassian account; with no
 *   ATLASSIAN_CLIENT_ID (and no JIRA_BASE_URL) the sandbox plays Atlassian.
 * - `personal-token`: each person's API token on JIRA_BASE_URL, or on the sandbox.
 */
export async function resolveJira(
  config: Config,
  runtime: LocalRuntime,
  sandboxDbPath: string,
  logger?: Logger,
): Promise<JiraSetup> {
  const setup = await resolveSetup(config, runtime, sandboxDbPath, logger);
  const { siteUrl } = setup.personal;
  return siteUrl === undefined ? setup : { ...setup, siteUrl };
}

async function resolveSetup(
  config: Config,
  runtime: LocalRuntime,
  sandboxDbPath: string,
  logger: Logger | undefined,
): Promise<JiraSetup> {
  if (config.jiraAuth === 'atlassian-oauth')
    return resolveAtlassian(config, runtime, sandboxDbPath, logger);
  if (config.jiraAuth === 'personal-token')
    return resolvePersonalTokens(config, runtime, sandboxDbPath, logger);
  const store = new JiraCredentialStore(runtime.storage.secrets, runtime.cipher, runtime.clock);
  if (config.jira !== undefined && config.jira.email !== '' && config.jira.apiToken !== '') {
    await store.set(config.jira);
  }
  const stored = await store.get();
  if (stored !== undefined) {
    const provider = storedCredentialsProvider(store);
    const client = jiraClient(config, provider, runtime);
    // One quick try of its own (no retries, short timeout), so closing never waits long on it.
    const probe = new JiraClient({
      credentials: staticCredentialsProvider(stored),
      timeoutMs: Math.min(config.jiraTimeoutMs, DESCRIBE_TIMEOUT_MS),
      maxRetries: 0,
      clock: runtime.clock,
    });
    const describing = describeStoredAccount(probe, stored.baseUrl, runtime, logger);
    return {
      client,
      personal: personalJira(config, runtime, { serviceClient: client, siteUrl: stored.baseUrl }),
      description: `${stored.baseUrl} as ${stored.email} (credential stored encrypted)`,
      notes: [],
      // The provider keeps a credential it has read in memory: one decrypt, not one per probe.
      ready: async () => {
        await provider.get();
      },
      close: () => describing,
    };
  }
  if (config.jira !== undefined) {
    // A setting the operator must fix, so it is reported as one (exit 1, no stack).
    throw new ConfigError(
      'Invalid configuration:\n  JIRA_EMAIL, JIRA_API_TOKEN: required with JIRA_BASE_URL when no credential is stored; set both, or store one with `jira set-credentials`',
    );
  }
  const sandbox = await startSandbox(runtime, sandboxDbPath);
  const { SANDBOX_USERS } = await import('../sandbox/index.js');
  const user = SANDBOX_USERS[0];
  if (user === undefined) throw new Error('the sandbox has no users');
  const client = jiraClient(
    config,
    staticCredentialsProvider({
      baseUrl: sandbox.url,
      email: user.emailAddress,
      apiToken: user.apiToken,
    }),
    runtime,
  );
  return {
    client,
    personal: personalJira(config, runtime, { serviceClient: client, siteUrl: sandbox.url }),
    description: `built-in sandbox at ${sandbox.url} (demo project DEMO, acting as ${user.emailAddress}); set JIRA_BASE_URL to use a real site`,
    notes: [],
    close: () => sandbox.close(),
  };
}

/** The longest the background `/myself` of {@link describeStoredAccount} may take. */
const DESCRIBE_TIMEOUT_MS = 5_000;

/**
 * Checks the shared credential at start-up (`/myself`; a failure is logged
 * with what is wrong: base URL, refused or CAPTCHA-locked credential), and
 * stores who it is (non-secret) when no
 * description of the stored credential exists yet (one set from
 * JIRA_BASE_URL/JIRA_EMAIL/JIRA_API_TOKEN, or stored by an older version),
 * so that a process that cannot decrypt the credential (the OAuth function
 * on AWS) names the account on the consent page. In the background: start-up
 * never waits on Jira; a failure is logged and the page names no one.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
async function describeStoredAccount(
  client: JiraClient,
  siteUrl: string,
  runtime: LocalRuntime,
  logger: Logger | undefined,
): Promise<void> {
  const described = new SharedJiraAccountStore(runtime.storage.secrets, runtime.clock);
  try {
    // Asked every start, so a wrong base URL or a refused credential is in the log at once.
    const account = await describeSharedAccount(client, siteUrl);
    if ((await described.get()) !== undefined) return;
    const credentialUpdatedAt = await described.credentialUpdatedAt();
    if (credentialUpdatedAt === undefined) return;
    await described.set(account, credentialUpdatedAt);
  } catch (error) {
    // A JiraError's message says what is wrong (base URL, credential) and never holds a secret.
    logger?.warn(
      error instanceof JiraError
        ? `Jira start-up check (GET /rest/api/3/myself) failed: ${error.message}`
        : 'could not record who the shared Jira account is',
      {
        error:
          error instanceof JiraError ? error.code : error instanceof Error ? error.name : 'unknown',
      },
    );
  }
}

/** JIRA_AUTH=atlassian-oauth: the configured Atlassian app, or the sandbox playing Atlassian. */
async function resolveAtlassian(
  config: Config,
  runtime: LocalRuntime,
  sandboxDbPath: string,
  logger: Logger | undefined,
): Promise<JiraSetup> {
  const redirectUri = `${config.publicUrl}${JIRA_OAUTH_CALLBACK_PATH}`;
  if (config.atlassian !== undefined) {
    const secret =
      config.atlassian.clientSecret ??
      (await new AtlassianClientSecretStore(
        runtime.storage.secrets,
        runtime.cipher,
        runtime.clock,
      ).get());
    if (secret === undefined) {
      throw new ConfigError(
        'Invalid configuration:\n  ATLASSIAN_CLIENT_SECRET: required with JIRA_AUTH=atlassian-oauth; set it, or store it with `atlassian set-client-secret`',
      );
    }
    const site = config.jira?.baseUrl;
    return {
      client: noSharedClient(config, runtime),
      personal: personalJira(config, runtime, {
        ...(site === undefined ? {} : { siteUrl: site }),
        ...personalLog(logger),
      }),
      description: `each person's own Atlassian account (JIRA_AUTH=atlassian-oauth, OAuth 2.0 3LO app ${config.atlassian.clientId}) on ${site ?? 'the one Jira site each person grants'}`,
      notes: [
        `Atlassian callback URL (register it in the developer console): ${config.atlassian.redirectUri}`,
      ],
      close: () => Promise.resolve(),
    };
  }
  const sandbox = await startSandbox(runtime, sandboxDbPath);
  const { SANDBOX_ATLASSIAN_APP } = await import('../sandbox/index.js');
  // Any loopback callback is pre-registered; a PUBLIC_URL elsewhere is added here.
  sandbox.sandbox.atlassian.registerRedirectUri(redirectUri);
  return {
    client: noSharedClient(config, runtime),
    personal: personalJira(config, runtime, {
      atlassian: {
        clientId: SANDBOX_ATLASSIAN_APP.clientId,
        clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
        authUrl: sandbox.url,
        apiUrl: sandbox.url,
        scopes: [...ATLASSIAN_SCOPES],
        redirectUri,
      },
      ...personalLog(logger),
    }),
    description: `built-in sandbox at ${sandbox.url} playing Atlassian (JIRA_AUTH=atlassian-oauth): each person links a sandbox account (alice@example.com or bob@example.com, password "sandbox"); set ATLASSIAN_CLIENT_ID and JIRA_BASE_URL to use a real site`,
    notes: [`Atlassian callback URL: ${redirectUri}`],
    close: () => sandbox.close(),
  };
}

/** JIRA_AUTH=personal-token: each person's API token on JIRA_BASE_URL, or on the sandbox. */
async function resolvePersonalTokens(
  config: Config,
  runtime: LocalRuntime,
  sandboxDbPath: string,
  logger: Logger | undefined,
): Promise<JiraSetup> {
  if (config.jira !== undefined) {
    return {
      client: noSharedClient(config, runtime),
      personal: personalJira(config, runtime, {
        siteUrl: config.jira.baseUrl,
        ...personalLog(logger),
      }),
      description: `${config.jira.baseUrl}, as each person's own API token (JIRA_AUTH=personal-token, stored encrypted)`,
      notes: [],
      close: () => Promise.resolve(),
    };
  }
  const sandbox = await startSandbox(runtime, sandboxDbPath);
  return {
    client: noSharedClient(config, runtime),
    personal: personalJira(config, runtime, { siteUrl: sandbox.url, ...personalLog(logger) }),
    description: `built-in sandbox at ${sandbox.url}, as each person's own API token (JIRA_AUTH=personal-token; sandbox tokens: sandbox-token-alice, sandbox-token-bob); set JIRA_BASE_URL to use a real site`,
    notes: [],
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
    ...(runtime.metrics === undefined ? {} : { metrics: runtime.metrics }),
  });
}

/** In-process for one process; RFC 7662 introspection when the MCP role runs alone. */
export function createTokenVerifier(
  config: Config,
  runtime: Pick<LocalRuntime, 'storage' | 'clock'>,
  logger?: Logger,
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
    acceptPersonalAccessTokens: config.personalAccessTokens.enabled,
    ...(logger === undefined
      ? {}
      : {
          onGrantUseError: (error: unknown) => {
            logger.warn('recording a grant use failed', {
              error: error instanceof Error ? error.name : 'unknown',
            });
          },
        }),
  });
}

/** The function that mounts /mcp on the app. */
export function createMcpMount(
  config: Config,
  runtime: LocalRuntime,
  jira: JiraSetup,
  logger?: Logger,
): (app: GatewayApp) => void {
  const verifier = createTokenVerifier(config, runtime, logger);
  return (app) => {
    registerMcpRoutes(app, {
      config,
      verifier,
      jira: jira.client,
      callerJira: jira.personal,
      grants: runtime.storage.grants,
      audit: runtime.audit,
      clock: runtime.clock,
      ...(logger === undefined ? {} : { log: mcpLogSink(logger) }),
      ...(runtime.metrics === undefined ? {} : { metrics: runtime.metrics }),
    });
  };
}
