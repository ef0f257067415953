import { Hono } from 'hono';
import type { PersonalJira } from '../jira/person/personal-jira.js';
import type { OAuthContext } from '../oauth/context.js';
import { registerAccountRoutes } from './account-routes.js';
import type { AccountSection } from './account-sections.js';
import { registerAuthorizeRoutes } from './authorize-routes.js';
import { createCookieJar } from './cookies.js';
import { jiraAccountSection } from './jira-account-section.js';
import { registerJiraLinkRoutes } from './jira-link-routes.js';
import type { Logger } from './logger.js';
import type { AuthorizeAccounts, AuthorizeThrottle } from './password-sign-in.js';
import { errorHandler, requestContext, securityHeaders } from './middleware.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { registerOpsRoutes, type OpsRoutesOptions } from './ops-routes.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { createPageKit } from './page-kit.js';
import { personalTokenSection, registerPersonalTokenRoutes } from './personal-token-routes.js';
import { OIDC_PATHS, registerOidcRoutes, type OidcRouteDeps } from './oidc-routes.js';
import type { GatewayApp, GatewayEnv, PeerAddress } from './types.js';

export interface AppOptions {
  publicUrl: string;
  resource: string;
  logger: Logger;
  peerAddress: PeerAddress;
  /** TRUST_PROXY: proxies appending to X-Forwarded-For; 0 ignores it. */
  trustProxyHops: number;
  /** Present when this process is (or includes) the authorization server. */
  oauth?: {
    ctx: OAuthContext;
    accounts: AuthorizeAccounts;
    throttle: AuthorizeThrottle;
    registrationRateLimitPerHour: number;
    sessionSeconds: number;
    /** Sign-in through the organisation's OpenID provider, when configured. */
    oidc?: Omit<OidcRouteDeps, 'ctx' | 'cookies' | 'sessionSeconds' | 'logger' | 'localLogin'>;
    /** LOCAL_LOGIN: offer (and accept) the username and password form. Default true. */
    localLogin?: boolean;
    /** Sections of `/account` after "Connected applications", in order (see account-sections.ts). */
    accountSections?: readonly AccountSection[];
    /** JIRA_AUTH: the link step of /authorize, the consent page's Jira line, the /jira/* pages. */
    personalJira?: PersonalJira;
    /** The Jira site people link to, shown on the API-token form. */
    jiraSiteUrl?: string | undefined;
  };
  /** Mounts the MCP resource server routes when this process serves /mcp. */
  mountMcp?: (app: GatewayApp) => void;
  /** `/readyz`'s checks and, with METRICS=true, `/metrics` (see ops-routes.ts). */
  ops?: OpsRoutesOptions;
  /** Counts requests and token endpoint answers; absent: nothing is counted. */
  metrics?: GatewayMetrics;
}

/**
 * The whole gateway as one `Request -> Response` app; Node and Lambda
 * entries only adapt it. Which halves it serves depends on the role.
 */
export function createApp(options: AppOptions): GatewayApp {
  const app = new Hono<GatewayEnv>();
  const https = options.publicUrl.startsWith('https://');
  app.use(
    '*',
    requestContext(options.logger, options.peerAddress, options.trustProxyHops, options.metrics),
  );
  app.use('*', securityHeaders(https));
  app.onError(errorHandler(options.logger));

  registerOpsRoutes(app, options.ops ?? {});
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
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    });
    const localLogin = options.oauth.localLogin ?? true;
    const cookies = createCookieJar(https);
    const oidc = options.oauth.oidc;
    if (oidc !== undefined || !localLogin) {
      // Before the /authorize routes: with LOCAL_LOGIN=false it refuses the password POST first.
      if (oidc === undefined) throw new Error('LOCAL_LOGIN=false needs an OpenID provider');
      registerOidcRoutes(app, {
        ...oidc,
        ctx: options.oauth.ctx,
        cookies,
        sessionSeconds: options.oauth.sessionSeconds,
        logger: options.logger,
        localLogin,
      });
    }
    registerAuthorizeRoutes(app, {
      ctx: options.oauth.ctx,
      accounts: options.oauth.accounts,
      throttle: options.oauth.throttle,
      cookies,
      sessionSeconds: options.oauth.sessionSeconds,
      loginOptions: {
        localLogin,
        ...(oidc === undefined
          ? {}
          : { oidc: { startPath: OIDC_PATHS.start, providerName: oidc.providerName } }),
      },
      ...(options.oauth.personalJira === undefined
        ? {}
        : { personalJira: options.oauth.personalJira }),
    });
    const personalJira = options.oauth.personalJira;
    const jiraLinks =
      personalJira === undefined
        ? undefined
        : {
            ctx: options.oauth.ctx,
            kit: createPageKit({ ctx: options.oauth.ctx, cookies }),
            personalJira,
            siteUrl: options.oauth.jiraSiteUrl ?? personalJira.siteUrl,
          };
    if (jiraLinks !== undefined) registerJiraLinkRoutes(app, jiraLinks);
    // PERSONAL_ACCESS_TOKENS (carried by the OAuth context): the routes always
    // exist, so that with the setting off they answer 404; the section only when on.
    const personalTokens = {
      ctx: options.oauth.ctx,
      kit: createPageKit({ ctx: options.oauth.ctx, cookies }),
      settings: options.oauth.ctx.personalAccessTokens ?? { enabled: false, maxDays: 1 },
    };
    registerPersonalTokenRoutes(app, personalTokens);
    const tokenSection = personalTokenSection(personalTokens);
    registerAccountRoutes(app, {
      ctx: options.oauth.ctx,
      accounts: options.oauth.accounts,
      throttle: options.oauth.throttle,
      cookies,
      sessionSeconds: options.oauth.sessionSeconds,
      localLogin,
      oidc: oidc === undefined ? undefined : { providerName: oidc.providerName },
      sections: [
        ...(tokenSection === undefined ? [] : [tokenSection]),
        ...(jiraLinks === undefined || jiraLinks.personalJira.mode === 'service'
          ? []
          : [jiraAccountSection(jiraLinks)]),
        ...(options.oauth.accountSections ?? []),
      ],
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
