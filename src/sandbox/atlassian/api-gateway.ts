/**
 * The sandbox as Atlassian's API gateway (api.atlassian.com): a Bearer
 * access token from the sandbox's token endpoint unlocks `/me`,
 * `/oauth/token/accessible-resources` and `/ex/jira/{cloudId}/rest/...`,
 * the last acting in Jira as the person who consented. Failures use the
 * gateway's own `{code, message}` body, not Jira's ErrorCollection.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see RFC 6750 §2.1
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import type { AtlassianGrants } from './grants.js';
import { SANDBOX_CLOUD_ID } from './registry.js';

/** Who a valid access token speaks for, and what it may do. */
export interface BearerGrant {
  user: SandboxUser;
  scopes: readonly string[];
}

/** The gateway's bodies (its own shape; the scope one is quoted from a real answer). */
export const GATEWAY_UNAUTHORIZED = { code: 401, message: 'Unauthorized' } as const;
export const GATEWAY_SCOPE_MISMATCH = {
  code: 401,
  message: 'Unauthorized; scope does not match',
} as const;
export const GATEWAY_NOT_FOUND = { code: 404, message: 'Not Found' } as const;

/** Answers with the gateway's `{code, message}` body. */
export function gatewayError(
  c: Context<SandboxEnv>,
  body: { code: ContentfulStatusCode; message: string },
): Response {
  // RFC 6750 §3: a 401 names the scheme; no error details, the body carries them.
  if (body.code === 401) c.header('WWW-Authenticate', 'Bearer realm="api.atlassian.com"');
  return c.json(body, body.code);
}

/**
 * The grant behind `Authorization: Bearer <token>`, when the token is known,
 * unexpired and its person still exists.
 * @see RFC 6750 §2.1
 */
export function resolveBearer(
  header: string | undefined,
  grants: AtlassianGrants,
  users: readonly SandboxUser[],
): BearerGrant | undefined {
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined) return undefined;
  const row = grants.verifyAccess(token);
  if (row === undefined) return undefined;
  const user = users.find((candidate) => candidate.accountId === row.accountId);
  return user === undefined ? undefined : { user, scopes: row.scope.split(' ') };
}

/**
 * The classic scope a Jira REST operation needs: user reads need
 * `read:jira-user`, other reads (including the POST searches) need
 * `read:jira-work`, and every change needs `write:jira-work`.
 * @see https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
 */
export function requiredScope(method: string, apiPath: string): string {
  const read = method === 'GET' || method === 'HEAD';
  if (read && /^\/(?:myself|user)(?:\/|$)/.test(apiPath)) return 'read:jira-user';
  if (read || (method === 'POST' && /^\/search(?:\/|$)/.test(apiPath))) return 'read:jira-work';
  return 'write:jira-work';
}

const JIRA_MOUNT = /^\/ex\/jira\/([^/]+)(\/.*)?$/;

/**
 * Guards `/ex/jira/{cloudId}/*`: a valid token, the sandbox's cloud id,
 * and the scope the operation needs; then Jira's routes run as the token's
 * person, with `self` links under the gateway's prefix.
 */
export function jiraGatewayMiddleware(
  grants: AtlassianGrants,
  users: readonly SandboxUser[],
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const match = JIRA_MOUNT.exec(c.req.path);
    const grant = resolveBearer(c.req.header('authorization'), grants, users);
    if (grant === undefined) return gatewayError(c, GATEWAY_UNAUTHORIZED);
    if (match?.[1] !== SANDBOX_CLOUD_ID) return gatewayError(c, GATEWAY_NOT_FOUND);
    const rest = match[2] ?? '/';
    const apiPath = rest.startsWith('/rest/api/3') ? rest.slice('/rest/api/3'.length) : rest;
    if (!grant.scopes.includes(requiredScope(c.req.method, apiPath))) {
      return gatewayError(c, GATEWAY_SCOPE_MISMATCH);
    }
    c.set('user', grant.user);
    c.set('base', `${c.get('base')}/ex/jira/${SANDBOX_CLOUD_ID}`);
    return next();
  };
}
