import type { Context } from 'hono';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import {
  authenticateClient,
  BASIC_CHALLENGE,
  readClientCredentials,
} from '../oauth/client-authentication.js';
import type { OAuthContext, RequestOrigin } from '../oauth/context.js';
import { OAuthError } from '../oauth/errors.js';
import { introspectToken } from '../oauth/introspect.js';
import { authorizationServerMetadata, OAUTH_PATHS } from '../oauth/metadata.js';
import { registerClient, reserveRegistration } from '../oauth/register.js';
import { revokeToken } from '../oauth/revoke.js';
import { redeemAuthorizationCode, refreshTokens } from '../oauth/token-grants.js';
import type { ClientKind, ClientRecord } from '../storage/ports.js';
import { NOOP_METRICS, type GatewayMetrics } from '../metrics/metrics.js';
import { readForm, readJson } from './body.js';
import { noStore, publicCors } from './middleware.js';
import type { GatewayApp, GatewayEnv } from './types.js';

export interface OAuthRouteOptions {
  registrationRateLimitPerHour: number;
  /** Counts the token endpoint's issuances and refusals. */
  metrics?: Pick<GatewayMetrics, 'tokenIssued' | 'tokenRefused'>;
}

function origin(c: Context<GatewayEnv>): RequestOrigin {
  return { requestId: c.get('requestId'), ip: c.get('ip') };
}

async function authenticatedClient(
  ctx: OAuthContext,
  c: Context<GatewayEnv>,
  form: URLSearchParams,
  kinds: readonly ClientKind[],
): Promise<ClientRecord> {
  const presented = readClientCredentials(c.req.header('authorization'), form);
  if (presented === undefined) {
    throw new OAuthError('invalid_client', 'client authentication is required', {
      status: 401,
      headers: BASIC_CHALLENGE,
    });
  }
  let client: ClientRecord | undefined;
  try {
    client = await ctx.clients.find(presented.clientId, { ip: c.get('ip') });
  } catch (error) {
    // A spent metadata-document fetch budget is a 429 to retry, not bad credentials.
    if (error instanceof OAuthError && error.status !== 429) {
      // RFC 6749 §5.2: a client that tried Basic gets the challenge back.
      throw new OAuthError('invalid_client', error.message, {
        status: 401,
        ...(presented.basicHeader === true ? { headers: BASIC_CHALLENGE } : {}),
      });
    }
    throw error;
  }
  return authenticateClient(presented, client, ctx.clock.now(), kinds);
}

/**
 * Mounts the authorization server's machine endpoints: metadata (RFC 8414),
 * registration (RFC 7591), token (RFC 6749 §3.2), revocation (RFC 7009) and
 * introspection (RFC 7662).
 */
export function registerOAuthRoutes(
  app: GatewayApp,
  ctx: OAuthContext,
  options: OAuthRouteOptions,
): void {
  const metadata = authorizationServerMetadata(ctx.issuer, {
    clientIdMetadataDocuments: ctx.clients.metadataDocumentsSupported,
  });
  const metadataPaths = [
    '/.well-known/oauth-authorization-server',
    // Path-inserted forms some clients derive from the MCP URL (RFC 8414 §3.1).
    '/.well-known/oauth-authorization-server/mcp',
  ];
  for (const path of metadataPaths) {
    app.use(path, publicCors('GET, OPTIONS'));
    app.get(path, (c) => c.json(metadata, 200, { 'Cache-Control': 'public, max-age=3600' }));
  }

  app.use(OAUTH_PATHS.register, publicCors('POST, OPTIONS'), noStore);
  app.post(OAUTH_PATHS.register, async (c) => {
    await reserveRegistration(
      { counters: ctx.storage.counters, clock: ctx.clock },
      c.get('ip'),
      options.registrationRateLimitPerHour,
    );
    const body = await readJson(c.req.raw);
    const { client, response } = await registerClient(body, {
      clients: ctx.storage.clients,
      clock: ctx.clock,
    });
    await ctx.audit.record({
      type: AUDIT_EVENT.clientRegistered,
      outcome: 'success',
      clientId: client.clientId,
      ...origin(c),
      detail: {
        clientName: client.clientName ?? null,
        authMethod: client.tokenEndpointAuthMethod,
        redirectUris: client.redirectUris.join(' '),
      },
    });
    return c.json(response, 201);
  });

  const metrics = options.metrics ?? NOOP_METRICS;
  app.use(OAUTH_PATHS.token, publicCors('POST, OPTIONS'), noStore);
  app.post(OAUTH_PATHS.token, async (c) => {
    try {
      const form = await readForm(c.req.raw);
      const grantType = form.getAll('grant_type');
      if (grantType.length !== 1) {
        throw new OAuthError('invalid_request', 'exactly one grant_type is required');
      }
      const client = await authenticatedClient(ctx, c, form, ['oauth']);
      switch (grantType[0]) {
        case 'authorization_code': {
          const response = c.json(await redeemAuthorizationCode(ctx, client, form, origin(c)));
          metrics.tokenIssued('authorization_code');
          return response;
        }
        case 'refresh_token': {
          const response = c.json(await refreshTokens(ctx, client, form, origin(c)));
          metrics.tokenIssued('refresh_token');
          return response;
        }
        default:
          throw new OAuthError(
            'unsupported_grant_type',
            'supported grant types: authorization_code, refresh_token',
          );
      }
    } catch (error) {
      // Counted by the error code only (a fixed set), never by the grant type the client sent.
      metrics.tokenRefused(error instanceof OAuthError ? error.code : 'server_error');
      throw error;
    }
  });

  app.use(OAUTH_PATHS.revoke, publicCors('POST, OPTIONS'), noStore);
  app.post(OAUTH_PATHS.revoke, async (c) => {
    const form = await readForm(c.req.raw);
    const client = await authenticatedClient(ctx, c, form, ['oauth']);
    await revokeToken(ctx, client, form, origin(c));
    return c.body(null, 200);
  });

  app.use(OAUTH_PATHS.introspect, noStore);
  app.post(OAUTH_PATHS.introspect, async (c) => {
    const form = await readForm(c.req.raw);
    const caller = await authenticatedClient(ctx, c, form, ['resource_server']);
    return c.json(await introspectToken(ctx, caller, form, origin(c)));
  });
}
