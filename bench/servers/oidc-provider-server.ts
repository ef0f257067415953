/**
 * oidc-provider, configured as close to the gateway as it allows, as a
 * process under test: opaque access and refresh tokens, PKCE S256 required,
 * refresh tokens rotated on every use, tokens audience-bound to one
 * resource (RFC 8707), introspection for a resource-server client, no ID
 * tokens (no `openid` scope is ever granted, and the gateway issues none).
 * Storage is BENCH_OIDC_STORAGE: `memory` or `sqlite` (see oidc-adapters.ts).
 * Pre-minted credentials are made through its model API on IPC request.
 */
import { createServer } from 'node:http';
import { errors, Provider, type AdapterFactory, type ClientLike } from 'oidc-provider';
import { z } from 'zod';
import {
  CODE_CHALLENGE,
  OIDC_PUBLIC_CLIENT,
  OIDC_RESOURCE_SERVER,
  REDIRECT_URI,
  SCOPE,
} from '../lib/constants.js';
import { answerMintRequests, tellParent, type MintKind } from './ipc.js';
import { memoryAdapter, sqliteAdapter } from './oidc-adapters.js';

const OPTIONS = z.object({
  BENCH_PORT: z.string().regex(/^\d+$/),
  BENCH_OIDC_STORAGE: z.enum(['memory', 'sqlite']),
  BENCH_OIDC_DB: z.string().optional(),
  BENCH_RS_SECRET: z.string().min(32),
  BENCH_SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
});

const ACCOUNT_ID = 'bench-user';

async function main(): Promise<void> {
  const options = OPTIONS.parse(process.env);
  const issuer = `http://127.0.0.1:${options.BENCH_PORT}`;
  const resource = `${issuer}/mcp`;
  let adapter: AdapterFactory;
  if (options.BENCH_OIDC_STORAGE === 'sqlite') {
    if (options.BENCH_OIDC_DB === undefined) throw new Error('sqlite storage needs BENCH_OIDC_DB');
    adapter = sqliteAdapter(options.BENCH_OIDC_DB, options.BENCH_SQLITE_SYNCHRONOUS);
  } else {
    adapter = memoryAdapter();
  }
  const resourceServerInfo = {
    scope: SCOPE,
    audience: resource,
    accessTokenFormat: 'opaque' as const,
    accessTokenTTL: 3600,
  };

  const provider = new Provider(issuer, {
    adapter,
    clients: [
      {
        client_id: OIDC_PUBLIC_CLIENT,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
      },
      {
        client_id: OIDC_RESOURCE_SERVER,
        client_secret: options.BENCH_RS_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    // The gateway's paths, so both sides take the same requests.
    routes: { introspection: '/introspect', revocation: '/revoke' },
    scopes: SCOPE.split(' '),
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // The gateway issues a refresh token to every client registered for the grant.
    issueRefreshToken: (_ctx, client: ClientLike) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    // The gateway's defaults (config.ts).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      RefreshToken: 30 * 24 * 3600,
      Grant: 90 * 24 * 3600,
      Session: 3600,
      Interaction: 3600,
    },
    cookies: { keys: ['bench-cookie-key-not-secret'] },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // The gateway answers only resource-server credentials.
        allowedPolicy: (_ctx: unknown, client: ClientLike) =>
          client.clientId === OIDC_RESOURCE_SERVER,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return resourceServerInfo;
        },
      },
    },
  });
  provider.on('server_error', (_ctx, error) => {
    process.stderr.write(`oidc-provider server_error: ${String(error)}\n`);
  });

  const clientOrThrow = async (): Promise<ClientLike> => {
    const client = await provider.Client.find(OIDC_PUBLIC_CLIENT);
    if (client === undefined) throw new Error('the benchmark client is missing');
    return client;
  };

  async function newGrant(): Promise<string> {
    const grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId: OIDC_PUBLIC_CLIENT });
    grant.addResourceScope(resource, SCOPE);
    return grant.save();
  }

  async function mintOne(kind: MintKind, client: ClientLike): Promise<string> {
    const grantId = await newGrant();
    const common = { accountId: ACCOUNT_ID, client, grantId, scope: SCOPE };
    switch (kind) {
      case 'code':
        return new provider.AuthorizationCode({
          ...common,
          resource,
          redirectUri: REDIRECT_URI,
          codeChallenge: CODE_CHALLENGE,
          codeChallengeMethod: 'S256',
        }).save();
      case 'refresh':
        return new provider.RefreshToken({
          ...common,
          resource,
          gty: 'authorization_code',
          rotations: 0,
        }).save();
      case 'access': {
        const token = new provider.AccessToken({ ...common, gty: 'authorization_code' });
        token.resourceServer = new provider.ResourceServer(resource, resourceServerInfo);
        return token.save();
      }
    }
  }

  answerMintRequests(async (kind, count) => {
    const client = await clientOrThrow();
    const values: string[] = [];
    for (let i = 0; i < count; i++) values.push(await mintOne(kind, client));
    return values;
  });

  const server = createServer(provider.callback());
  await new Promise<void>((resolve) =>
    server.listen(Number(options.BENCH_PORT), '127.0.0.1', resolve),
  );
  tellParent({ type: 'ready', url: issuer });
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `oidc-provider-server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
