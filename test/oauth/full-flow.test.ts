import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, signInAndConsent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';

function secretOf(client: oauth.Client): string {
  if (typeof client.client_secret !== 'string') throw new Error('no client secret');
  return client.client_secret;
}

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
const RESOURCE = `${TEST_ISSUER}/mcp`;

/**
 * The whole authorization dance driven by oauth4webapi, a strict,
 * independent client, with every check it has left on: discovery, dynamic
 * registration, authorize (login and consent through the real pages with
 * cookies), code exchange, refresh with rotation, introspection, revocation.
 */
describe('OAuth 2.1 flow with oauth4webapi (RFC 8414, 7591, 6749, 7636, 9207, 7662, 7009)', () => {
  let gw: TestGateway;
  let as: oauth.AuthorizationServer;
  let rsClient: oauth.Client;
  let rsSecret: string;

  // Requests go to the app in-process; the issuer stays https so no check is relaxed.
  const options = (): {
    [oauth.customFetch]: (url: string, init: unknown) => Promise<Response>;
  } => ({
    [oauth.customFetch]: (url, init) => gw.fetch(url, init as RequestInit),
  });

  beforeAll(async () => {
    gw = await createTestGateway();
    const issuer = new URL(TEST_ISSUER);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options() }),
    );
    rsSecret = randomToken();
    rsClient = { client_id: randomId('rs') };
    await gw.storage.clients.create({
      clientId: rsClient.client_id,
      kind: 'resource_server',
      secretHash: hashSecret(rsSecret),
      redirectUris: [],
      grantTypes: [],
      responseTypes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      source: 'cli',
      createdAt: gw.clock.now(),
    });
  });
  afterAll(async () => gw.close());

  async function register(metadata: Partial<oauth.Client>): Promise<oauth.Client> {
    return oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        as,
        {
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          ...metadata,
        },
        options(),
      ),
    );
  }

  async function authorize(
    client: oauth.Client,
    scope = 'jira:read jira:write',
  ): Promise<{ callback: URL; verifier: string; state: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint ?? '');
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('redirect_uri', REDIRECT_URI);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', scope);
    url.searchParams.set('state', state);
    url.searchParams.set('resource', RESOURCE);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    const callback = await signInAndConsent(
      new PageAgent(gw.fetch, TEST_ISSUER),
      url.toString(),
      TEST_USER,
    );
    return { callback, verifier, state };
  }

  it('discovers metadata whose issuer matches exactly and advertises what the flow needs', () => {
    expect(as.issuer).toBe(TEST_ISSUER);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.registration_endpoint).toBe(`${TEST_ISSUER}/register`);
  });

  it('runs register → authorize → token → refresh → introspect → revoke for a public client', async () => {
    const client = await register({ token_endpoint_auth_method: 'none', client_name: 'Flow test' });
    expect(client.client_secret).toBeUndefined();
    const { callback, verifier, state } = await authorize(client);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    const params = oauth.validateAuthResponse(as, client, callback, state);

    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        REDIRECT_URI,
        verifier,
        {
          additionalParameters: { resource: RESOURCE },
          ...options(),
        },
      ),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('jira:read jira:write');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeDefined();

    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        rsClient,
        await oauth.introspectionRequest(
          as,
          rsClient,
          oauth.ClientSecretBasic(rsSecret),
          token,
          options(),
        ),
      );
    const introspected = await introspect(tokens.access_token);
    expect(introspected).toMatchObject({
      active: true,
      client_id: client.client_id,
      username: TEST_USER.username,
      scope: 'jira:read jira:write',
      aud: RESOURCE,
      iss: TEST_ISSUER,
    });
    const introspectionEvents = async () =>
      (await gw.storage.audit.tail(1_000)).filter((e) => e.type === AUDIT_EVENT.introspection);
    // A live token's introspection writes nothing; its use is audited where it happens.
    expect(await introspectionEvents()).toStrictEqual([]);
    await gw.storage.users.setDisabled(TEST_USER.username, true);
    try {
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
    } finally {
      await gw.storage.users.setDisabled(TEST_USER.username, false);
    }
    expect(await introspectionEvents()).toMatchObject([
      {
        outcome: 'failure',
        clientId: rsClient.client_id,
        userId: expect.any(String) as unknown,
        grantId: expect.any(String) as unknown,
        detail: { active: false, reason: 'user disabled' },
      },
    ]);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        tokens.refresh_token ?? '',
        options(),
      ),
    );
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(
        as,
        client,
        oauth.None(),
        refreshed.refresh_token ?? '',
        options(),
      ),
    );
    for (const token of [refreshed.access_token, tokens.access_token]) {
      expect(await introspect(token)).toEqual({ active: false });
    }
    // Each inactive answer is audited, with the resource server that asked.
    expect((await introspectionEvents()).slice(1)).toMatchObject([
      {
        outcome: 'failure',
        clientId: rsClient.client_id,
        detail: { active: false, reason: 'unknown, expired or revoked' },
      },
      { outcome: 'failure', clientId: rsClient.client_id },
    ]);
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`authenticates a confidential client with ${method} and shows its secret only once`, async () => {
      const client = await register({ token_endpoint_auth_method: method });
      expect(typeof client.client_secret).toBe('string');
      const auth =
        method === 'client_secret_basic'
          ? oauth.ClientSecretBasic(secretOf(client))
          : oauth.ClientSecretPost(secretOf(client));
      const { callback, verifier, state } = await authorize(client, 'jira:read');
      const params = oauth.validateAuthResponse(as, client, callback, state);
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          REDIRECT_URI,
          verifier,
          options(),
        ),
      );
      expect(tokens.scope).toBe('jira:read');
      const stored = await gw.storage.clients.get(client.client_id);
      expect(stored?.secretHash).toBe(hashSecret(secretOf(client)));
    });
  }
});
