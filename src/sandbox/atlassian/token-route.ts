/**
 * `POST /oauth/token`: Atlassian's token endpoint as the sandbox plays it.
 * Takes a JSON body (as Atlassian documents) or a form body (as its Auth0
 * base also does), with the client's id and secret in the body. Failures
 * answer as Atlassian does: 401 `access_denied` for bad client credentials,
 * 403 `invalid_grant` for a bad code or refresh token.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see RFC 6749 §4.1.3
 * @see RFC 6749 §6
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { constantTimeEqual, hashSecret } from '../../crypto/hash.js';
import type { SandboxEnv } from '../context.js';
import {
  GrantError,
  type AtlassianGrants,
  type GrantFailure,
  type IssuedTokens,
} from './grants.js';
import { SANDBOX_ATLASSIAN_APP } from './registry.js';

const SECRET_HASH = hashSecret(SANDBOX_ATLASSIAN_APP.clientSecret);

/** Atlassian's bodies for a refused grant (403), by cause. */
const GRANT_FAILURES: Record<GrantFailure, string> = {
  invalid_code: 'Invalid authorization code',
  pkce: 'Failed to verify code verifier',
  // Byte for byte the description Atlassian's 3LO page quotes for a dead refresh token.
  invalid_refresh: 'Unknown or invalid refresh token.',
};

function oauthError(
  c: Context<SandboxEnv>,
  status: ContentfulStatusCode,
  error: string,
  description: string,
): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  return c.json({ error, error_description: description }, status);
}

/** The body's string fields, or undefined when it is neither a JSON object nor a form. */
async function readParams(c: Context<SandboxEnv>): Promise<Record<string, string> | undefined> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const params: Record<string, string> = {};
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text()) as unknown;
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    for (const [name, value] of Object.entries(body)) {
      if (typeof value === 'string') params[name] = value;
    }
    return params;
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(await c.req.text())) params[name] = value;
    return params;
  }
  return undefined;
}

function tokenResponse(c: Context<SandboxEnv>, issued: IssuedTokens): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  return c.json({
    access_token: issued.accessToken,
    expires_in: issued.expiresInSeconds,
    token_type: 'Bearer',
    ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
    scope: issued.scope,
  });
}

/**
 * Route: POST /oauth/token (grant types `authorization_code` and `refresh_token`).
 * @see RFC 6749 §5.1
 * @see RFC 6749 §5.2
 */
export function tokenRoutes(grants: AtlassianGrants): Hono<SandboxEnv> {
  const routes = new Hono<SandboxEnv>();
  routes.post('/oauth/token', async (c) => {
    const params = await readParams(c);
    if (params === undefined) {
      return oauthError(c, 400, 'invalid_request', 'The body must be a JSON object or a form.');
    }
    const grantType = params['grant_type'];
    if (grantType === undefined) {
      return oauthError(c, 400, 'invalid_request', 'Missing required parameter: grant_type');
    }
    const clientOk =
      params['client_id'] === SANDBOX_ATLASSIAN_APP.clientId &&
      constantTimeEqual(hashSecret(params['client_secret'] ?? ''), SECRET_HASH);
    if (!clientOk) return oauthError(c, 401, 'access_denied', 'Unauthorized');
    const clientId = SANDBOX_ATLASSIAN_APP.clientId;
    try {
      if (grantType === 'authorization_code') {
        const code = params['code'];
        const redirectUri = params['redirect_uri'];
        if (code === undefined) {
          return oauthError(c, 400, 'invalid_request', 'Missing required parameter: code');
        }
        if (redirectUri === undefined) {
          return oauthError(c, 400, 'invalid_request', 'Missing required parameter: redirect_uri');
        }
        const verifier = params['code_verifier'];
        return tokenResponse(
          c,
          grants.redeemCode({
            code,
            clientId,
            redirectUri,
            ...(verifier === undefined ? {} : { codeVerifier: verifier }),
          }),
        );
      }
      if (grantType === 'refresh_token') {
        const refreshToken = params['refresh_token'];
        if (refreshToken === undefined) {
          return oauthError(c, 400, 'invalid_request', 'Missing required parameter: refresh_token');
        }
        return tokenResponse(c, grants.refresh({ refreshToken, clientId }));
      }
    } catch (error) {
      if (error instanceof GrantError) {
        return oauthError(c, 403, 'invalid_grant', GRANT_FAILURES[error.failure]);
      }
      throw error;
    }
    return oauthError(c, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  });
  return routes;
}
