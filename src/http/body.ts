import { OAuthError, type OAuthErrorCode } from '../oauth/errors.js';

/** Bodies larger than this are refused before they are parsed. */
export const MAX_FORM_BYTES = 16 * 1024;
export const MAX_JSON_BYTES = 16 * 1024;

/**
 * Reads at most `maxBytes` of a request body, stopping as soon as the limit
 * is passed (a chunked body cannot make us buffer more).
 *
 * A body with a declared `Content-Length` (within the limit) is read in one
 * call: HTTP/1.1 framing delivers exactly that many bytes, so the length
 * bounds what is buffered, and `arrayBuffer()` lets @hono/node-server read
 * the socket directly instead of building a web `ReadableStream` and a full
 * `Request` for it (about a tenth of the CPU of a token or introspection
 * request; see BENCHMARKS.md, "Authorization benchmarks"). The size is
 * checked again after reading, for runtimes that do not enforce framing.
 */
export async function readLimitedText(
  request: Request,
  maxBytes: number,
  errorCode: OAuthErrorCode,
): Promise<string> {
  // Built only when needed: an Error captures a stack trace, which costs more
  // than parsing the small forms this reads.
  const tooLarge = (): OAuthError =>
    new OAuthError(errorCode, `request body exceeds ${maxBytes} bytes`, { status: 413 });
  // Read twice is a bug of ours, not a client's fault: never classified below.
  if (request.bodyUsed) throw new TypeError('the request body was already read');
  const length = request.headers.get('content-length');
  if (length !== null && /^\d{1,15}$/.test(length)) {
    if (Number(length) > maxBytes) throw tooLarge();
    const bytes = Buffer.from(await receive(() => request.arrayBuffer()));
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes.toString('utf8');
  }
  if (request.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await receive(() => reader.read());
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A request whose body stopped arriving: the client closed the connection
 * (or its proxy gave up) before sending the `Content-Length` it announced,
 * or in the middle of a chunked body. The client's fault, not ours: a 400
 * (which nobody may be left to read), logged at debug level, never as a
 * server error with a stack trace.
 * @see RFC 9112 §8 (incomplete messages)
 */
export class BodyAbortedError extends OAuthError {
  constructor(cause: unknown) {
    super('invalid_request', 'the request body was not received in full');
    this.name = 'BodyAbortedError';
    this.cause = cause;
  }
}

/**
 * Runs one read of a request body. The bytes come from the client, so a read
 * that fails (Node rejects it with `Error: aborted`, ECONNRESET, when the
 * socket closes early) is the client's fault.
 */
async function receive<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new BodyAbortedError(error);
  }
}

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Parses an `application/x-www-form-urlencoded` body, as the token,
 * revocation and introspection endpoints require.
 * @see RFC 6749 §3.2; RFC 7009 §2.1; RFC 7662 §2.1
 */
export async function readForm(request: Request): Promise<URLSearchParams> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  return new URLSearchParams(await readLimitedText(request, MAX_FORM_BYTES, 'invalid_request'));
}

// C0 controls and DEL: the urlencoded serializer percent-encodes every one of
// them, so only a hand-made body carries them raw.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses the body of a form posted by one of our pages. A browser encodes a
 * form with the urlencoded serializer, which never leaves a control
 * character raw; one that does was not sent by a browser from our page, and
 * is refused with a 400 before any field is read.
 * @see WHATWG URL §5.2 (application/x-www-form-urlencoded serializing)
 */
export async function readPageForm(request: Request): Promise<URLSearchParams> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const text = await readLimitedText(request, MAX_FORM_BYTES, 'invalid_request');
  if (RAW_CONTROL.test(text)) {
    throw new OAuthError('invalid_request', 'the form contains a raw control character');
  }
  return new URLSearchParams(text);
}

/** What `URLSearchParams` writes: letters, digits, `*-._`, `%XX`, `+`, `=` and `&`. */
const SERIALIZED_QUERY = /^[A-Za-z0-9*._%+=&-]*$/;

/**
 * Parses a query our own pages wrote (the hidden `request` field that carries
 * the authorization request through the login and consent forms), or
 * undefined when `text` has any character `URLSearchParams` never writes raw:
 * a CR, LF or NUL there was put in by hand, and must never reach a
 * `Location` header built from it. Redirect with `params.toString()`.
 * @see WHATWG URL §5.2 (application/x-www-form-urlencoded serializing)
 */
export function parseOwnQuery(text: string): URLSearchParams | undefined {
  return SERIALIZED_QUERY.test(text) ? new URLSearchParams(text) : undefined;
}

/** Parses a JSON body (registration). @see RFC 7591 §3.1 */
export async function readJson(request: Request): Promise<unknown> {
  if (mediaType(request) !== 'application/json') {
    throw new OAuthError('invalid_client_metadata', 'the body must be application/json');
  }
  const text = await readLimitedText(request, MAX_JSON_BYTES, 'invalid_client_metadata');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OAuthError('invalid_client_metadata', 'the body is not valid JSON');
  }
}
