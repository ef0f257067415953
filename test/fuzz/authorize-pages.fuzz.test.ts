/**
 * Property-based fuzzing of the authorization pages: `GET /authorize` with
 * any query (repeated and hostile parameters, with and without a session)
 * and the login and consent forms (any fields, with and without a valid
 * CSRF cookie and token, any Origin and Sec-Fetch-Site), in-process over a
 * real SQLite file. Each property: no 5xx, no logged fault, an answer within
 * the hang guard, a page that cannot be framed or the JSON error of RFC 6749
 * §5.2, and a redirect only to our own page or a registered redirect URI
 * (RFC 9700 §4.11.2: no open redirector); the password is never echoed.
 *
 * Reproduce a failure: the assertion message prints `seed` and `path`; run
 *   FUZZ_SEED=<seed> FUZZ_PATH="<path>" npx vitest run test/fuzz/authorize-pages.fuzz.test.ts -t '<test name>'
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_ISSUER, TEST_USER } from '../helpers/gateway.js';
import { startFuzzGateway, type FuzzGateway } from '../helpers/fuzz-gateway.js';
import { LOOPBACK_REDIRECT, newPkce } from '../helpers/oauth-client.js';
import {
  formBody,
  formPairs,
  headerValue,
  nastyString,
  mostly,
  mutatedPairs,
  OMIT,
} from './fuzz-arbitraries.js';
import { checkOAuthError, printOutcomes, type FuzzRequest } from './fuzz-checks.js';
import { fuzzParameters, fuzzTestTimeout, type FuzzBudget } from './fuzz-settings.js';
import {
  contentType,
  expectPage,
  expectSafeRedirect,
  expectStatus,
  isJson,
  runCase,
  withHeaders,
} from './fuzz-http.js';
let fz: FuzzGateway;
beforeAll(async () => {
  fz = await startFuzzGateway();
});
afterAll(async () => {
  printOutcomes();
  await fz.close();
});

const BUDGET: FuzzBudget = { runs: 120, timeMs: 4_000 };
const LOGIN_BUDGET: FuzzBudget = { runs: 60, timeMs: 5_000 };

describe('GET /authorize (RFC 6749 §4.1.1, RFC 9700 §4.11.2)', () => {
  const authorizeParams = (): fc.Arbitrary<[string, string][]> => {
    const pkce = newPkce();
    return mutatedPairs({
      client_id: mostly(
        fc.constantFrom(fz.publicClientId, fz.confidential.clientId),
        fc.oneof(fc.constant(fz.resourceServer.clientId), nastyString),
      ),
      redirect_uri: mostly(
        fc.constantFrom(LOOPBACK_REDIRECT, 'http://127.0.0.1:1/callback'),
        fc.oneof(
          fc.constantFrom(
            'http://127.0.0.1:53682/callback/../x',
            'http://localhost:53682/callback',
            'http://127.0.0.1:53682/callback?x=1',
            'http://user@127.0.0.1:53682/callback',
            'http://127.0.0.1:53682/CALLBACK',
            'https://evil.test/callback',
            '/callback',
          ),
          nastyString,
        ),
      ),
      response_type: mostly(
        fc.constant('code'),
        fc.oneof(fc.constantFrom('token', 'code id_token'), nastyString),
      ),
      code_challenge: mostly(fc.constant(pkce.challenge), nastyString),
      code_challenge_method: mostly(
        fc.constant('S256'),
        fc.oneof(fc.constantFrom('plain', 's256'), nastyString),
      ),
      state: mostly(fc.string({ maxLength: 20 }), nastyString),
      scope: mostly(
        fc.constantFrom('jira:read', 'jira:read jira:write'),
        fc.oneof(fc.constantFrom('openid', ''), nastyString),
      ),
      resource: mostly(
        fc.constant(`${TEST_ISSUER}/mcp`),
        fc.oneof(fc.constantFrom(TEST_ISSUER, 'https://other.test/mcp'), nastyString),
      ),
      prompt: fc.noBias(
        fc.oneof(
          { weight: 8, arbitrary: fc.constant(OMIT) },
          { weight: 1, arbitrary: fc.constantFrom('none', 'login', 'consent') },
          { weight: 1, arbitrary: nastyString },
        ),
      ),
    });
  };

  it(
    'shows a page, an error page, or redirects only to a registered redirect URI',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          authorizeParams(),
          fc.constantFrom('none', 'session', 'junk'),
          async (params, cookies) => {
            const request: FuzzRequest = {
              method: 'GET',
              url: `${TEST_ISSUER}/authorize?${new URLSearchParams(params).toString()}`,
              headers: withHeaders({
                cookie:
                  cookies === 'session'
                    ? fz.cookieHeader
                    : cookies === 'junk'
                      ? '__Host-jmg_session=%ZZ; __Host-jmg_csrf=;;'
                      : undefined,
              }),
            };
            const observed = await runCase(fz, request);
            expectStatus(request, observed, [200, 302, 400, 429]);
            if (observed.status === 302) expectSafeRedirect(request, observed, false);
            else expectPage(request, observed);
          },
        ),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});

describe('POST /authorize/login and /authorize/consent (CSRF-protected forms)', () => {
  const requestField = (): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(fz.validRequest) },
      {
        weight: 3,
        arbitrary: fc.tuple(nastyString, fc.nat()).map(([insert, at]) => {
          const cut = at % (fz.validRequest.length + 1);
          return `${fz.validRequest.slice(0, cut)}${insert}${fz.validRequest.slice(cut)}`;
        }),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom('&x=', '&state=', '', '&'), nastyString)
          .map(([glue, tail]) => `${fz.validRequest}${glue}${tail}`),
      },
      { weight: 2, arbitrary: nastyString },
    );
  const postHeaders = (): fc.Arbitrary<Record<string, string>> =>
    fc
      .noBias(
        fc.record({
          cookie: fc.oneof(
            { weight: 20, arbitrary: fc.constant(fz.cookieHeader) },
            { weight: 1, arbitrary: fc.constant(fz.cookieHeader.split('; ')[0]) },
            { weight: 1, arbitrary: fc.constantFrom(undefined, '__Host-jmg_csrf=x', 'a=b') },
          ),
          origin: fc.oneof(
            { weight: 20, arbitrary: fc.constant(TEST_ISSUER) },
            { weight: 1, arbitrary: fc.constantFrom(undefined, 'null', 'https://evil.test') },
            { weight: 1, arbitrary: headerValue },
          ),
          'sec-fetch-site': fc.oneof(
            { weight: 20, arbitrary: fc.constant('same-origin') },
            { weight: 1, arbitrary: fc.constantFrom(undefined, 'cross-site', 'none') },
          ),
          'content-type': contentType('application/x-www-form-urlencoded'),
        }),
      )
      .map(withHeaders);
  const csrf = (): fc.Arbitrary<string> =>
    fc.noBias(
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(fz.csrfToken) },
        { weight: 1, arbitrary: nastyString },
      ),
    );

  it(
    'login: answers a page, 303 to /authorize or the client, never a fault or the password',
    async () => {
      const pairs = fc.oneof(
        {
          weight: 4,
          arbitrary: mutatedPairs({
            username: mostly(fc.constantFrom(TEST_USER.username, 'ALICE ', 'bob'), nastyString),
            password: mostly(fc.constantFrom(TEST_USER.password, 'wrong password'), nastyString),
            csrf_token: mostly(fc.constant(fz.csrfToken), nastyString),
            request: mostly(requestField(), nastyString),
          }),
        },
        {
          weight: 1,
          arbitrary: formPairs({
            username: nastyString,
            password: nastyString,
            csrf_token: csrf(),
            request: requestField(),
          }),
        },
      );
      await fc.assert(
        fc.asyncProperty(formBody(pairs), postHeaders(), async (body, headers) => {
          const request: FuzzRequest = {
            method: 'POST',
            url: `${TEST_ISSUER}/authorize/login`,
            headers,
            body,
          };
          const form = new URLSearchParams(body);
          const echoable = [...form.getAll('username'), ...form.getAll('request')].join('\n');
          const observed = await runCase(
            fz,
            request,
            echoable.includes(TEST_USER.password) ? [] : [TEST_USER.password],
          );
          expectStatus(request, observed, [200, 303, 400, 401, 403, 413, 429]);
          if (observed.status === 303) expectSafeRedirect(request, observed, true);
          else if (isJson(observed)) checkOAuthError(request, observed);
          else expectPage(request, observed);
        }),
        fuzzParameters(LOGIN_BUDGET),
      );
    },
    fuzzTestTimeout(LOGIN_BUDGET),
  );

  it(
    'consent: answers a page or 303 to /authorize or the registered redirect URI, never a fault',
    async () => {
      const pairs = fc.oneof(
        {
          weight: 4,
          arbitrary: mutatedPairs({
            csrf_token: mostly(fc.constant(fz.csrfToken), nastyString),
            request: mostly(requestField(), nastyString),
            scope: mostly(
              fc.constantFrom('jira:read', 'jira:write'),
              fc.oneof(fc.constant('jira:admin'), nastyString),
            ),
            scope2: mostly(fc.constant('jira:write'), nastyString),
            decision: mostly(fc.constantFrom('approve', 'deny'), nastyString),
          }).map((list) =>
            list.map(([k, v]): [string, string] => [k === 'scope2' ? 'scope' : k, v]),
          ),
        },
        {
          weight: 1,
          arbitrary: formPairs({
            csrf_token: csrf(),
            request: requestField(),
            scope: nastyString,
            decision: nastyString,
          }),
        },
      );
      await fc.assert(
        fc.asyncProperty(formBody(pairs), postHeaders(), async (body, headers) => {
          const request: FuzzRequest = {
            method: 'POST',
            url: `${TEST_ISSUER}/authorize/consent`,
            headers,
            body,
          };
          const observed = await runCase(fz, request);
          expectStatus(request, observed, [200, 303, 400, 403, 413, 429]);
          if (observed.status === 303) expectSafeRedirect(request, observed, true);
          else if (isJson(observed)) checkOAuthError(request, observed);
          else expectPage(request, observed);
        }),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});
