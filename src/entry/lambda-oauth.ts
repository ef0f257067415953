/**
 * The OAuth function: the authorization server half of the gateway (metadata,
 * registration, authorize with login and consent, token, revoke, introspect)
 * on API Gateway, over the shared DynamoDB table. It never touches the Jira
 * credential, so it has no KMS client.
 */
import { composeGateway } from './compose.js';
import { loadLambdaConfig } from './lambda-config.js';
import { lambdaPeerAddress, lazyHttpApiHandler, type HttpApiHandler } from './lambda-handler.js';
import { openLambdaRuntime, type LambdaOverrides } from './lambda-runtime.js';

/**
 * The OAuth function's handler for `env`; the app is built on its first
 * invocation (see {@link lazyHttpApiHandler}).
 * @see RFC 6749 §3; RFC 8414 §3; RFC 7591 §3; RFC 7662 §2; RFC 7009 §2
 */
export function createOAuthLambdaHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: LambdaOverrides = {},
): HttpApiHandler {
  return lazyHttpApiHandler(() => {
    const runtime = openLambdaRuntime(loadLambdaConfig(env, 'oauth'), overrides);
    return composeGateway({
      config: runtime.config,
      storage: runtime.storage,
      audit: runtime.audit,
      clock: runtime.clock,
      logger: runtime.logger,
      peerAddress: lambdaPeerAddress,
    });
  });
}

/** The OAuth function's entry point (`handler` in the CDK app). */
export const handler: HttpApiHandler = createOAuthLambdaHandler(process.env);
