/**
 * API Gateway HTTP API (payload format 2.0) events as API Gateway builds
 * them, and a small user agent that sends them to the gateway's two Lambda
 * handlers through the same route table the CDK app deploys. Cookies travel
 * as API Gateway carries them: the request's in the event's `cookies` array
 * (never a `cookie` header), the response's in the result's `cookies` array.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routeForPath, type GatewayFunction } from '../../../infra/routes.js';

export const API_DOMAIN = 'abc123defg.execute-api.eu-west-1.amazonaws.com';

export interface EventInput {
  method: string;
  /** Path with optional query, e.g. `/authorize?client_id=…`. */
  url: string;
  /** Any case; API Gateway hands them over lower-cased. */
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  /** Send the body base64-encoded, as API Gateway does for non-text bodies. */
  base64?: boolean;
  sourceIp?: string;
  routeKey?: string;
}

let requests = 0;

/** One HTTP API payload 2.0 event, with every field API Gateway sets. */
export function httpApiEvent(input: EventInput): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = input.url.split(/\?(.*)/s);
  const headers: Record<string, string> = { host: API_DOMAIN };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  const now = Date.now();
  requests += 1;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey ?? routeForPath(rawPath).routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      domainName: API_DOMAIN,
      domainPrefix: 'abc123defg',
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '198.51.100.23',
        userAgent: headers['user-agent'] ?? 'test-agent',
      },
      requestId: `req-${requests}`,
      routeKey: input.routeKey ?? routeForPath(rawPath).routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded: input.base64 === true,
  };
  if (rawQueryString !== '') {
    event.queryStringParameters = Object.fromEntries(new URLSearchParams(rawQueryString));
  }
  if (input.cookies !== undefined && input.cookies.length > 0) event.cookies = input.cookies;
  if (input.body !== undefined) {
    event.body = input.base64 === true ? Buffer.from(input.body).toString('base64') : input.body;
  }
  return event;
}

/** A result's body as text, decoding base64 when the handler encoded it. */
export function resultText(result: APIGatewayProxyStructuredResultV2): string {
  const body = result.body ?? '';
  return result.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** A result header by lower-case name, as a string. */
export function resultHeader(
  result: APIGatewayProxyStructuredResultV2,
  name: string,
): string | undefined {
  const value = result.headers?.[name];
  return value === undefined ? undefined : String(value);
}

export interface SentRequest {
  target: GatewayFunction;
  event: APIGatewayProxyEventV2;
  result: APIGatewayProxyStructuredResultV2;
}

/** Invokes the function a route targets, as API Gateway does. */
export type Dispatch = (
  target: GatewayFunction,
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A browser-like agent over the two handlers: routes each request like the
 * deployed HTTP API, keeps the cookies the results set, and sends them back.
 */
export class HttpApiAgent {
  readonly #jar = new Map<string, string>();

  constructor(
    private readonly dispatch: Dispatch,
    readonly origin: string,
  ) {}

  async send(input: Omit<EventInput, 'cookies'>): Promise<SentRequest> {
    const event = httpApiEvent({ ...input, cookies: [...this.#jar].map(([k, v]) => `${k}=${v}`) });
    const { target } = routeForPath(event.rawPath);
    const result = await this.dispatch(target, event);
    for (const line of result.cookies ?? []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.#jar.delete(name);
      else this.#jar.set(name, value);
    }
    return { target, event, result };
  }

  /** Posts a form as the gateway's own pages do (same origin, base64 body like API Gateway). */
  postForm(url: string, fields: Record<string, string | string[]>): Promise<SentRequest> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.send({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
      },
      body: body.toString(),
      base64: true,
    });
  }

  cookieNames(): string[] {
    return [...this.#jar.keys()];
  }
}
