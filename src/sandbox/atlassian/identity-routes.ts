/**
 * `GET /oauth/token/accessible-resources` (the sites a token reaches: the
 * sandbox's one Jira site) and `GET /me` (the person behind the token,
 * needs `read:me`), shaped like Atlassian's documented examples.
 * @see https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api/
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import { Hono } from 'hono';
import type { SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import {
  GATEWAY_SCOPE_MISMATCH,
  GATEWAY_UNAUTHORIZED,
  gatewayError,
  resolveBearer,
} from './api-gateway.js';
import type { AtlassianGrants } from './grants.js';
import { IDENTITY_SCOPES, SANDBOX_CLOUD_ID, SANDBOX_SITE_NAME } from './registry.js';

const SITE_AVATAR_PATH = '/atlassian/site-avatar.svg';
const SITE_AVATAR = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><rect width="48" height="48" rx="8" fill="#0052cc"/><text x="24" y="31" font-family="sans-serif" font-size="20" fill="#fff" text-anchor="middle">JS</text></svg>`;

/** The `/me` body for a sandbox person (Atlassian's field names and value kinds). */
export function meJson(base: string, user: SandboxUser): Record<string, unknown> {
  const nickname = user.emailAddress.split('@')[0] ?? user.displayName;
  return {
    account_type: 'atlassian',
    account_id: user.accountId,
    email: user.emailAddress,
    email_verified: true,
    name: user.displayName,
    picture: `${base}/secure/useravatar?size=large&ownerId=${encodeURIComponent(user.accountId)}`,
    account_status: 'active',
    nickname,
    zoneinfo: user.timeZone,
    locale: user.locale.replace('_', '-'),
    extended_profile: { job_title: 'Sandbox user', organization: 'Jira sandbox' },
  };
}

/**
 * Routes: GET /oauth/token/accessible-resources, GET /me, and the site's avatar.
 * @see RFC 6750 §2.1
 */
export function identityRoutes(deps: {
  grants: AtlassianGrants;
  users: readonly SandboxUser[];
}): Hono<SandboxEnv> {
  const routes = new Hono<SandboxEnv>();

  routes.get('/oauth/token/accessible-resources', (c) => {
    const grant = resolveBearer(c.req.header('authorization'), deps.grants, deps.users);
    if (grant === undefined) return gatewayError(c, GATEWAY_UNAUTHORIZED);
    const base = c.get('base');
    return c.json([
      {
        id: SANDBOX_CLOUD_ID,
        name: SANDBOX_SITE_NAME,
        url: base,
        scopes: grant.scopes.filter((scope) => !IDENTITY_SCOPES.has(scope)),
        avatarUrl: `${base}${SITE_AVATAR_PATH}`,
      },
    ]);
  });

  routes.get('/me', (c) => {
    const grant = resolveBearer(c.req.header('authorization'), deps.grants, deps.users);
    if (grant === undefined) return gatewayError(c, GATEWAY_UNAUTHORIZED);
    if (!grant.scopes.includes('read:me')) return gatewayError(c, GATEWAY_SCOPE_MISMATCH);
    return c.json(meJson(c.get('base'), grant.user));
  });

  routes.get(SITE_AVATAR_PATH, (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(SITE_AVATAR, 200, { 'Content-Type': 'image/svg+xml' });
  });

  return routes;
}
