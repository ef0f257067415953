/**
 * What every fuzz case checks about one exchange: it answered (no hang, no
 * event-loop block past the guard), with no 5xx, no logged fault, no secret
 * echoed, and an error body of the shape its protocol defines.
 */
import { OAUTH_ERROR } from '../../src/oauth/errors.js';
import { REQUEST_HANG_MS } from './fuzz-settings.js';

/** One request as a fuzz case sends it. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back, read in full. */
export interface Observed {
  status: number;
  headers: Headers;
  text: string;
  /** Wall-clock time to the last byte of the body. */
  ms: number;
}

/** Every error code of the RFCs the authorization server implements. */
export const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(OAUTH_ERROR));

/** JSON-RPC 2.0 error codes: the reserved ones, and the server range. @see JSON-RPC 2.0 §5.1 */
function isJsonRpcErrorCode(code: unknown): boolean {
  return (
    typeof code === 'number' &&
    Number.isInteger(code) &&
    ([-32700, -32600, -32601, -32602, -32603].includes(code) || (code <= -32000 && code >= -32099))
  );
}

/** A short, printable summary of a request for failure messages. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : request.body;
  return JSON.stringify({
    method: request.method,
    url:
      request.url.length > 300
        ? `${request.url.slice(0, 300)}…(${request.url.length})`
        : request.url,
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [
        k,
        v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v,
      ]),
    ),
    body: body.length > 400 ? `${body.slice(0, 400)}…(${body.length} chars)` : body,
  });
}

/**
 * Sends `request` to `send` and reads the whole answer, failing the case if
 * it takes longer than the hang guard (measured to the last byte, so a
 * handler that blocks the event loop fails too, once it returns).
 */
export async function exchange(send: typeof fetch, request: FuzzRequest): Promise<Observed> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${REQUEST_HANG_MS} ms: ${describeRequest(request)}`));
    }, REQUEST_HANG_MS);
  });
  try {
    const answer = (async (): Promise<Observed> => {
      const response = await send(request.url, {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, ms: 0 };
    })();
    const observed = await Promise.race([answer, hang]);
    observed.ms = performance.now() - started;
    return observed;
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with the request and the answer, so the counterexample explains itself. */
export function fail(request: FuzzRequest, observed: Observed | undefined, why: string): never {
  const answer =
    observed === undefined
      ? ''
      : ` -> ${observed.status} ${observed.text.length > 500 ? `${observed.text.slice(0, 500)}…` : observed.text}`;
  throw new Error(`${why}\n  request: ${describeRequest(request)}${answer}`);
}

/**
 * The checks every endpoint shares: no 5xx, answered within the guard, no
 * fault logged while it ran, and none of `secrets` (values the case sent in
 * secret-bearing fields) anywhere in the answer.
 */
export function checkCommon(
  request: FuzzRequest,
  observed: Observed,
  faults: { list: string[]; before: number },
  secrets: readonly string[] = [],
): void {
  if (observed.status >= 500) fail(request, observed, `answered ${observed.status}`);
  if (observed.ms > REQUEST_HANG_MS) {
    fail(request, observed, `took ${Math.round(observed.ms)} ms (guard ${REQUEST_HANG_MS} ms)`);
  }
  const logged = faults.list.slice(faults.before);
  if (logged.length > 0) fail(request, observed, `logged a fault: ${logged.join(' | ')}`);
  const headerText = [...observed.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    if (observed.text.includes(secret) || headerText.includes(secret)) {
      fail(request, observed, `echoed a secret it was sent (${secret.slice(0, 4)}…)`);
    }
  }
}

function parseJson(request: FuzzRequest, observed: Observed): unknown {
  try {
    return JSON.parse(observed.text) as unknown;
  } catch {
    return fail(request, observed, 'error body is not JSON');
  }
}

/**
 * An OAuth error answer: JSON `{error, error_description?}` with a code of
 * the RFCs, never cached.
 * @see RFC 6749 §5.2; RFC 7591 §3.2.2; RFC 7009 §2.2.1
 */
export function checkOAuthError(
  request: FuzzRequest,
  observed: Observed,
  extraCodes: readonly string[] = [],
): string {
  const body = parseJson(request, observed);
  if (typeof body !== 'object' || body === null)
    fail(request, observed, 'error body not an object');
  const { error, error_description: description } = body as Record<string, unknown>;
  if (typeof error !== 'string' || !(OAUTH_ERROR_CODES.has(error) || extraCodes.includes(error))) {
    fail(request, observed, `error code ${JSON.stringify(error)} is not an RFC error code`);
  }
  if (description !== undefined && typeof description !== 'string') {
    fail(request, observed, 'error_description is not a string');
  }
  if (observed.headers.get('cache-control') !== 'no-store') {
    fail(request, observed, 'an OAuth error without Cache-Control: no-store');
  }
  return error;
}

/** A JSON-RPC 2.0 error object. @see JSON-RPC 2.0 §5.1 */
export function checkJsonRpcErrorObject(
  request: FuzzRequest,
  observed: Observed,
  error: unknown,
): number {
  if (typeof error !== 'object' || error === null) fail(request, observed, 'error not an object');
  const { code, message } = error as Record<string, unknown>;
  if (!isJsonRpcErrorCode(code)) fail(request, observed, `bad JSON-RPC error code ${String(code)}`);
  if (typeof message !== 'string') fail(request, observed, 'JSON-RPC error without a message');
  return code as number;
}

/** One JSON-RPC response: `jsonrpc: "2.0"` and exactly one of result and error. */
export function checkJsonRpcResponse(
  request: FuzzRequest,
  observed: Observed,
  message: unknown,
): { error?: number; result?: unknown } {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    fail(request, observed, 'a JSON-RPC response that is not an object');
  }
  const m = message as Record<string, unknown>;
  if (m['jsonrpc'] !== '2.0') fail(request, observed, 'a response without jsonrpc "2.0"');
  if ('result' in m === 'error' in m) {
    fail(request, observed, 'a response needs exactly one of result and error');
  }
  if ('error' in m) return { error: checkJsonRpcErrorObject(request, observed, m['error']) };
  return { result: m['result'] };
}

/** Parses a JSON body (of a JSON-RPC answer) or fails the case. */
export function jsonBody(request: FuzzRequest, observed: Observed): unknown {
  return parseJson(request, observed);
}

const statusCounts = new Map<string, Map<string, number>>();

/**
 * Counts an outcome per property; with `FUZZ_STATS=1` the suites print the
 * counts, to see whether the generators reach past the first refusals.
 */
export function countOutcome(property: string, outcome: string): void {
  const counts = statusCounts.get(property) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  statusCounts.set(property, counts);
}

/** Prints the counts of {@link countOutcome} when `FUZZ_STATS` is set. */
export function printOutcomes(): void {
  if (process.env['FUZZ_STATS'] === undefined) return;
  for (const [property, counts] of statusCounts) {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    process.stdout.write(`${property}: ${sorted.map(([k, n]) => `${k}=${n}`).join(' ')}\n`);
  }
}
