/**
 * Basic authentication with an email address and API token, as Jira Cloud
 * accepts it. Every /rest request must carry it; anything else (no header,
 * another scheme such as Bearer, a wrong token) gets Jira's 401: like Jira
 * Cloud on the site URL, the sandbox refuses 3LO access tokens at /rest.
 * Those work only under `/ex/jira/{cloudId}/rest`, where the Atlassian part
 * (atlassian/api-gateway.ts) resolves the Bearer token to the acting user.
 */
import type { MiddlewareHandler } from 'hono';
import { constantTimeEqual, hashSecret } from '../crypto/hash.js';
import type { SandboxEnv } from './context.js';
import { jiraError } from './jira-errors.js';
import type { SandboxUser } from './seed.js';

const UNAUTHENTICATED = 'Client must be authenticated to access this resource.';

// Compared against when the email is unknown, so both failures cost the same.
const DUMMY_HASH = hashSecret('sandbox-no-such-user');

/**
 * Authenticates `Authorization: Basic base64(email:apiToken)` in constant time.
 * @see RFC 7617 §2
 * @see https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/
 */
export function basicAuthMiddleware(users: readonly SandboxUser[]): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const user = authenticate(header, users);
    if (user === undefined) {
      // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
      c.header('WWW-Authenticate', 'Basic realm="Jira Sandbox", charset="UTF-8"');
      // Like Jira Cloud: a Basic credential it could not accept is named in this header.
      if (header !== undefined && /^Basic\s/i.test(header)) {
        c.header('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
      }
      return jiraError(c, 401, [UNAUTHENTICATED]);
    }
    c.set('user', user);
    return next();
  };
}

function authenticate(
  header: string | undefined,
  users: readonly SandboxUser[],
): SandboxUser | undefined {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const email = decoded.slice(0, colon).toLowerCase();
  const presented = hashSecret(decoded.slice(colon + 1));
  const user = users.find((candidate) => candidate.emailAddress.toLowerCase() === email);
  const matches = constantTimeEqual(
    presented,
    user === undefined ? DUMMY_HASH : hashSecret(user.apiToken),
  );
  return matches ? user : undefined;
}
