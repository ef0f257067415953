/**
 * Property-based fuzzing of the authorization server's machine endpoints
 * (metadata, registration, token, revocation, introspection) and of the
 * app's unknown paths and methods, in-process over a real SQLite file (the
 * pages are in authorize-pages.fuzz.test.ts, /mcp in mcp-endpoint.fuzz.test.ts). Each property: no 5xx, no logged fault, an answer within the hang
 * guard, an error body of the spec's shape, never a secret echoed.
 *
 * Reproduce a failure: the assertion message prints `seed` and `path`; run
 *   FUZZ_SEED=<seed> FUZZ_PATH="<path>" npx vitest run test/fuzz/oauth-endpoints.fuzz.test.ts -t '<test name>'
 * (see test/fuzz/README.md and fuzz-settings.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_ISSUER } from '../helpers/gateway.js';
import { startFuzzGateway, type FuzzGateway } from '../helpers/fuzz-gateway.js';
import { LOOPBACK_REDIRECT, newPkce } from '../helpers/oauth-client.js';
import {
  anyBodyText,
  authorizationHeader,
  fieldText,
  formBody,
  formPairs,
  headerValue,
  jsonKey,
  jsonText,
  nastyString,
  mostly,
  mutatedPairs,
  objectText,
  OMIT,
  wellFormed,
} from './fuzz-arbitraries.js';
import { checkOAuthError, fail, jsonBody, printOutcomes, type FuzzRequest } from './fuzz-checks.js';
import { fuzzParameters, fuzzTestTimeout, type FuzzBudget } from './fuzz-settings.js';
import {
  contentType,
  expectBasicChallenge,
  expectStatus,
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

describe('GET /.well-known/* metadata (RFC 8414, RFC 9728)', () => {
  it(
    'answers 200 with the document, or 404 not_found, for any suffix, query and header',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            '/.well-known/oauth-authorization-server',
            '/.well-known/oauth-authorization-server/mcp',
            '/.well-known/oauth-protected-resource',
            '/.well-known/oauth-protected-resource/mcp',
            '/.well-known/openid-configuration',
          ),
          fc.constantFrom('', '/', '/x', '//', '/%2e%2e', '/mcp/..', '%00', '/%ZZ'),
          fc.array(fc.tuple(nastyString, nastyString), { maxLength: 4 }),
          fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST'),
          fc.option(headerValue, { nil: undefined }),
          async (path, suffix, query, method, origin) => {
            const request: FuzzRequest = {
              method,
              url: `${TEST_ISSUER}${path}${suffix}?${new URLSearchParams(query).toString()}`,
              headers: withHeaders({ origin, 'mcp-protocol-version': '2025-11-25' }),
            };
            const observed = await runCase(fz, request);
            expectStatus(request, observed, [200, 204, 404]);
            if (observed.status === 200 && method === 'GET') {
              const body = jsonBody(request, observed) as Record<string, unknown>;
              if (typeof body['issuer'] !== 'string' && typeof body['resource'] !== 'string') {
                fail(request, observed, 'a metadata document without issuer or resource');
              }
            }
            if (observed.status === 404 && method !== 'HEAD') {
              checkOAuthError(request, observed, ['not_found']);
            }
          },
        ),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});

describe('POST /register (RFC 7591)', () => {
  const metadataField = fc.oneof(
    fc.tuple(
      fc.constant('redirect_uris'),
      fc.oneof(
        fc
          .array(
            fieldText([
              LOOPBACK_REDIRECT,
              'https://app.example/cb',
              'http://localhost/cb',
              'cursor://callback',
              'http://127.0.0.1:0/cb',
              'https://app.example/cb#f',
            ]),
            { maxLength: 4 },
          )
          .map((items) => `[${items.join(',')}]`),
        jsonText,
      ),
    ),
    fc.tuple(
      fc.constant('grant_types'),
      fc
        .array(
          fieldText([
            'authorization_code',
            'refresh_token',
            'client_credentials',
            'password',
            'implicit',
          ]),
          { maxLength: 3 },
        )
        .map((i) => `[${i.join(',')}]`),
    ),
    fc.tuple(
      fc.constant('response_types'),
      fc.array(fieldText(['code', 'token']), { maxLength: 2 }).map((i) => `[${i.join(',')}]`),
    ),
    fc.tuple(
      fc.constant('token_endpoint_auth_method'),
      fieldText(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    ),
    fc.tuple(
      fc.constantFrom(
        'client_name',
        'client_uri',
        'logo_uri',
        'tos_uri',
        'policy_uri',
        'scope',
        'software_id',
        'software_version',
        'jwks_uri',
      ),
      fieldText(['x', 'https://app.example/', 'jira:read jira:write']),
    ),
    fc.tuple(fc.constant('contacts'), jsonText),
    fc.tuple(jsonKey, jsonText),
  );
  const json = (values: readonly unknown[]): fc.Arbitrary<string> =>
    fc.constantFrom(...values.map((v) => JSON.stringify(v)));
  /** A valid registration with some fields hostile or left out. */
  const mostlyValidMetadata = fc
    .tuple(
      fc.record({
        redirect_uris: mostly(
          json([
            [LOOPBACK_REDIRECT],
            ['http://localhost:3000/cb', 'https://app.example/cb'],
            ['cursor://anysphere.cursor-retrieval/oauth/user-jira/callback'],
          ]),
          jsonText,
        ),
        grant_types: mostly(
          json([['authorization_code', 'refresh_token'], ['authorization_code']]),
          jsonText,
        ),
        response_types: mostly(json([['code']]), jsonText),
        token_endpoint_auth_method: mostly(
          json(['none', 'client_secret_basic', 'client_secret_post']),
          jsonText,
        ),
        client_name: mostly(
          nastyString.map((v) => JSON.stringify(v)),
          jsonText,
        ),
        client_uri: mostly(json(['https://app.example/']), jsonText),
        scope: mostly(json(['jira:read jira:write', 'jira:read']), jsonText),
      }),
      fc.array(fc.tuple(jsonKey, jsonText), { maxLength: 3 }),
    )
    .map(([base, extra]) =>
      objectText([
        ...Object.entries(base).filter((e): e is [string, string] => e[1] !== OMIT),
        ...extra,
      ]),
    );
  const registerBody = fc.oneof(
    { weight: 6, arbitrary: mostlyValidMetadata },
    { weight: 3, arbitrary: fc.array(metadataField, { maxLength: 9 }).map(objectText) },
    { weight: 2, arbitrary: anyBodyText },
  );

  it(
    'answers 201 with a client or an RFC 7591 error for any JSON body',
    async () => {
      await fc.assert(
        fc.asyncProperty(registerBody, contentType('application/json'), async (body, type) => {
          const request: FuzzRequest = {
            method: 'POST',
            url: `${TEST_ISSUER}/register`,
            headers: withHeaders({ 'content-type': type }),
            body,
          };
          const observed = await runCase(fz, request);
          expectStatus(request, observed, [201, 400, 413]);
          if (observed.status === 201) {
            const client = jsonBody(request, observed) as Record<string, unknown>;
            if (typeof client['client_id'] !== 'string') fail(request, observed, 'no client_id');
            // The prototype must not have been polluted by a `__proto__` key.
            if (({} as Record<string, unknown>)['redirect_uris'] !== undefined) {
              fail(request, observed, 'Object.prototype was polluted');
            }
          } else {
            const code = checkOAuthError(request, observed);
            if (!['invalid_client_metadata', 'invalid_redirect_uri'].includes(code)) {
              fail(request, observed, `registration error ${code} is not of RFC 7591 §3.2.2`);
            }
          }
        }),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});

describe('POST /token, /revoke, /introspect (RFC 6749 §3.2, RFC 7009, RFC 7662)', () => {
  const knownClients = (): { id: string; secret: string }[] => [
    { id: fz.confidential.clientId, secret: fz.confidential.clientSecret },
    { id: fz.resourceServer.clientId, secret: fz.resourceServer.clientSecret },
    { id: fz.publicClientId, secret: '' },
  ];
  const tokenFields = (): Record<string, fc.Arbitrary<string>> => ({
    grant_type: fc.oneof(
      fc.constantFrom(
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'password',
        'urn:ietf:params:oauth:grant-type:device_code',
        'implicit',
      ),
      nastyString,
    ),
    code: fc.oneof(fc.constant('A'.repeat(43)), nastyString),
    code_verifier: fc.oneof(fc.constant(newPkce().verifier), nastyString),
    redirect_uri: fc.oneof(fc.constant(LOOPBACK_REDIRECT), nastyString),
    refresh_token: fc.oneof(fc.constant(fz.spareTokens.refreshToken), nastyString),
    scope: fc.oneof(
      fc.constantFrom('jira:read', 'jira:read jira:write', 'jira:admin'),
      nastyString,
    ),
    resource: fc.oneof(
      fc.constantFrom(`${TEST_ISSUER}/mcp`, 'https://other.test/mcp'),
      nastyString,
    ),
    client_id: fc.oneof(
      fc.constantFrom(
        fz.publicClientId,
        fz.confidential.clientId,
        fz.resourceServer.clientId,
        'https://127.0.0.1:1/cimd.json',
      ),
      nastyString,
    ),
    client_secret: fc.oneof(fc.constant(fz.confidential.clientSecret), nastyString),
    token: fc.oneof(
      fc.constantFrom(fz.spareTokens.accessToken, fz.spareTokens.refreshToken),
      nastyString,
    ),
    token_type_hint: fc.oneof(
      fc.constantFrom('access_token', 'refresh_token', 'id_token'),
      nastyString,
    ),
  });
  /** A mostly valid request of `endpoint`, the way a client would send it, with some fields hostile. */
  const mostlyValidForm = (
    endpoint: '/token' | '/revoke' | '/introspect',
  ): fc.Arbitrary<[string, string][]> => {
    const tokens = fc.constantFrom(fz.spareTokens.accessToken, fz.spareTokens.refreshToken);
    const clientId = mostly(
      fc.constant(fz.publicClientId),
      fc.oneof(
        fc.constantFrom(fz.confidential.clientId, 'https://127.0.0.1:1/cimd.json'),
        nastyString,
      ),
    );
    if (endpoint === '/token') {
      return mutatedPairs({
        grant_type: mostly(
          fc.constantFrom('refresh_token', 'authorization_code'),
          fc.oneof(fc.constantFrom('client_credentials', 'password'), nastyString),
        ),
        refresh_token: mostly(fc.constant(fz.spareTokens.refreshToken), nastyString),
        code: mostly(fc.constant('A'.repeat(43)), nastyString),
        code_verifier: mostly(fc.constant(newPkce().verifier), nastyString),
        redirect_uri: mostly(fc.constant(LOOPBACK_REDIRECT), nastyString),
        resource: mostly(fc.constant(`${TEST_ISSUER}/mcp`), nastyString),
        client_id: clientId,
      });
    }
    return mutatedPairs({
      token: mostly(tokens, nastyString),
      token_type_hint: mostly(fc.constantFrom('access_token', 'refresh_token'), nastyString),
      ...(endpoint === '/revoke' ? { client_id: clientId } : {}),
    });
  };

  /** Values a response must never contain: secrets the case presented, not ones it issues. */
  const sentSecrets = (body: string, authorization: string | undefined): string[] => {
    const form = new URLSearchParams(body);
    return [
      ...form.getAll('client_secret'),
      ...form.getAll('refresh_token'),
      ...form.getAll('code_verifier'),
      ...form.getAll('token'),
      fz.confidential.clientSecret,
      fz.resourceServer.clientSecret,
      ...(authorization === undefined ? [] : [authorization.slice(6).trim()]),
    ].filter((s) => s.length >= 16 && !/^(.)\1*$/.test(s));
  };

  for (const endpoint of ['/token', '/revoke', '/introspect'] as const) {
    it(
      `${endpoint}: answers its success shape or an RFC 6749 §5.2 error for any form and client authentication`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            formBody(
              fc.oneof(
                { weight: 3, arbitrary: mostlyValidForm(endpoint) },
                { weight: 1, arbitrary: formPairs(tokenFields()) },
              ),
            ),
            endpoint === '/introspect'
              ? fc.noBias(
                  fc.oneof(
                    {
                      weight: 3,
                      arbitrary: fc.constant(
                        `Basic ${Buffer.from(`${fz.resourceServer.clientId}:${fz.resourceServer.clientSecret}`).toString('base64')}`,
                      ),
                    },
                    { weight: 1, arbitrary: authorizationHeader(knownClients()) },
                  ),
                )
              : authorizationHeader(knownClients()),
            contentType('application/x-www-form-urlencoded'),
            async (body, authorization, type) => {
              const request: FuzzRequest = {
                method: 'POST',
                url: `${TEST_ISSUER}${endpoint}`,
                headers: withHeaders({ authorization, 'content-type': type }),
                body,
              };
              const observed = await runCase(fz, request, sentSecrets(body, authorization));
              expectStatus(request, observed, [200, 400, 401, 413, 429]);
              expectBasicChallenge(request, observed);
              if (observed.status !== 200) {
                checkOAuthError(request, observed);
                return;
              }
              if (endpoint === '/revoke') {
                if (observed.text !== '')
                  fail(request, observed, 'a revocation answer with a body');
                return;
              }
              const answer = jsonBody(request, observed) as Record<string, unknown>;
              if (endpoint === '/token' && answer['token_type'] !== 'Bearer') {
                fail(request, observed, 'a token response without token_type Bearer');
              }
              if (endpoint === '/introspect' && typeof answer['active'] !== 'boolean') {
                fail(request, observed, 'an introspection answer without a boolean active');
              }
            },
          ),
          fuzzParameters(BUDGET),
        );
      },
      fuzzTestTimeout(BUDGET),
    );
  }
});

describe('unknown paths and methods', () => {
  const segment = fc.oneof(
    fc.constantFrom(
      'authorize',
      'token',
      'register',
      'mcp',
      '.well-known',
      'healthz',
      '..',
      '.',
      '%2e%2e',
      '%2F',
      '%',
      '%ZZ',
      '%00',
      '%C0%AF',
      '%F0%9F%98%80',
      'login',
      'consent',
      '',
    ),
    nastyString.map((s) => encodeURIComponent(wellFormed(s)).slice(0, 200)),
  );

  it(
    'answers any method on any path with a defined status and no fault',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            'GET',
            'HEAD',
            'POST',
            'PUT',
            'PATCH',
            'DELETE',
            'OPTIONS',
            'PROPFIND',
            'FOO',
          ),
          fc.array(segment, { minLength: 1, maxLength: 4 }),
          fc.option(anyBodyText, { nil: undefined }),
          fc.option(headerValue, { nil: undefined }),
          async (method, segments, body, type) => {
            const request: FuzzRequest = {
              method,
              url: `${TEST_ISSUER}/${segments.join('/')}`,
              headers: withHeaders({ 'content-type': type }),
              ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body }),
            };
            const observed = await runCase(fz, request);
            if (observed.status === 404 && method !== 'HEAD' && !segments.includes('mcp')) {
              checkOAuthError(request, observed, ['not_found']);
            }
          },
        ),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});
