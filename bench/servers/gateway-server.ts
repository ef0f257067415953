/**
 * A gateway process under test: the app `serve` builds (composeGateway +
 * the /mcp mount of createMcpMount), with the token check chosen by the
 * benchmark, on 127.0.0.1. Started by bench/run.ts with
 * `node --import tsx bench/servers/gateway-server.ts` and an IPC channel;
 * it reports its URL when listening and stops on SIGTERM.
 *
 * Differences from `npm start`, all identical on both sides of a ratio:
 * the Jira sandbox runs in its own process (its cost is not the
 * gateway's), the log level is `warn` (no per-request access line), and
 * there is no start-up banner or first admin (bench/lib/gateway-fixture.ts
 * prepared the database).
 */
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { composeGateway } from '../../src/entry/compose.js';
import { createTokenVerifier } from '../../src/entry/jira-setup.js';
import { openLocalRuntime } from '../../src/entry/runtime.js';
import { nodePeerAddress } from '../../src/entry/serve.js';
import { createLogger } from '../../src/http/logger.js';
import { registerMcpRoutes } from '../../src/http/mcp-routes.js';
import type { GatewayApp } from '../../src/http/types.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import type { TokenVerifier } from '../../src/mcp/token-verifier.js';
import { SANDBOX_USERS } from '../../src/sandbox/seed.js';
import { BENCH_USERNAME } from '../lib/constants.js';
import { createAllowAllVerifier } from './allow-all-verifier.js';
import { answerHeapRequests, answerTimingRequests, tellParent } from './ipc.js';
import { timeVerifier } from './timed-verifier.js';

const OPTIONS = z.object({
  BENCH_DATA_DIR: z.string().min(1),
  // Set: STORAGE=postgres on this database instead of SQLite in BENCH_DATA_DIR.
  BENCH_DATABASE_URL: z.string().min(1).optional(),
  BENCH_PUBLIC_URL: z.url(),
  BENCH_PORT: z.string().regex(/^\d+$/),
  BENCH_ROLE: z.enum(['all', 'oauth', 'mcp']),
  BENCH_VERIFIER: z.enum(['storage', 'introspection', 'allow-all']),
  BENCH_SANDBOX_URL: z.url().optional(),
  BENCH_MASTER_KEY: z.string().min(1),
  BENCH_USER_ID: z.string().min(1),
  BENCH_CLIENT_ID: z.string().min(1),
  BENCH_INTROSPECTION_CLIENT_ID: z.string().optional(),
  BENCH_INTROSPECTION_CLIENT_SECRET: z.string().optional(),
  BENCH_INTROSPECTION_CACHE_SECONDS: z.string().regex(/^\d+$/).default('15'),
  BENCH_SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
});

async function main(): Promise<void> {
  const options = OPTIONS.parse(process.env);
  const config = loadConfig({
    PORT: options.BENCH_PORT,
    HOST: '127.0.0.1',
    PUBLIC_URL: options.BENCH_PUBLIC_URL,
    DATA_DIR: options.BENCH_DATA_DIR,
    ...(options.BENCH_DATABASE_URL === undefined
      ? {}
      : { STORAGE: 'postgres', DATABASE_URL: options.BENCH_DATABASE_URL }),
    LOG_LEVEL: 'warn',
    ROLE: options.BENCH_ROLE,
    MASTER_KEY: options.BENCH_MASTER_KEY,
    SQLITE_SYNCHRONOUS: options.BENCH_SQLITE_SYNCHRONOUS,
    // The dance registers a client per iteration from one address.
    REGISTRATION_RATE_LIMIT: '1000000000',
    // The mcp role needs the introspection settings even when the benchmark
    // replaces the check: configuration refuses an mcp role without them.
    ...(options.BENCH_ROLE === 'mcp'
      ? {
          OAUTH_INTERNAL_URL: options.BENCH_PUBLIC_URL,
          INTROSPECTION_CLIENT_ID: options.BENCH_INTROSPECTION_CLIENT_ID,
          INTROSPECTION_CLIENT_SECRET: options.BENCH_INTROSPECTION_CLIENT_SECRET,
          INTROSPECTION_CACHE_SECONDS: options.BENCH_INTROSPECTION_CACHE_SECONDS,
        }
      : {}),
  });
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(line + '\n'));
  const runtime = await openLocalRuntime(config, logger);

  let mountMcp: ((app: GatewayApp) => void) | undefined;
  if (config.role !== 'oauth') {
    const sandboxUrl = options.BENCH_SANDBOX_URL;
    const user = SANDBOX_USERS[0];
    if (sandboxUrl === undefined || user === undefined) {
      throw new Error('an MCP role needs BENCH_SANDBOX_URL');
    }
    // As resolveJira does for the built-in sandbox.
    const jira = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: sandboxUrl,
        email: user.emailAddress,
        apiToken: user.apiToken,
      }),
      timeoutMs: config.jiraTimeoutMs,
      maxRetries: config.jiraMaxRetries,
      clock: runtime.clock,
    });
    const checked: TokenVerifier =
      options.BENCH_VERIFIER === 'allow-all'
        ? createAllowAllVerifier({
            userId: options.BENCH_USER_ID,
            username: BENCH_USERNAME,
            clientId: options.BENCH_CLIENT_ID,
            resource: config.resource,
          })
        : createTokenVerifier(config, runtime);
    const timed = timeVerifier(checked);
    answerTimingRequests(() => timed.take());
    const { verifier } = timed;
    mountMcp = (app) => {
      registerMcpRoutes(app, {
        config,
        verifier,
        jira,
        audit: runtime.audit,
        clock: runtime.clock,
      });
    };
  }
  const app = composeGateway({
    config,
    storage: runtime.storage,
    audit: runtime.audit,
    clock: runtime.clock,
    logger,
    peerAddress: nodePeerAddress,
    ...(mountMcp === undefined ? {} : { mountMcp }),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const created = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
      resolve(created);
    });
  });
  answerHeapRequests();
  tellParent({ type: 'ready', url: `http://127.0.0.1:${config.port}` });
  process.once('SIGTERM', () => {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
    void runtime.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gateway-server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
