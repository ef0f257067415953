/**
 * A deliberately narrow HTTPS GET for JSON documents named by untrusted
 * URLs: one request, no redirects, a byte cap, a deadline, and no connection
 * to a private address. Uses node:https rather than `fetch` because only it
 * lets us vet the address the socket actually connects to (a DNS answer
 * checked earlier can change before the connection: DNS rebinding).
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { isPublicAddress } from './ip-address.js';

export interface FetchJsonDocumentOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Allow loopback/private addresses; for tests against a local server only. */
  allowPrivateAddresses: boolean;
  /** An extra trusted CA (PEM), added to the default roots; for tests. */
  ca?: string | Buffer | undefined;
}

export interface FetchedJsonDocument {
  body: unknown;
  /** The raw `Cache-Control` header, if any. */
  cacheControl: string | undefined;
  /** The `Age` header in seconds (0 when absent or malformed). */
  ageSeconds: number;
}

/** Why a document could not be fetched; the message is safe to show to a user. */
export class DocumentFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentFetchError';
  }
}

class BlockedAddressError extends Error {
  constructor(hostname: string) {
    super(`${hostname} resolves to a private or reserved address`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * Fetches `url` (https) and parses its JSON body. Refuses anything but a 200
 * with a JSON content type (`application/json` or `application/*+json`),
 * redirects included; aborts past `maxBytes` or `timeoutMs`. Unless
 * `allowPrivateAddresses`, refuses to connect to a non-public address,
 * checked on the resolved address at connect time.
 * Rejects with `DocumentFetchError`.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4
 * @see draft-ietf-oauth-client-id-metadata-document-00 §6
 */
export function fetchJsonDocument(
  url: URL,
  options: FetchJsonDocumentOptions,
): Promise<FetchedJsonDocument> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'https:') {
      reject(new DocumentFetchError('only https URLs are fetched'));
      return;
    }
    // Node connects to an IP literal without calling `lookup`, so check it here.
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!options.allowPrivateAddresses && isIP(literal) !== 0 && !isPublicAddress(literal)) {
      reject(new DocumentFetchError(`${url.hostname} is a private or reserved address`));
      return;
    }

    let settled = false;
    const finish = (error: DocumentFetchError | undefined, value?: FetchedJsonDocument): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined && value !== undefined) {
        resolve(value);
      } else {
        req.destroy();
        reject(error ?? new DocumentFetchError('the document could not be read'));
      }
    };

    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          accept: 'application/json',
          'accept-encoding': 'identity',
          'user-agent': 'jira-mcp-gateway (client metadata fetch)',
        },
        // A fresh agent per request: no pooled socket outlives the checks above.
        agent: false,
        lookup: options.allowPrivateAddresses ? undefined : publicOnlyLookup,
        ca: options.ca === undefined ? undefined : [...rootCertificates, options.ca],
        maxHeaderSize: 16 * 1024,
      },
      (res) => {
        const problem = checkResponseHead(res, options.maxBytes);
        if (problem !== undefined) {
          finish(new DocumentFetchError(problem));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            finish(new DocumentFetchError(`the document is larger than ${options.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            finish(new DocumentFetchError('the document is not valid JSON'));
            return;
          }
          const age = Number(res.headers.age);
          finish(undefined, {
            body,
            cacheControl: res.headers['cache-control'],
            ageSeconds: Number.isInteger(age) && age > 0 ? age : 0,
          });
        });
        res.on('error', () => {
          finish(new DocumentFetchError('the connection failed while reading the document'));
        });
      },
    );
    const timer = setTimeout(() => {
      finish(new DocumentFetchError(`no complete response within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(new DocumentFetchError(describeConnectError(error)));
    });
    req.end();
  });
}

/** Why the response cannot be the document, judged from status and headers. */
function checkResponseHead(res: IncomingMessage, maxBytes: number): string | undefined {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400)
    return `the server answered ${status}; redirects are not followed`;
  if (status !== 200) return `the server answered ${status}, not 200`;
  const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
    return `the content type is ${JSON.stringify(mediaType)}, not application/json`;
  }
  const encoding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') return 'the document is content-encoded';
  const length = Number(res.headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes) {
    return `the document is larger than ${maxBytes} bytes`;
  }
  return undefined;
}

function describeConnectError(error: NodeJS.ErrnoException): string {
  if (error instanceof BlockedAddressError) return error.message;
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (/CERT|SELF_SIGNED|ALTNAME|SSL|TLS/.test(code)) return 'the TLS certificate was not trusted';
  return 'the connection failed';
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for the socket that resolves the name and fails if any answer is
 * not a public address, so the check applies to the address connected to.
 */
function publicOnlyLookup(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err !== null) {
      callback(err, []);
      return;
    }
    const first = addresses[0];
    if (first === undefined || addresses.some((a) => !isPublicAddress(a.address))) {
      callback(new BlockedAddressError(hostname), []);
      return;
    }
    if (options.all === true) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
}
