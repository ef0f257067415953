/**
 * The HTTP checks the authorization-server fuzz suites share: one case sent
 * in-process with the common checks, expected statuses, the Basic
 * challenge, safe redirects, and the shape of pages.
 */
import fc from 'fast-check';
import { TEST_ISSUER } from '../helpers/gateway.js';
import type { FuzzGateway } from '../helpers/fuzz-gateway.js';
import { LOOPBACK_REDIRECT } from '../helpers/oauth-client.js';
import { headerValue } from './fuzz-arbitraries.js';
import {
  checkCommon,
  countOutcome,
  exchange,
  fail,
  type FuzzRequest,
  type Observed,
} from './fuzz-checks.js';

/** Sends one case to `fz` and runs the shared checks; returns the answer for endpoint checks. */
export async function runCase(
  fz: FuzzGateway,
  request: FuzzRequest,
  secrets: readonly string[] = [],
): Promise<Observed> {
  const before = fz.faults.length;
  const observed = await exchange(fz.gw.fetch, request);
  const { pathname } = new URL(request.url);
  countOutcome(
    pathname.startsWith('/.well-known/') || pathname.split('/').length <= 3 ? pathname : 'other',
    String(observed.status),
  );
  checkCommon(request, observed, { list: fz.faults, before }, secrets);
  return observed;
}

export function expectStatus(
  request: FuzzRequest,
  observed: Observed,
  allowed: readonly number[],
): void {
  if (!allowed.includes(observed.status)) {
    fail(request, observed, `status ${observed.status} not in ${allowed.join(', ')}`);
  }
}

/** RFC 6749 §5.2: a client that tried Basic and failed gets a challenge to retry with. */
export function expectBasicChallenge(request: FuzzRequest, observed: Observed): void {
  const triedBasic = /^basic /i.test(request.headers['authorization'] ?? '');
  if (observed.status === 401 && triedBasic && observed.headers.get('www-authenticate') === null) {
    fail(request, observed, '401 after Basic authentication without WWW-Authenticate');
  }
}

export const contentType = (valid: string): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(valid) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        undefined,
        `${valid}; charset=utf-8`,
        valid.toUpperCase(),
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json',
        'application/x-www-form-urlencoded',
      ),
    },
    { weight: 1, arbitrary: headerValue },
  );

export function withHeaders(base: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) headers[name] = value;
  return headers;
}

/** The location of a redirect is the client's registered (loopback) redirect URI, or our own page. */
export function expectSafeRedirect(
  request: FuzzRequest,
  observed: Observed,
  ownPage: boolean,
): void {
  const location = observed.headers.get('location') ?? '';
  if (ownPage && location.startsWith('/authorize?')) return;
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    return fail(request, observed, `redirect to an unparsable location ${location}`);
  }
  const registered = new URL(LOOPBACK_REDIRECT);
  // RFC 8252 §7.3: any port on a loopback redirect URI; everything else exact.
  if (
    target.protocol !== registered.protocol ||
    target.hostname !== registered.hostname ||
    target.pathname !== registered.pathname ||
    target.username !== '' ||
    target.password !== ''
  ) {
    fail(request, observed, `redirect to ${location}, not a registered redirect URI`);
  }
  if (target.searchParams.get('iss') !== TEST_ISSUER) {
    fail(request, observed, 'an authorization response without iss (RFC 9207)');
  }
  const error = target.searchParams.get('error');
  if (
    error !== null &&
    ![
      'invalid_request',
      'unauthorized_client',
      'access_denied',
      'unsupported_response_type',
      'invalid_scope',
      'server_error',
      'temporarily_unavailable',
      'invalid_target',
    ].includes(error)
  ) {
    fail(request, observed, `redirect with error ${error}, not one of RFC 6749 §4.1.2.1`);
  }
}

/** Form bodies no browser sends (oversized, raw control characters) may get the JSON error instead of a page. */
export function isJson(observed: Observed): boolean {
  return (observed.headers.get('content-type') ?? '').startsWith('application/json');
}

export function expectPage(request: FuzzRequest, observed: Observed): void {
  if (!(observed.headers.get('content-type') ?? '').startsWith('text/html')) {
    fail(request, observed, 'a page that is not text/html');
  }
  if (!(observed.headers.get('content-security-policy') ?? '').includes("frame-ancestors 'none'")) {
    fail(request, observed, 'a page that can be framed');
  }
  if (observed.headers.get('cache-control') !== 'no-store') {
    fail(request, observed, 'a page without Cache-Control: no-store');
  }
}
