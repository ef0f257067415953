/**
 * The answers `/mcp` gives a tool call from a person whose Jira account is
 * not linked (or whose link broke): a URL-mode elicitation when the client
 * declared it, else HTTP 401 `invalid_token`, so the client starts a new
 * authorization and the /authorize flow links the account before consent.
 */
import { randomToken } from '../crypto/random.js';
import type { JiraLinkRequiredReason } from '../jira/person/personal-jira.js';
import { ALL_SCOPES } from '../oauth/scopes.js';
import { bearerChallenge } from './bearer-challenge.js';
import { JSON_RPC_ERROR, jsonRpcErrorResponse } from './http-responses.js';
import { URL_ELICITATION_REQUIRED } from './url-elicitation.js';

/** The `error_description` of the 401 challenge: what the person must do. */
export const LINK_REQUIRED_DESCRIPTION = 'Link your Jira account to this gateway: authorize again';

function explanation(reason: JiraLinkRequiredReason | undefined): string {
  return reason === 'broken'
    ? 'The link to your Jira account stopped working (it was revoked or expired)'
    : 'Your Jira account is not linked to this gateway';
}

/**
 * HTTP 401 with `WWW-Authenticate: Bearer error="invalid_token"` and the same
 * `resource_metadata` and `scope` as every other challenge of `/mcp`: the
 * client's next authorization passes the link step, because the person
 * still has no working link when /authorize asks.
 * @see RFC 6750 §3.1; RFC 9728 §5.1; MCP 2025-11-25 authorization (Authorization Flow Steps)
 */
export function linkRequiredUnauthorized(
  reason: JiraLinkRequiredReason | undefined,
  resourceMetadata: string,
): Response {
  return jsonRpcErrorResponse(
    401,
    JSON_RPC_ERROR.serverError,
    `Unauthorized: ${explanation(reason)}. Authorize again; the gateway will ask you to link it.`,
    {
      headers: {
        'www-authenticate': bearerChallenge({
          error: 'invalid_token',
          errorDescription: LINK_REQUIRED_DESCRIPTION,
          scopes: ALL_SCOPES,
          resourceMetadata,
        }),
      },
    },
  );
}

/**
 * HTTP 403 for a personal access token whose person has no working link: the
 * token is valid and stays so (it cannot authorize again, so no challenge
 * and no revocation); the person links on the gateway's page, and the same
 * token works again.
 * @see RFC 6750 §3.1 (403 for a valid token refused for this request)
 */
export function linkRequiredForPersonalToken(
  reason: JiraLinkRequiredReason | undefined,
  linkUrl: string | undefined,
): Response {
  const where = linkUrl === undefined ? 'on your account page' : `at ${linkUrl}`;
  return jsonRpcErrorResponse(
    403,
    JSON_RPC_ERROR.serverError,
    `Forbidden: ${explanation(reason)}. Link it ${where}; this personal access token works again once it is linked.`,
  );
}

/**
 * A JSON-RPC `URLElicitationRequiredError` (-32042) for the tool call `id`:
 * the client shows `url` (a gateway page that links the signed-in person's
 * account; it carries nothing about the person) and retries the call after
 * the person finished. The URL holds no credential: whoever opens it must
 * sign in at the gateway, so it links only their own account.
 * @see MCP 2025-11-25 client/elicitation (URL Elicitation Required Error, Safe URL Handling)
 */
export function linkRequiredElicitation(
  id: string | number,
  reason: JiraLinkRequiredReason | undefined,
  linkUrl: string,
): Response {
  const message = `${explanation(reason)}. Open this page to link it, then try again.`;
  return new Response(
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      error: {
        code: URL_ELICITATION_REQUIRED,
        message,
        data: {
          elicitations: [
            { mode: 'url', elicitationId: randomToken().slice(0, 22), url: linkUrl, message },
          ],
        },
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
}
