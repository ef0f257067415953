import { Hono } from 'hono';
import type { OAuthContext } from '../oauth/context.js';
import {
  registerAuthorizeRoutes,
  type AuthorizeAccounts,
  type AuthorizeThrottle,
} from './authorize-routes.js';
import { createCookieJar } from './cookies.js';
import type { Logger } from './logger.js';
import { errorHandler, requestContext, securityHeaders } from './middleware.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import type { GatewayApp, GatewayEnv, PeerAddress } from './types.js';

export interface AppOptions {
  publicUrl: string;
  resource: string;
  logger: Logger;
  peerAddress: PeerAddress;
  trustProxy: boolean;
  /** Present when this process is (or includes) the authorization server. */
  oauth?: {
    ctx: OAuthContext;
    accounts: AuthorizeAccounts;
    throttle: AuthorizeThrottle;
    registrationRateLimitPerHour: number;
    sessionSeconds: number;
  };
  /** Mounts the MCP resource server routes when this process serves /mcp. */
  mountMcp?: (app: GatewayApp) => void;
}

/**
 * The whole gateway as one `Request -> Response` app; Node and Lambda
 * entries only adapt it. Which halves it serves depends on the role.
 */
export function createApp(options: AppOptions): GatewayApp {
  const app = new Hono<GatewayEnv>();
  const https = options.publicUrl.startsWith('https://');
  app.use('*', requestContext(options.logger, options.peerAddress, options.trustProxy));
  app.use('*', securityHeaders(https));
  app.onError(errorHandler(options.logger));

  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));
  app.get('/', (c) =>
    c.json({
      name: 'jira-mcp-gateway',
      mcp_endpoint: options.resource,
      authorization_server: options.oauth === undefined ? undefined : options.publicUrl,
      documentation: 'https://modelcontextprotocol.io',
    }),
  );

  if (options.oauth !== undefined) {
    registerOAuthRoutes(app, options.oauth.ctx, {
      registrationRateLimitPerHour: options.oauth.registrationRateLimitPerHour,
    });
    registerAuthorizeRoutes(app, {
      ctx: options.oauth.ctx,
      accounts: options.oauth.accounts,
      throttle: options.oauth.throttle,
      cookies: createCookieJar(https),
      sessionSeconds: options.oauth.sessionSeconds,
    });
  }
  options.mountMcp?.(app);

  app.notFound((c) =>
    c.json({ error: 'not_found', error_description: 'no such endpoint' }, 404, {
      'Cache-Control': 'no-store',
    }),
  );
  return app;
}
