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
  const length = request.headers.get('content-length');
  if (length !== null && /^\d{1,15}$/.test(length)) {
    if (Number(length) > maxBytes) throw tooLarge();
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge();
    return bytes.toString('utf8');
  }
  if (request.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
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
