import { serve, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { UserService } from '../accounts/users.js';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../http/logger.js';
import type { PeerAddress } from '../http/types.js';
import { parseCommand, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { composeGateway } from './compose.js';
import { createMcpMount, resolveJira, type JiraSetup } from './jira-setup.js';
import { openLocalRuntime, type LocalRuntime } from './runtime.js';

export const SERVE_USAGE = `Usage: jira-mcp-gateway serve [--role all|oauth|mcp] [--port N] [--host ADDR]
                              [--public-url URL] [--data-dir DIR] [--log-level LEVEL]

Runs the gateway. With no configuration it listens on http://127.0.0.1:8080,
keeps its data in ./data (SQLite), and, when no Jira site is configured, starts
the built-in Jira sandbox (demo project DEMO) and points the tools at it.

Roles:
  all    the authorization server and /mcp in one process (default)
  oauth  only the authorization server
  mcp    only /mcp; checks tokens by introspection at OAUTH_INTERNAL_URL
         (needs INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET)

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
  close(): Promise<void>;
}

/**
 * Starts the gateway for a configuration: storage, first admin, Jira (or
 * the sandbox), the app, and the HTTP(S) listener. Prints the banner.
 */
export async function startGateway(
  config: Config,
  io: Pick<CliIo, 'stdout'>,
  logger: Logger,
): Promise<RunningGateway> {
  const runtime: LocalRuntime = await openLocalRuntime(config, logger);
  let jira: JiraSetup | undefined;
  let adminPassword: string | undefined;
  try {
    if (config.role !== 'mcp') {
      adminPassword = await new UserService(
        runtime.storage.users,
        runtime.clock,
      ).ensureFirstAdmin();
    }
    if (config.role !== 'oauth') {
      jira = await resolveJira(config, runtime, path.join(config.dataDir, 'sandbox.db'));
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const app = composeGateway({
    config,
    storage: runtime.storage,
    audit: runtime.audit,
    clock: runtime.clock,
    logger,
    peerAddress: nodePeerAddress,
    ...(jira === undefined ? {} : { mountMcp: createMcpMount(config, runtime, jira) }),
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const tls = config.tls;
    const created = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        ...(tls === undefined
          ? {}
          : {
              createServer: createHttpsServer,
              serverOptions: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) },
            }),
      },
      () => {
        resolve(created);
      },
    );
    created.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const scheme = config.tls === undefined ? 'http' : 'https';
  const url = `${scheme}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const lines = [
    `jira-mcp-gateway listening on ${url} (role: ${config.role})`,
    `  issuer (PUBLIC_URL): ${config.publicUrl}`,
  ];
  if (config.role !== 'oauth') lines.push(`  MCP endpoint:        ${config.resource}`);
  lines.push(
    `  data:                ${
      config.dynamoDb === undefined
        ? config.databasePath
        : `DynamoDB table ${config.dynamoDb.tableName}`
    } (${runtime.masterKeySource === 'kms' ? 'credential key: AWS KMS' : `master key: ${runtime.masterKeySource}`})`,
  );
  if (jira !== undefined) lines.push(`  Jira:                ${jira.description}`);
  if (adminPassword !== undefined) {
    lines.push(
      '',
      '  First run: created user "admin" with password',
      `      ${adminPassword}`,
      '  (shown only now; stored hashed. Add users with `npm run cli -- user add NAME --password-stdin`.)',
    );
  }
  io.stdout(lines.join('\n') + '\n');

  return {
    url,
    config,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        // Streamable HTTP clients may hold keep-alive sockets open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await jira?.close();
      await runtime.close();
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
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.close();
  return 0;
}
