/**
 * One HTTP exchange with Jira, done carefully: Basic auth from the gateway's
 * own credential (or a person's Bearer token, refreshed once on a 401), a per-request timeout, bounded retries that honour
 * `Retry-After`, no redirects followed, and every body parsed with zod.
 */
import type { z } from 'zod';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { JiraCredentials, JiraCredentialsProvider, JiraRejection } from './credentials.js';
import {
  createRedactor,
  errorFromResponse,
  maskedCredentialError,
  type Redactor,
} from './error-mapping.js';
import { JIRA_ERROR, JiraError } from './errors.js';
import { buildUrl, type QueryValue } from './paths.js';
import {
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfter,
  REAL_SLEEP,
  type Sleep,
} from './retry.js';
import { GATEWAY_VERSION } from '../version.js';
import type { GatewayMetrics, JiraOutcome } from '../metrics/metrics.js';

/** Sent as `User-Agent`; identifies the gateway, never the MCP client. */
export const DEFAULT_USER_AGENT = `jira-mcp-gateway/${GATEWAY_VERSION}`;

export interface JiraTransportOptions {
  credentials: JiraCredentialsProvider;
  /** Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Per attempt, covering headers and body. Default 15 000. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429/503 (and network errors for GETs). Default 3. */
  maxRetries?: number;
  /** The longest single wait before a retry; a longer `Retry-After` is reported, not waited. Default 10 000. */
  maxRetryWaitMs?: number;
  /** First backoff step when Jira gives no `Retry-After`. Default 500. */
  baseDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
  /** Reads `Retry-After` HTTP-dates against this clock. */
  clock?: Clock;
  userAgent?: string;
  /** Makes the per-attempt timeout signal; injected so tests can fire it on cue. */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Counts each request's outcome, retries, 429s and duration; absent: nothing is counted. */
  metrics?: Pick<GatewayMetrics, 'jiraRequest'>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface JiraRequest {
  method: HttpMethod;
  /** Absolute, already-encoded path under the site, e.g. `/rest/api/3/myself`. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  body?: unknown;
  /** What the request is about, for a 404 message: `Issue DEMO-1`. */
  subject?: string;
  /** Sent as multipart/form-data instead of `body` (fetch writes the boundary). */
  multipart?: FormData;
  /** Extra headers, e.g. `X-Atlassian-Token: no-check`; never `Authorization`. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Reads a 2xx body as bytes, stopping after `maxBytes` + 1 (see
   * {@link readCapped}), and follows redirects safely (see {@link nextHop}).
   */
  download?: { maxBytes: number };
}

/** A downloaded body: at most `maxBytes`; `truncated` when Jira had more. */
export interface JiraDownload {
  bytes: Uint8Array;
  truncated: boolean;
  /** The final response's `Content-Type`, if any. */
  contentType: string | null;
}

/** What one request brought back, for the public methods to shape. */
interface Received {
  text: string;
  operation: string;
  redact: Redactor;
  download?: JiraDownload;
}

/** Redirects followed for one download (Jira Cloud uses one: to its media host). */
const MAX_REDIRECTS = 3;

/**
 * Where a download's redirect may go, and with which headers: the same
 * origin keeps the credential; another origin gets the request WITHOUT
 * `Authorization` (Jira Cloud's media host authorises by the signed URL
 * itself), and never over plain http from an https site. Undefined: refuse.
 * @see RFC 9110 §15.4 (Redirection 3xx), §15.4.4 (303 See Other)
 */
function nextHop(
  from: URL,
  location: string | null,
  headers: Record<string, string>,
): { url: URL; headers: Record<string, string> } | undefined {
  if (location === null || location === '') return undefined;
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return undefined;
  }
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return undefined;
  if (from.protocol === 'https:' && to.protocol !== 'https:') return undefined;
  if (to.username !== '' || to.password !== '') return undefined;
  if (to.origin === from.origin) return { url: to, headers };
  const { Authorization: _dropped, ...rest } = headers;
  return { url: to, headers: rest };
}

/**
 * Reads at most `maxBytes` + 1 bytes of `response`'s body, then cancels
 * the stream: an oversized attachment costs the cap, never its size.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  // undici types the body loosely; it is a byte stream.
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (reader === undefined) return { bytes: new Uint8Array(0), truncated: false };
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes + 1 - total;
    const kept = value.byteLength > room ? value.subarray(0, room) : value;
    chunks.push(kept);
    total += kept.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      break;
    }
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const truncated = total > maxBytes;
  return { bytes: truncated ? all.subarray(0, maxBytes) : all, truncated };
}

/** A 401 to a Bearer credential, carried to `#send` so the provider can be told. */
class RejectedCredentialError extends Error {
  constructor(
    readonly jiraError: JiraError,
    readonly rejection: JiraRejection,
  ) {
    super(jiraError.message);
    this.name = 'RejectedCredentialError';
  }
}

/**
 * The `Authorization` header for a credential, and every spelling of its
 * secret that must never reach a message.
 * @see RFC 7617 §2 (Basic), RFC 6750 §2.1 (Bearer)
 */
function authorizationHeader(credentials: JiraCredentials): {
  authorization: string;
  secrets: string[];
} {
  if (credentials.kind === 'bearer') {
    return {
      authorization: `Bearer ${credentials.accessToken}`,
      secrets: [credentials.accessToken, encodeURIComponent(credentials.accessToken)],
    };
  }
  const basic = Buffer.from(`${credentials.email}:${credentials.apiToken}`, 'utf8').toString(
    'base64',
  );
  return {
    authorization: `Basic ${basic}`,
    secrets: [credentials.apiToken, basic, encodeURIComponent(credentials.apiToken)],
  };
}

type Outcome =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      text: string;
      /** Only for a 2xx answer to a download. */
      received?: { bytes: Uint8Array; truncated: boolean };
    }
  | { kind: 'timeout' }
  | { kind: 'network'; reason: string };

function networkReason(error: unknown): string {
  // undici wraps the socket error as `cause`; its `code` (ECONNREFUSED…) is
  // the useful and harmless part. Messages are not copied: they can carry URLs.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'connection failed';
}

/**
 * Sends requests to Jira with the gateway's credential.
 * @see RFC 7617 §2 (Basic), RFC 9110 §10.2.3 (Retry-After)
 */
export class JiraTransport {
  readonly #credentials: JiraCredentialsProvider;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxRetryWaitMs: number;
  readonly #baseDelayMs: number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #clock: Clock;
  readonly #userAgent: string;
  readonly #timeoutSignal: (ms: number) => AbortSignal;
  readonly #metrics: Pick<GatewayMetrics, 'jiraRequest'> | undefined;

  constructor(options: JiraTransportOptions) {
    this.#credentials = options.credentials;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
    this.#baseDelayMs = options.baseDelayMs ?? 500;
    this.#sleep = options.sleep ?? REAL_SLEEP;
    this.#random = options.random ?? Math.random;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#timeoutSignal = options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms));
    this.#metrics = options.metrics;
  }

  /** Sends the request and parses the 2xx JSON body with `schema`. */
  async json<S extends z.ZodType>(request: JiraRequest, schema: S): Promise<z.output<S>> {
    const { text, operation, redact } = await this.#send(request);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JiraError(
        JIRA_ERROR.invalidResponse,
        `Jira’s answer to ${operation} was not JSON; check that the Jira base URL is the site root (like https://acme.atlassian.net).`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new JiraError(
        JIRA_ERROR.invalidResponse,
        redact(`Jira’s answer to ${operation} did not have the expected shape (${problems}).`),
      );
    }
    return parsed.data;
  }

  /** Sends the request; a 2xx body, if any, is ignored (204 endpoints). */
  async send(request: JiraRequest): Promise<void> {
    await this.#send(request);
  }

  /**
   * GETs a binary body (an attachment), at most `maxBytes` of it, following
   * redirects only as {@link nextHop} allows.
   * @see Jira Cloud REST v3 GET /rest/api/3/attachment/content/{id}
   */
  async download(request: JiraRequest, maxBytes: number): Promise<JiraDownload> {
    const { download } = await this.#send({ ...request, download: { maxBytes } });
    // #exchange sets `download` on every 2xx answer to a download request.
    if (download === undefined) throw new Error('download answered without a body');
    return download;
  }

  async #send(request: JiraRequest): Promise<Received> {
    const credentials = await this.#credentials.get();
    try {
      return await this.#sendWith(credentials, request);
    } catch (error) {
      const provider = this.#credentials;
      // A Bearer token can expire or be revoked before its stated expiry:
      // the provider refreshes it (or marks the link broken and throws), and
      // the request is sent once more. A provider without `rejected` (the
      // shared credential) makes a 401 final.
      if (
        !(error instanceof RejectedCredentialError) ||
        provider.rejected === undefined ||
        !(await provider.rejected(credentials, error.rejection))
      ) {
        throw error instanceof RejectedCredentialError ? error.jiraError : error;
      }
    }
    try {
      return await this.#sendWith(await this.#credentials.get(), request);
    } catch (error) {
      throw error instanceof RejectedCredentialError ? error.jiraError : error;
    }
  }

  async #sendWith(credentials: JiraCredentials, request: JiraRequest): Promise<Received> {
    const url = buildUrl(credentials.baseUrl, request.path, request.query);
    const { authorization, secrets } = authorizationHeader(credentials);
    const redact = createRedactor(secrets);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization,
      'User-Agent': this.#userAgent,
    };
    let body: string | FormData | undefined;
    if (request.multipart !== undefined) {
      body = request.multipart;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['Content-Type'] = 'application/json';
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (name.toLowerCase() !== 'authorization') headers[name] = value;
    }
    if (request.download !== undefined) headers['Accept'] = '*/*';
    const operation = `${request.method} ${request.path}`;
    const subject = request.subject ?? 'The requested Jira resource';
    const started = performance.now();
    let attempts = 0;
    let rateLimited = 0;
    let final: JiraOutcome = 'network_error';
    try {
      return await this.#exchange(url, request, headers, body, operation, subject, redact, {
        attempted: () => (attempts += 1),
        answered: (outcome) => {
          final = outcome;
          if (outcome === 429) rateLimited += 1;
        },
      });
    } finally {
      this.#metrics?.jiraRequest(
        final,
        Math.max(0, attempts - 1),
        (performance.now() - started) / 1000,
        rateLimited,
      );
    }
  }

  /** The attempts of one request, telling `seen` of each attempt and each answer. */
  async #exchange(
    url: URL,
    request: JiraRequest,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    operation: string,
    subject: string,
    redact: Redactor,
    seen: { attempted(): void; answered(outcome: JiraOutcome): void },
  ): Promise<Received> {
    let target = url;
    let sendHeaders = headers;
    let hops = 0;
    for (let attempt = 1; ; attempt++) {
      seen.attempted();
      const outcome = await this.#attempt(
        target,
        request.method,
        sendHeaders,
        body,
        request.download?.maxBytes,
      );
      seen.answered(
        outcome.kind === 'response'
          ? outcome.status
          : outcome.kind === 'timeout'
            ? 'timeout'
            : 'network_error',
      );
      const canRetry = attempt <= this.#maxRetries;

      if (outcome.kind === 'timeout') {
        // Not retried: another full timeout would hold the tool call for
        // minutes, and a slow POST may still have been applied.
        throw new JiraError(
          JIRA_ERROR.timeout,
          `Jira did not answer ${operation} within ${this.#timeoutMs} ms; try again later or narrow the request.`,
        );
      }
      if (outcome.kind === 'network') {
        // Only a GET is safe to resend: a POST may have reached Jira.
        if (request.method === 'GET' && canRetry) {
          await this.#sleep(this.#backoff(attempt));
          continue;
        }
        throw new JiraError(
          JIRA_ERROR.network,
          `Could not reach Jira at ${url.origin} (${outcome.reason}) after ${attempt} attempt${attempt === 1 ? '' : 's'}; check the Jira base URL or try again later.`,
        );
      }

      const { status } = outcome;
      // After a redirect to another origin (a download's media host) the
      // credential was not sent, so that host's 401 says nothing about it:
      // the provider must not refresh it or mark the person's link broken.
      const credentialSent = sendHeaders['Authorization'] !== undefined;
      // A refused credential answered as anonymous is reported, never read as data.
      const masked = maskedCredentialError(
        outcome.headers.get('x-seraph-loginreason'),
        status,
        operation,
      );
      if (masked !== undefined) {
        if (status === 401 && credentialSent) {
          throw new RejectedCredentialError(masked, { status: 401, bodyText: outcome.text });
        }
        throw masked;
      }
      if (status >= 200 && status < 300) {
        if (outcome.received === undefined) return { text: outcome.text, operation, redact };
        return {
          text: '',
          operation,
          redact,
          download: { ...outcome.received, contentType: outcome.headers.get('content-type') },
        };
      }
      if (status >= 300 && status < 400 && request.download !== undefined) {
        // The Location is not quoted in messages: a media URL carries a token.
        const hop = nextHop(target, outcome.headers.get('location'), sendHeaders);
        if (hop === undefined || hops >= MAX_REDIRECTS) {
          throw new JiraError(
            JIRA_ERROR.invalidResponse,
            `Jira answered ${operation} with a redirect (HTTP ${status}) the gateway does not follow (more than ${MAX_REDIRECTS}, or to a non-https or credential-bearing address).`,
            { status },
          );
        }
        hops += 1;
        target = hop.url;
        sendHeaders = hop.headers;
        attempt -= 1; // a redirect is not a retry
        continue;
      }
      if (status >= 300 && status < 400) {
        throw new JiraError(
          JIRA_ERROR.invalidResponse,
          `Jira answered ${operation} with a redirect (HTTP ${status}), which the gateway does not follow; the Jira base URL must be the site root (like https://acme.atlassian.net).`,
          { status },
        );
      }
      const retryAfterSeconds = parseRetryAfter(
        outcome.headers.get('retry-after'),
        this.#clock.now(),
      );
      if (isRetryableStatus(status) && canRetry) {
        const wait =
          retryAfterSeconds === undefined ? this.#backoff(attempt) : retryAfterSeconds * 1000;
        // A Retry-After beyond our cap is reported with its hint rather than
        // cut short: retrying early would only be refused again.
        if (wait <= this.#maxRetryWaitMs) {
          await this.#sleep(wait);
          continue;
        }
      }
      const jiraError = errorFromResponse({
        status,
        bodyText: outcome.text,
        subject,
        operation,
        retryAfterSeconds,
        attempts: attempt,
        redact,
      });
      if (status === 401 && credentialSent) {
        throw new RejectedCredentialError(jiraError, { status: 401, bodyText: outcome.text });
      }
      throw jiraError;
    }
  }

  #backoff(attempt: number): number {
    return backoffDelayMs(attempt - 1, {
      baseDelayMs: this.#baseDelayMs,
      maxDelayMs: this.#maxRetryWaitMs,
      random: this.#random,
    });
  }

  async #attempt(
    url: URL,
    method: HttpMethod,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    maxBytes?: number,
  ): Promise<Outcome> {
    const signal = this.#timeoutSignal(this.#timeoutMs);
    try {
      const init: RequestInit = { method, headers, signal, redirect: 'manual' };
      if (body !== undefined) init.body = body;
      const response = await this.#fetch(url, init);
      if (maxBytes !== undefined && response.status >= 200 && response.status < 300) {
        const received = await readCapped(response, maxBytes);
        return {
          kind: 'response',
          status: response.status,
          headers: response.headers,
          text: '',
          received,
        };
      }
      // Read inside the try: the timeout must cover a body that trickles in.
      const text = await response.text();
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (error) {
      if (signal.aborted) return { kind: 'timeout' };
      return { kind: 'network', reason: networkReason(error) };
    }
  }
}
