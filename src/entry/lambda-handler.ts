/**
 * The Lambda side of the gateway's one `Request -> Response` app: API
 * Gateway HTTP API (payload format 2.0) events in, structured results out,
 * with the app built once per container on first use.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
/* eslint-disable @typescript-eslint/no-deprecated -- `hono/aws-lambda` is
   deprecated in favour of a separate `@hono/aws-lambda` package, which the npm
   registry did not have (404, checked 2026-11-27); it is the same adapter, and
   moving is an import change once it is published. */
import { handle, type LambdaEvent as HonoLambdaEvent } from 'hono/aws-lambda';
import { z } from 'zod';
import type { GatewayApp, PeerAddress } from '../http/types.js';

/** A handler for an HTTP API route with payload format version 2.0. */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const LAMBDA_ENV = z.object({
  requestContext: z.object({ http: z.object({ sourceIp: z.string().min(1) }) }),
});

/**
 * The client address API Gateway saw on the TCP connection. Unlike
 * `X-Forwarded-For`, the client cannot write it, so login throttling and
 * registration limits key on it (TRUST_PROXY stays off on Lambda).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export const lambdaPeerAddress: PeerAddress = (_request, env) => {
  const parsed = LAMBDA_ENV.safeParse(env);
  return parsed.success ? parsed.data.requestContext.http.sourceIp : undefined;
};

/**
 * Wraps an app factory as an HTTP API handler. `build` runs on the first
 * invocation of a container and its app serves every later one; a `build`
 * that throws (a configuration error) is retried on the next invocation
 * rather than remembered, and its message (which names settings, never
 * values) reaches the function's log through the Lambda runtime.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
 */
export function lazyHttpApiHandler(build: () => GatewayApp): HttpApiHandler {
  let adapted: ReturnType<typeof handle> | undefined;
  return async (event, context) => {
    adapted ??= handle(build());
    // The adapter's own event type is stricter than what API Gateway sends
    // (it requires `authorizer`, absent without an authorizer, and a non-optional
    // `body`); it reads only the fields the AWS type has, and tolerates the absences.
    const result = await adapted(event as unknown as HonoLambdaEvent, context);
    return {
      statusCode: result.statusCode,
      headers: singleValued(result.headers),
      body: result.body,
      isBase64Encoded: result.isBase64Encoded,
      // Payload 2.0 returns each Set-Cookie separately; a header can hold only one.
      ...(result.cookies === undefined ? {} : { cookies: result.cookies }),
    };
  };
}

function singleValued(
  headers: Readonly<Record<string, string | string[]>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
