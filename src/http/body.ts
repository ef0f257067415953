import { OAuthError, type OAuthErrorCode } from '../oauth/errors.js';

/** Bodies larger than this are refused before they are parsed. */
export const MAX_FORM_BYTES = 16 * 1024;
export const MAX_JSON_BYTES = 16 * 1024;

/**
 * Reads at most `maxBytes` of a request body, stopping as soon as the limit
 * is passed (a chunked body cannot make us buffer more).
 */
export async function readLimitedText(
  request: Request,
  maxBytes: number,
  errorCode: OAuthErrorCode,
): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = new OAuthError(errorCode, `request body exceeds ${maxBytes} bytes`, {
    status: 413,
  });
  if (declared > maxBytes) throw tooLarge;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge;
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
    throw new OAuthError(
      'invalid_request',
      'the body must be application/x-www-form-urlencoded',
    );
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
