/**
 * The AWS Lambda entry: the gateway as two functions behind one API Gateway
 * HTTP API (payload format 2.0), sharing one DynamoDB table. The CDK app
 * bundles each function from its own file (`lambda-oauth.ts`,
 * `lambda-mcp.ts`) so neither carries the other's code; this module offers
 * both, and the factory the tests use.
 */
import { createMcpLambdaHandler } from './lambda-mcp.js';
import { createOAuthLambdaHandler } from './lambda-oauth.js';
import type { HttpApiHandler } from './lambda-handler.js';
import type { LambdaOverrides } from './lambda-runtime.js';

export type { HttpApiHandler } from './lambda-handler.js';
export type { LambdaOverrides } from './lambda-runtime.js';
export { handler as oauthHandler } from './lambda-oauth.js';
export { handler as mcpHandler } from './lambda-mcp.js';

export interface LambdaHandlers {
  /** Role oauth: everything but `/mcp`. */
  oauth: HttpApiHandler;
  /** Role mcp: `/mcp` and its protected resource metadata. */
  mcp: HttpApiHandler;
}

/**
 * Both handlers for one environment. Each builds its app on its own first
 * invocation, once per container.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function createLambdaHandlers(
  env: Readonly<Record<string, string | undefined>>,
  overrides: LambdaOverrides = {},
): LambdaHandlers {
  return {
    oauth: createOAuthLambdaHandler(env, overrides),
    mcp: createMcpLambdaHandler(env, overrides),
  };
}
