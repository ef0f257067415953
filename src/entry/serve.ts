import type { ServerType } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { UserService } from '../accounts/users.js';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../http/logger.js';
import type { PeerAddress } from '../http/types.js';
import { parseCommand, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { OidcClientSecretStore } from '../accounts/oidc/client-secret-store.js';
import { createRelyingParty, discoverInBackground } from '../accounts/oidc/create-relying-party.js';
import type { OidcRelyingParty } from '../accounts/oidc/relying-party.js';
import { signInSummary } from '../accounts/oidc/sign-in-summary.js';
import { composeGateway, createGatewayClientDirectory } from './compose.js';
import { createMcpMount, resolveJira, type JiraSetup } from './jira-setup.js';
import { listen } from './listen.js';
import { issuerConfigs, selectByHost } from './loopback-issuers.js';
import { startPeriodicPurge } from './purge-runner.js';
import { openLocalRuntime, type LocalRuntime } from './runtime.js';
import { trackRequests } from './graceful-shutdown.js';
import { opsRoutes } from './ops-setup.js';
import type { Readiness } from '../ops/readiness.js';
import { createPrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { GATEWAY_VERSION } from '../version.js';
import { describeDatabaseUrl } from '../storage/postgres/database-url.js';

export const SERVE_USAGE = `Usage: jira-mcp-gateway serve [--role all|oauth|mcp] [--port N] [--host ADDR]
                              [--public-url URL] [--data-dir DIR] [--log-level LEVEL]

Runs the gateway. With no configuration it listens on http://127.0.0.1:8080,
keeps its data in ./data (SQLite), and, when no Jira site is configured, starts
the built-in Jira sandbox (demo project DEMO) and points the tools at it.

The first line it prints is the URL to give MCP clients (PUBLIC_URL + /mcp).
With PUBLIC_URL unset that is http://localhost:8080/mcp, and
http://127.0.0.1:8080/mcp answers too, as its own issuer (docs/clients.md).
If it cannot start (port taken, DATA_DIR unusable, Jira credential missing)
it exits with status 1 and names the setting to change.

Roles:
  all    the authorization server and /mcp in one process (default)
  oauth  only the authorization server
  mcp    only /mcp; checks tokens by introspection at OAUTH_INTERNAL_URL
         (needs INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET),
         or in-process with STORAGE=dynamodb or STORAGE=postgres

Replicas: with STORAGE=postgres and DATABASE_URL, any number of serve
processes (role all) share one PostgreSQL database behind a load balancer;
give them all the same PUBLIC_URL and MASTER_KEY. Each applies the schema
migrations itself at start-up (safe when several start at once). TLS to the
database is set in the URL (sslmode=verify-full&sslrootcert=/path/ca.pem);
DATABASE_POOL_SIZE bounds each process's connections (default 10).

Sign-in: local accounts by default. To sign in through the organisation's
OpenID Connect provider set OIDC_ISSUER and OIDC_CLIENT_ID (and a client
secret: OIDC_CLIENT_SECRET, or stored with 'oidc set-client-secret'), and
register this redirect URI at the provider:
  <PUBLIC_URL>/login/oidc/callback
The start-up banner prints it with PUBLIC_URL filled in. See docs/identity.md.

Whose Jira account acts (JIRA_AUTH): 'service' (default) uses the one shared
credential; 'atlassian-oauth' has each person link their own Atlassian account
(OAuth 2.0 3LO: ATLASSIAN_CLIENT_ID, and a client secret in
ATLASSIAN_CLIENT_SECRET or stored with 'atlassian set-client-secret'), with
this callback URL registered in Atlassian's developer console:
  <PUBLIC_URL>/jira/oauth/callback
'personal-token' has each person store their own Jira API token. Without
JIRA_BASE_URL (and ATLASSIAN_CLIENT_ID) the built-in sandbox plays Jira and
Atlassian. The banner names the mode and the callback URL. See docs/identity.md.

Tools (README "Tools"): TOOLSETS picks tool groups, default
core,agile,history,structure ('all': every one: core, agile, attachments,
history, structure, collaboration); or ENABLED_TOOLS names the exact tools
instead (not both). READ_ONLY=true then hides every write tool. A misspelt
name stops the start. Destructive calls (delete a link, remove a watcher,
close a sprint) ask the person in a form when the client supports
elicitation, else need confirm: true; with several replicas route /mcp by the
Authorization header or set CONFIRM_BY_ELICITATION=false (docs/clients.md).

The all and oauth roles purge what is done with (expired codes, tokens,
sessions, counters, old grants, unused clients, audit events past retention)
every PURGE_INTERVAL_SECONDS (default 3600; 0: never, run 'purge' instead).

Operations: GET /healthz (alive) and GET /readyz (storage answers, Jira
configured; 503 while not, or once shutting down) need no token. METRICS=true
serves Prometheus metrics at /metrics, behind METRICS_TOKEN (a Bearer secret)
when set. On SIGTERM or SIGINT it stops accepting connections, lets requests
in flight finish for up to SHUTDOWN_TIMEOUT_SECONDS (default 10; a second
signal cuts them at once), closes storage and exits 0. See docs/deploy.md.

Every setting is also an environment variable; see 'jira-mcp-gateway --help'.
`;

/** The peer address of a request served by @hono/node-server. */
export const nodePeerAddress: PeerAddress = (_request, env) => {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket.remoteAddress;
};

/** A running gateway process: its URL and how to stop it. */
export interface RunningGateway {
  url: string;
  config: Config;
  /** Stops at once: open connections are cut. */
  close(): Promise<void>;
  /**
   * Stops gracefully: `/readyz` answers 503, no new connections, requests
   * in flight get up to `timeoutMs` to finish, then storage closes.
   * Returns how many requests were still running when the bound ran out.
   */
  shutdown(timeoutMs: number): Promise<{ cut: number; inFlightAtStart: number }>;
  /** During a {@link RunningGateway.shutdown}: stop waiting for in-flight requests now. */
  cutNow(): void;
}

/** Whether a loopback alias can be reached on the address the listener binds. */
function reachable(alias: string, host: string): boolean {
  const ipv6 = new URL(alias).hostname === '[::1]';
  if (host === '::' || host === 'localhost') return true;
  return ipv6 ? host === '::1' : host !== '::1';
}

/**
 * The start-up banner. It leads with the one URL to paste into an MCP
 * client (the resource, exactly as the metadata names it), so nobody
 * copies the listening address instead, whose host may be another spelling.
 * @see RFC 9728 §3.3 (the resource must be the URL the client was given)
 */
export function bannerLines(options: {
  config: Config;
  url: string;
  data: string;
  jira?: string;
  /** Lines under the Jira line (the Atlassian callback URL to register). */
  jiraNotes?: readonly string[];
  adminPassword?: string;
}): string[] {
  const { config } = options;
  const lines: string[] = [];
  if (config.role !== 'oauth') {
    lines.push(`MCP endpoint:        ${config.resource}`);
    const aliases = (config.loopbackAliases ?? []).filter((alias) => reachable(alias, config.host));
    if (aliases.length > 0) {
      lines.push(
        `  also answers as:   ${aliases.map((alias) => `${alias}/mcp`).join(', ')} (each its own issuer)`,
      );
    }
  }
  lines.push(
    `jira-mcp-gateway listening on ${options.url} (role: ${config.role})`,
    `  issuer (PUBLIC_URL): ${config.publicUrl}`,
    `  data:                ${options.data}`,
  );
  if (options.jira !== undefined) lines.push(`  Jira:                ${options.jira}`);
  for (const note of options.jiraNotes ?? []) lines.push(`                       ${note}`);
  if (config.role !== 'mcp') lines.push(...signInSummary(config));
  if (options.adminPassword !== undefined) {
    lines.push(
      '',
      '  First run: created user "admin" with password',
      `      ${options.adminPassword}`,
      '  (shown only now; stored hashed. Add users with `npm run cli -- user add NAME --password-stdin`;',
      '  lost it? `npm run cli -- user set-password admin --password-stdin` sets a new one.)',
    );
  }
  return lines;
}

/**
 * Starts the gateway for a configuration: storage, first admin, Jira (or
 * the sandbox), one app per issuer (see loopback-issuers.ts), and the
 * HTTP(S) listener. Prints the banner. A listener that cannot start closes
 * everything it opened and throws a {@link ConfigError} naming the setting.
 */
export async function startGateway(
  config: Config,
  io: Pick<CliIo, 'stdout'>,
  logger: Logger,
): Promise<RunningGateway> {
  const prometheus = config.metrics.enabled
    ? createPrometheusMetrics({ version: GATEWAY_VERSION })
    : undefined;
  const opened = await openLocalRuntime(config, logger);
  const runtime: LocalRuntime =
    prometheus === undefined ? opened : { ...opened, metrics: prometheus.metrics };
  let jira: JiraSetup | undefined;
  let adminPassword: string | undefined;
  let relyingParty: OidcRelyingParty | undefined;
  let server: ServerType;
  let readiness: Readiness;
  try {
    // With LOCAL_LOGIN=false a password admin could never sign in: none is made.
    if (config.role !== 'mcp' && config.localLogin) {
      adminPassword = await new UserService(
        runtime.storage.users,
        runtime.clock,
      ).ensureFirstAdmin();
    }
    // The oauth role links people's Jira accounts at /authorize in the
    // per-person modes, so it needs Jira then too (never the /mcp mount).
    if (config.role !== 'oauth' || config.jiraAuth !== 'service') {
      jira = await resolveJira(config, runtime, path.join(config.dataDir, 'sandbox.db'), logger);
    }
    const base = {
      storage: runtime.storage,
      audit: runtime.audit,
      clock: runtime.clock,
      logger,
      peerAddress: nodePeerAddress,
    };
    const clients = createGatewayClientDirectory({ config, ...base });
    const ops = opsRoutes(config, runtime, jira, logger, prometheus);
    relyingParty =
      config.oidc === undefined || config.role === 'mcp'
        ? undefined
        : createRelyingParty(
            config.oidc,
            () =>
              new OidcClientSecretStore(
                runtime.storage.secrets,
                runtime.cipher,
                runtime.clock,
              ).get(),
            { clock: runtime.clock },
          );
    const apps = issuerConfigs(config).map(({ host, config: issuer }) => ({
      host,
      value: composeGateway({
        ...base,
        config: issuer,
        clients,
        ...(relyingParty === undefined ? {} : { oidcRelyingParty: relyingParty }),
        ...(jira === undefined || config.role === 'oauth'
          ? {}
          : { mountMcp: createMcpMount(issuer, runtime, jira, logger) }),
        ...(jira === undefined ? {} : { personalJira: jira.personal }),
        ops,
        ...(runtime.metrics === undefined ? {} : { metrics: runtime.metrics }),
      }),
    }));
    readiness = ops.readiness;
    server = await listen(config, (request, env) =>
      selectByHost(apps, request.headers.get('host')).fetch(request, env),
    );
  } catch (error) {
    // Nothing may keep the process alive after a failed start (the sandbox's
    // listener, the database): the operator must see it exit.
    await jira?.close();
    await runtime.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const scheme = config.tls === undefined ? 'http' : 'https';
  const url = `${scheme}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const data = `${
    config.postgres !== undefined
      ? describeDatabaseUrl(config.postgres.url)
      : config.dynamoDb === undefined
        ? config.databasePath
        : `DynamoDB table ${config.dynamoDb.tableName}`
  } (${runtime.masterKeySource === 'kms' ? 'credential key: AWS KMS' : `master key: ${runtime.masterKeySource}`})`;
  const lines = bannerLines({
    config,
    url,
    data,
    ...(jira === undefined ? {} : { jira: jira.description, jiraNotes: jira.notes }),
    ...(adminPassword === undefined ? {} : { adminPassword }),
  });
  io.stdout(lines.join('\n') + '\n');
  if (relyingParty !== undefined) discoverInBackground(relyingParty, logger);

  // The authorization server's roles own the records a purge deletes; an
  // mcp-only process sharing the store leaves it to them.
  const purge =
    config.role !== 'mcp' && config.purgeIntervalSeconds > 0
      ? startPeriodicPurge(
          {
            storage: runtime.storage,
            audit: runtime.audit,
            clock: runtime.clock,
            settings: {
              unusedClientTtlSeconds: config.unusedClientTtlSeconds,
              auditRetentionDays: config.auditRetentionDays,
            },
          },
          config.purgeIntervalSeconds,
          logger,
        )
      : undefined;

  const requests = trackRequests(server as Parameters<typeof trackRequests>[0]);
  let stopping: Promise<{ cut: number; inFlightAtStart: number }> | undefined;
  const shutdown = (timeoutMs: number): Promise<{ cut: number; inFlightAtStart: number }> => {
    stopping ??= (async () => {
      readiness.drain();
      // Streamable HTTP clients may hold keep-alive sockets open: the drain closes them.
      const drained = await requests.drain(timeoutMs);
      await purge?.stop();
      await jira?.close();
      await runtime.close();
      return drained;
    })();
    return stopping;
  };
  return {
    url,
    config,
    async close() {
      await shutdown(0);
    },
    shutdown,
    cutNow: () => {
      requests.cutNow();
    },
  };
}

/** `serve`: runs until SIGINT or SIGTERM, then closes cleanly. */
export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, {});
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument (did you mean --role ${parsed.positionals[0] ?? ''}?)`,
    );
  }
  const config = loadConfig(io.env, parsed.configFlags);
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(line + '\n'));
  const running = await startGateway(config, io, logger);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  logger.info('shutting down: no new connections; requests in flight may finish', {
    signal,
    timeoutSeconds: config.shutdownTimeoutSeconds,
  });
  // A second signal means "now": the operator will not wait for the bound.
  const hurry = (): void => {
    running.cutNow();
  };
  process.on('SIGINT', hurry);
  process.on('SIGTERM', hurry);
  try {
    const { cut, inFlightAtStart } = await running.shutdown(config.shutdownTimeoutSeconds * 1000);
    const fields = { inFlightAtStart, cut };
    if (cut > 0) logger.warn('stopped: requests still running were cut', fields);
    else logger.info('stopped', fields);
  } finally {
    process.off('SIGINT', hurry);
    process.off('SIGTERM', hurry);
  }
  // A cut request's handler may still await Jira (up to JIRA_TIMEOUT_MS):
  // with the listener and storage closed nothing is left to serve, so the
  // process must not linger for it. Unref'd: fires only if something still
  // holds the event loop; the exit code is the one the CLI sets (0).
  setTimeout(() => {
    process.exit();
  }, EXIT_GRACE_MS).unref();
  return 0;
}

/** How long a stopped `serve` may wait for stray work before it exits anyway. */
const EXIT_GRACE_MS = 500;
