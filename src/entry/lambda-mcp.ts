/**
 * The MCP function: `/mcp` and its protected resource metadata on API
 * Gateway. Tokens are checked in-process against the DynamoDB table the
 * OAuth function writes (no introspection hop, and so no resource-server
 * secret to keep); the Jira credential is read from the same table and
 * decrypted with KMS, then kept for a few minutes (see lambda-credentials.ts).
 */
import { createKmsCipher } from '../crypto/kms-cipher.js';
import { registerMcpRoutes } from '../http/mcp-routes.js';
import { JiraClient } from '../jira/client.js';
import { JiraCredentialStore, storedCredentialsProvider } from '../jira/credentials.js';
import { createInProcessTokenVerifier } from '../mcp/in-process-token-verifier.js';
import { ConfigError } from '../config/config.js';
import { composeGateway } from './compose.js';
import { expiringCredentials } from './lambda-credentials.js';
import { loadLambdaConfig } from './lambda-config.js';
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
        'Invalid configuration:\n  KMS_KEY_ID: required by the MCP function to decrypt the Jira credential',
      );
    }
    const runtime = openLambdaRuntime(loaded, overrides);
    const { config, storage, audit, clock, logger } = runtime;
    const cipher = createKmsCipher({
      keyId: loaded.kmsKeyId,
      ...(overrides.kmsClient === undefined ? {} : { client: overrides.kmsClient }),
    });
    const jira = new JiraClient({
      credentials: expiringCredentials(
        storedCredentialsProvider(new JiraCredentialStore(storage.secrets, cipher, clock)),
        clock,
      ),
      timeoutMs: config.jiraTimeoutMs,
      maxRetries: config.jiraMaxRetries,
      clock,
    });
    const verifier = createInProcessTokenVerifier({ storage, clock, resource: config.resource });
    return composeGateway({
      ...runtime,
      peerAddress: lambdaPeerAddress,
      mountMcp: (app) => {
        registerMcpRoutes(app, {
          config,
          verifier,
          jira,
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
