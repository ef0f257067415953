/**
 * `GET /authorize` and `POST /authorize`: Atlassian's authorization
 * endpoint as the sandbox plays it. The client and its redirect URI are
 * checked first; when either is wrong the person sees an error page and is
 * never redirected. Other mistakes go back to the client as `error=…`.
 * PKCE is optional (Atlassian's 3LO does not document it): a
 * `code_challenge` with method S256 is honoured, other methods are refused.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see RFC 6749 §4.1.1
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { constantTimeEqual, hashSecret } from '../../crypto/hash.js';
import type { SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import { consentPage, errorPage, pageHeaders } from './authorize-page.js';
import type { AtlassianGrants } from './grants.js';
import {
  ATLASSIAN_AUDIENCE,
  KNOWN_SCOPES,
  parseScopes,
  SANDBOX_ATLASSIAN_APP,
  SANDBOX_PASSWORD,
  type RedirectUriRegistry,
} from './registry.js';

/** The authorization request's parameters carried from the GET to the POST. */
const REQUEST_PARAMS = [
  'audience',
  'client_id',
  'scope',
  'redirect_uri',
  'state',
  'response_type',
  'prompt',
  'code_challenge',
  'code_challenge_method',
] as const;

const APP_NAME = 'Jira MCP gateway (sandbox app)';
const PASSWORD_HASH = hashSecret(SANDBOX_PASSWORD);

type Checked =
  | { kind: 'page'; message: string }
  | { kind: 'redirect'; redirectUri: string; error: string; description: string; state?: string }
  | {
      kind: 'ok';
      redirectUri: string;
      scopes: string[];
      state?: string;
      codeChallenge?: string;
      params: Record<string, string>;
    };

/**
 * Validates an authorization request. Client and redirect URI first: a
 * wrong one must not become a redirect (an open redirector otherwise).
 * @see RFC 6749 §4.1.2.1
 */
function check(
  input: (name: string) => string | undefined,
  redirects: RedirectUriRegistry,
): Checked {
  const clientId = input('client_id');
  const redirectUri = input('redirect_uri');
  if (clientId !== SANDBOX_ATLASSIAN_APP.clientId) {
    return {
      kind: 'page',
      message: 'The app that sent you here is not registered (unknown client_id).',
    };
  }
  if (redirectUri === undefined || !redirects.allows(redirectUri)) {
    return { kind: 'page', message: "The redirect_uri is not one of the app's callback URLs." };
  }
  const state = input('state');
  const fail = (error: string, description: string): Checked => ({
    kind: 'redirect',
    redirectUri,
    error,
    description,
    ...(state === undefined ? {} : { state }),
  });
  if (input('response_type') !== 'code')
    return fail('unsupported_response_type', 'response_type must be code');
  if (input('audience') !== ATLASSIAN_AUDIENCE)
    return fail('invalid_request', `audience must be ${ATLASSIAN_AUDIENCE}`);
  const scopes = parseScopes(input('scope'));
  // Own keys only: `constructor` or `toString` are not scopes.
  const unknown = scopes.find((scope) => !Object.hasOwn(KNOWN_SCOPES, scope));
  if (scopes.length === 0) return fail('invalid_scope', 'scope is required');
  if (unknown !== undefined) return fail('invalid_scope', `unknown scope: ${unknown}`);
  const codeChallenge = input('code_challenge');
  const method = input('code_challenge_method');
  if (codeChallenge !== undefined && (method ?? 'plain') !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256');
  }
  if (codeChallenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
    return fail('invalid_request', 'code_challenge must be a base64url SHA-256 value');
  }
  const params: Record<string, string> = {};
  for (const name of REQUEST_PARAMS) {
    const value = input(name);
    if (value !== undefined) params[name] = value;
  }
  return {
    kind: 'ok',
    redirectUri,
    scopes,
    params,
    ...(state === undefined ? {} : { state }),
    ...(codeChallenge === undefined ? {} : { codeChallenge }),
  };
}

function html(
  c: Context<SandboxEnv>,
  body: string,
  status: ContentfulStatusCode,
  formTarget?: string,
): Response {
  for (const [name, value] of Object.entries(pageHeaders(formTarget))) c.header(name, value);
  return c.html(body, status);
}

function redirectTo(
  c: Context<SandboxEnv>,
  redirectUri: string,
  params: Record<string, string | undefined>,
): Response {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  c.header('Cache-Control', 'no-store');
  return c.redirect(url.toString(), 302);
}

function answerInvalid(
  c: Context<SandboxEnv>,
  checked: Exclude<Checked, { kind: 'ok' }>,
): Response {
  if (checked.kind === 'page') return html(c, errorPage(checked.message), 400);
  return redirectTo(c, checked.redirectUri, {
    error: checked.error,
    error_description: checked.description,
    state: checked.state,
  });
}

function findAccount(
  users: readonly SandboxUser[],
  email: string,
  password: string,
): SandboxUser | undefined {
  const user = users.find(
    (candidate) => candidate.emailAddress.toLowerCase() === email.trim().toLowerCase(),
  );
  // Compare the password even for an unknown e-mail, so both failures cost the same.
  const passwordOk = constantTimeEqual(hashSecret(password), PASSWORD_HASH);
  return passwordOk ? user : undefined;
}

/**
 * Routes: GET /authorize (the form) and POST /authorize (sign in and decide).
 * @see RFC 6749 §4.1.1
 * @see RFC 6749 §4.1.2
 */
export function authorizeRoutes(deps: {
  users: readonly SandboxUser[];
  grants: AtlassianGrants;
  redirects: RedirectUriRegistry;
}): Hono<SandboxEnv> {
  const routes = new Hono<SandboxEnv>();

  routes.get('/authorize', (c) => {
    const checked = check((name) => c.req.query(name), deps.redirects);
    if (checked.kind !== 'ok') return answerInvalid(c, checked);
    const page = consentPage({ appName: APP_NAME, scopes: checked.scopes, params: checked.params });
    return html(c, page, 200, new URL(checked.redirectUri).origin);
  });

  routes.post('/authorize', async (c) => {
    const origin = c.req.header('origin');
    // The page is `Referrer-Policy: no-referrer`, under which browsers send
    // `Origin: null` from it (Fetch §3.1.3); `null` passes only when the
    // browser vouches with `Sec-Fetch-Site: same-origin`, as in the gateway's page kit.
    const nullVouched = origin === 'null' && c.req.header('sec-fetch-site') === 'same-origin';
    // A cross-site post could sign a victim in as the attacker's account (login CSRF).
    if (origin !== undefined && origin !== new URL(c.req.url).origin && !nullVouched) {
      return html(c, errorPage('This form can only be sent from its own page.'), 403);
    }
    const form = await c.req.parseBody();
    const field = (name: string): string | undefined => {
      const value = form[name];
      return typeof value === 'string' ? value : undefined;
    };
    const checked = check(field, deps.redirects);
    if (checked.kind !== 'ok') return answerInvalid(c, checked);
    if (field('decision') !== 'accept') {
      return redirectTo(c, checked.redirectUri, {
        error: 'access_denied',
        error_description: 'The user did not grant access.',
        state: checked.state,
      });
    }
    const email = field('email') ?? '';
    const user = findAccount(deps.users, email, field('password') ?? '');
    if (user === undefined) {
      const page = consentPage({
        appName: APP_NAME,
        scopes: checked.scopes,
        params: checked.params,
        email,
        error: 'Incorrect email address and / or password.',
      });
      return html(c, page, 401, new URL(checked.redirectUri).origin);
    }
    const code = deps.grants.issueCode({
      clientId: SANDBOX_ATLASSIAN_APP.clientId,
      accountId: user.accountId,
      scopes: checked.scopes,
      redirectUri: checked.redirectUri,
      ...(checked.codeChallenge === undefined ? {} : { codeChallenge: checked.codeChallenge }),
    });
    return redirectTo(c, checked.redirectUri, { code, state: checked.state });
  });

  return routes;
}
