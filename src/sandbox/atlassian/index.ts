/**
 * The sandbox playing Atlassian: the authorization server
 * (auth.atlassian.com: `/authorize`, `/oauth/token`) and the API gateway
 * (api.atlassian.com: `/oauth/token/accessible-resources`, `/me`,
 * `/ex/jira/{cloudId}/rest/...`), all on the sandbox's own origin, so the
 * gateway's `JIRA_AUTH=atlassian-oauth` runs end to end with no Atlassian
 * account. Sandbox-only: every account's password is `sandbox`.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { Clock } from '../../clock.js';
import type { SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import { jiraGatewayMiddleware } from './api-gateway.js';
import { authorizeRoutes } from './authorize-routes.js';
import {
  ATLASSIAN_LIFETIMES,
  AtlassianGrants,
  type GrantCounters,
  type GrantLifetimes,
} from './grants.js';
import { identityRoutes } from './identity-routes.js';
import { RedirectUriRegistry } from './registry.js';
import { AtlassianTokenStore } from './token-store.js';
import { tokenRoutes } from './token-route.js';

export {
  SANDBOX_ATLASSIAN_APP,
  SANDBOX_CLOUD_ID,
  SANDBOX_PASSWORD,
  SANDBOX_SITE_NAME,
} from './registry.js';
export type { GrantCounters, GrantLifetimes } from './grants.js';

export interface AtlassianOptions {
  /** Overrides of Atlassian's lifetimes (e.g. `reuseLeewayMs: 0` in a test). */
  lifetimes?: Partial<GrantLifetimes>;
  /** Exact redirect URIs allowed besides `http://{127.0.0.1|localhost}:{port}/jira/oauth/callback`. */
  redirectUris?: readonly string[];
}

/** The Atlassian part of a running sandbox, as tests and the sandbox app see it. */
export interface AtlassianEmulator {
  /** What happened so far: codes redeemed, refreshes, reuses, revoked families. */
  readonly counters: Readonly<GrantCounters>;
  /** The lifetimes in force; tests may change them (e.g. the reuse leeway) while running. */
  readonly lifetimes: GrantLifetimes;
  /** Allows one more exact redirect URI for the sandbox app. */
  registerRedirectUri(uri: string): void;
  /** The routes of the authorization server and of `/me` and accessible-resources. */
  routes(): Hono<SandboxEnv>;
  /** Guards `/ex/jira/*`: Bearer token, cloud id, scope; sets the acting user. */
  gateway(): MiddlewareHandler<SandboxEnv>;
  close(): void;
}

/**
 * Opens the emulation's tables in the sandbox's SQLite file and builds its
 * routes for `users` (the sandbox's live user list).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function createAtlassianEmulator(deps: {
  dbPath: string;
  clock: Clock;
  users: readonly SandboxUser[];
  options?: AtlassianOptions;
}): AtlassianEmulator {
  const store = new AtlassianTokenStore(deps.dbPath);
  const lifetimes: GrantLifetimes = { ...ATLASSIAN_LIFETIMES, ...deps.options?.lifetimes };
  const grants = new AtlassianGrants(store, deps.clock, lifetimes);
  const redirects = new RedirectUriRegistry(deps.options?.redirectUris);
  return {
    counters: grants.counters,
    lifetimes,
    registerRedirectUri: (uri) => {
      redirects.register(uri);
    },
    routes: () => {
      const routes = new Hono<SandboxEnv>();
      routes.route('/', authorizeRoutes({ users: deps.users, grants, redirects }));
      routes.route('/', tokenRoutes(grants));
      routes.route('/', identityRoutes({ grants, users: deps.users }));
      return routes;
    },
    gateway: () => jiraGatewayMiddleware(grants, deps.users),
    close: () => {
      store.close();
    },
  };
}
