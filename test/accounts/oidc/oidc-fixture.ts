/**
 * What the OpenID Connect sign-in suites share: the scripted provider for
 * the whole file, a gateway per test configured as its relying party (closed
 * after the test), and the "Sign in with Acme SSO" link of a fresh MCP
 * client's authorization request.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { PageAgent } from '../../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
} from '../../helpers/oauth-client.js';
import {
  startScriptedOpenIdProvider,
  type ScriptedOpenIdProvider,
} from '../../helpers/scripted-openid-provider.js';

export const CLIENT_SECRET = 'scripted-client-secret-0123456789';

export interface OidcFixture {
  /** The scripted provider (started before the file's first test). */
  readonly op: ScriptedOpenIdProvider;
  /** A gateway signing people in at `op`, with `env` on top; closed after the test. */
  gateway: (env?: Record<string, string>) => Promise<TestGateway>;
  /** Closes `g` after the test, like the gateways made by {@link gateway}. */
  track: (g: TestGateway) => TestGateway;
}

/** Registers the hooks of a suite against the scripted provider. */
export function useScriptedOidc(): OidcFixture {
  let provider: ScriptedOpenIdProvider | undefined;
  const open: TestGateway[] = [];
  beforeAll(async () => {
    provider = await startScriptedOpenIdProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });
  afterEach(async () => {
    for (const g of open.splice(0)) await g.close();
    if (provider === undefined) return;
    provider.script = 'good';
    provider.claims = {
      sub: 'person-1',
      email: 'pat@acme.example',
      email_verified: true,
      name: 'Pat Doe',
    };
    provider.tokenRequests.length = 0;
    provider.authorizeRequests.length = 0;
  });
  const fixture: OidcFixture = {
    get op() {
      if (provider === undefined) throw new Error('the scripted provider has not started');
      return provider;
    },
    gateway: async (env = {}) =>
      fixture.track(
        await createTestGateway({
          OIDC_ISSUER: fixture.op.issuer,
          OIDC_CLIENT_ID: fixture.op.clientId,
          OIDC_CLIENT_SECRET: CLIENT_SECRET,
          OIDC_PROVIDER_NAME: 'Acme SSO',
          ...env,
        }),
      ),
    track: (g) => {
      open.push(g);
      return g;
    },
  };
  return fixture;
}

export interface SignInLink {
  /** The MCP client's authorization request (path with query). */
  authorize: string;
  challenge: string;
  /** The "Sign in with Acme SSO" link on its login page, unescaped. */
  link: string;
}

/** A new client's authorization request, and the provider link its login page offers. */
export async function signInLink(
  g: TestGateway,
  agent = new PageAgent(g.fetch, TEST_ISSUER),
): Promise<SignInLink> {
  const { client_id } = await registerClient(g);
  const pkce = newPkce();
  const authorize = authorizeUrl({
    client_id,
    redirect_uri: LOOPBACK_REDIRECT,
    response_type: 'code',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: 'client-state',
  });
  const page = await agent.get(authorize);
  expect(page.status).toBe(200);
  const href = /<a class="button primary" href="([^"]+)">Sign in with Acme SSO<\/a>/.exec(
    await page.text(),
  )?.[1];
  expect(href).toBeDefined();
  return {
    authorize,
    challenge: pkce.challenge,
    link: (href ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
  };
}
