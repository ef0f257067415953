/**
 * The organisation's OpenID provider for the end-to-end suites: the real
 * `oidc-provider` (OpenID certified, by the author of openid-client) on
 * 127.0.0.1, with its development login page (any password; the login name
 * picks one of `accounts`), the gateway registered as a confidential
 * client, and consent pre-granted to it as an organisation does for its own
 * applications. Claims are in the ID token (`conformIdTokenClaims: false`),
 * which is where the gateway reads them.
 */
import { createServer } from 'node:http';
import { Provider } from 'oidc-provider';
import { closeServer, listenOnLoopback } from './loopback-servers.js';

export interface ProviderAccount {
  email: string;
  name: string;
  groups?: string[];
}

export interface TestOpenIdProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * Starts oidc-provider with one client whose redirect URI is `redirectUri`.
 * @see OpenID Connect Core 1.0 §3.1
 */
export async function startTestOpenIdProvider(options: {
  redirectUri: string;
  accounts: Record<string, ProviderAccount>;
  port?: number;
}): Promise<TestOpenIdProvider> {
  const clientId = 'jira-gateway';
  const clientSecret = 'a-test-client-secret-that-is-long-enough';
  const server = createServer();
  // The issuer names the port, so the provider is made once the server listens.
  const started: { provider?: Provider } = {};
  server.on('request', (req, res) => {
    if (started.provider === undefined) {
      res.writeHead(503).end();
      return;
    }
    started.provider.callback()(req, res);
  });
  const port =
    options.port === undefined
      ? await listenOnLoopback(server)
      : await new Promise<number>((resolve) =>
          server.listen(options.port, '127.0.0.1', () => {
            resolve(options.port ?? 0);
          }),
        );
  const issuer = `http://127.0.0.1:${String(port)}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = options.accounts[sub];
      return Promise.resolve(
        account === undefined
          ? undefined
          : {
              accountId: sub,
              claims: () => ({
                sub,
                email: account.email,
                email_verified: true,
                name: account.name,
                ...(account.groups === undefined ? {} : { groups: account.groups }),
              }),
            },
      );
    },
    // First-party application: the organisation consented for its people.
    loadExistingGrant: async (ctx: unknown) => {
      const { oidc } = ctx as {
        oidc: {
          session?: { accountId?: string };
          client?: { clientId: string };
          provider: Provider;
        };
      };
      const accountId = oidc.session?.accountId;
      if (accountId === undefined || oidc.client === undefined) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  started.provider = provider;
  provider.on('server_error', (_ctx, error) => {
    process.stderr.write(`oidc-provider server_error: ${String(error)}\n`);
  });
  return { issuer, clientId, clientSecret, close: () => closeServer(server) };
}
