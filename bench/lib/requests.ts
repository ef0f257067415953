/**
 * The requests the load sends, built the way a client sends them: an MCP
 * `tools/call` with a bearer token, the two token grants, introspection.
 */
import { CODE_VERIFIER, ISSUE_KEY, REDIRECT_URI } from './constants.js';
import type { LoadRequest } from './load.js';

const FORM = 'application/x-www-form-urlencoded';

/** `tools/call jira_get_issue` over Streamable HTTP (stateless, JSON response). */
export function toolCall(token: string, id: number): LoadRequest {
  return {
    method: 'POST',
    path: '/mcp',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'jira_get_issue', arguments: { issueKey: ISSUE_KEY } },
    }),
  };
}

/** A `refresh_token` grant of a public client. @see RFC 6749 §6 */
export function refreshGrant(clientId: string, refreshToken: string): LoadRequest {
  return {
    method: 'POST',
    path: '/token',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    }).toString(),
  };
}

/** An `authorization_code` grant with the PKCE verifier. @see RFC 6749 §4.1.3; RFC 7636 §4.5 */
export function codeGrant(clientId: string, code: string): LoadRequest {
  return {
    method: 'POST',
    path: '/token',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: CODE_VERIFIER,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    }).toString(),
  };
}

/** An introspection request of a resource server. @see RFC 7662 §2.1 */
export function introspection(authorization: string, token: string): LoadRequest {
  return {
    method: 'POST',
    path: '/introspect',
    headers: { 'content-type': FORM, authorization },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  };
}

/** Sends one request with fetch, for the checks before a burst. */
export async function sendOnce(
  origin: string,
  request: LoadRequest,
): Promise<{ status: number; text: string }> {
  const response = await fetch(new URL(request.path, origin), {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Throws unless a response is a 200 whose body passes `check`: a burst of
 * fast errors must never be reported as throughput.
 */
export async function expectOk(
  what: string,
  origin: string,
  request: LoadRequest,
  check: (body: string) => boolean,
): Promise<void> {
  const { status, text } = await sendOnce(origin, request);
  if (status !== 200 || !check(text)) {
    throw new Error(`${what}: expected a good 200, got ${status}: ${text.slice(0, 300)}`);
  }
}
