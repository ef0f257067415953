/**
 * The MCP function: `/mcp` and its protected resource metadata on API
 * Gateway. Tokens are checked in-process against the DynamoDB table the
 * OAuth function writes (no introspection hop, and so no resource-server
 * secret to keep); the Jira credential is read from the same table and
 * decrypted with KMS, then kept for a few minutes (see lambda-credentials.ts).
 * In the per-person JIRA_AUTH modes each call runs as the caller's own Jira
 * account instead, whose tokens it reads (and refreshes) from the table.
 */
import { registerMcpRoutes } from '../http/mcp-routes.js';
import { JiraClient } from '../jira/client.js';
import { JiraCredentialStore, storedCredentialsProvider } from '../jira/credentials.js';
import { createInProcessTokenVerifier } from '../mcp/in-process-token-verifier.js';
import { ConfigError } from '../config/config.js';
import { composeGateway } from './compose.js';
import { lazyKmsCipher } from './lambda-cipher.js';
import { expiringCredentials } from './lambda-credentials.js';
import { loadLambdaConfig } from './lambda-config.js';
import { lambdaPersonalJira } from './lambda-jira.js';
import { mcpLogSink } from './mcp-log-sink.js';
import { lambdaPeerAddress, lazyHttpApiHandler, type HttpApiHandler } from './lambda-handler.js';
import { openLambdaRuntime, type LambdaOverrides } from './lambda-runtime.js';

/**
 * The MCP function's handler for `env`; the app is built on its first
 * invocation (see {@link lazyHttpApiHandler}).
 * @see MCP 2025-11-25 transports (Streamable HTTP); MCP 2025-11-25 authorization; RFC 9728 §3
 */
export function createMcpLambdaHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: LambdaOverrides = {},
): HttpApiHandler {
  return lazyHttpApiHandler(() => {
    const loaded = loadLambdaConfig(env, 'mcp');
    if (loaded.kmsKeyId === undefined) {
      throw new ConfigError(
        "Invalid configuration:\n  KMS_KEY_ID: required by the MCP function to decrypt the Jira credential (or each person's Jira tokens)",
      );
    }
    const runtime = openLambdaRuntime(loaded, overrides);
    const { config, storage, audit, clock, logger } = runtime;
    const cipher = lazyKmsCipher(loaded.kmsKeyId, overrides.kmsClient);
    const personalJira = lambdaPersonalJira({ config, storage, cipher, clock, logger });
    // The per-person modes have no shared credential: each caller's own client acts.
    const jira =
      personalJira === undefined
        ? {
            jira: new JiraClient({
              credentials: expiringCredentials(
                storedCredentialsProvider(new JiraCredentialStore(storage.secrets, cipher, clock)),
                clock,
              ),
              timeoutMs: config.jiraTimeoutMs,
              maxRetries: config.jiraMaxRetries,
              clock,
            }),
          }
        : { callerJira: personalJira, grants: storage.grants };
    const verifier = createInProcessTokenVerifier({
      storage,
      clock,
      resource: config.resource,
      acceptPersonalAccessTokens: config.personalAccessTokens.enabled,
      onGrantUseError: (error) => {
        logger.warn('recording a grant use failed', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      },
    });
    return composeGateway({
      ...runtime,
      peerAddress: lambdaPeerAddress,
      mountMcp: (app) => {
        registerMcpRoutes(app, {
          config,
          verifier,
          ...jira,
          audit,
          clock,
          log: mcpLogSink(logger),
        });
      },
    });
  });
}

/** The MCP function's entry point (`handler` in the CDK app). */
export const handler: HttpApiHandler = createMcpLambdaHandler(process.env);
