import type { Context } from 'hono';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import {
  afterSignIn,
  buildRedirect,
  UntrustedRedirectError,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from '../oauth/authorization-request.js';
import type { OAuthContext } from '../oauth/context.js';
import { issueAuthorizationCode } from '../oauth/issue-code.js';
import { OAUTH_PATHS } from '../oauth/metadata.js';
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '../oauth/scopes.js';
import {
  approvedScopes,
  liveGrantedScopes,
  planConsent,
  type ConsentPlan,
} from '../oauth/step-up-consent.js';
import type { PersonalJira } from '../jira/person/personal-jira.js';
import type { UserRecord } from '../storage/ports.js';
import { parseOwnQuery } from './body.js';
import type { CookieJar } from './cookies.js';
import { createPageKit, newNonce, page, pageCsp } from './page-kit.js';
import { renderConsentPage, renderLoginPage } from './pages/index.js';
import {
  checkPasswordSignIn,
  type AuthorizeAccounts,
  type AuthorizeThrottle,
} from './password-sign-in.js';
import { startSignedInSession } from './sign-in-session.js';
import type { ConsentPageInput, LoginPageInput } from './pages/index.js';
import { jiraConsentStep } from './jira-link-routes.js';
import type { GatewayApp, GatewayEnv } from './types.js';

export interface AuthorizeRouteDeps {
  ctx: OAuthContext;
  accounts: AuthorizeAccounts;
  throttle: AuthorizeThrottle;
  cookies: CookieJar;
  sessionSeconds: number;
  /** What the login page offers besides (or instead of) the password form; see oidc-routes.ts. */
  loginOptions?: Pick<LoginPageInput, 'oidc' | 'localLogin'>;
  /** Whose Jira account acts (JIRA_AUTH): links a person's own before consent, names it on the page. */
  personalJira?: Pick<PersonalJira, 'mode' | 'actorFor'>;
}

function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

function redirectHost(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host === '' ? `${url.protocol}//` : url.host;
}

/**
 * Mounts `/authorize` and its pages: login, consent and error.
 * @see RFC 6749 §4.1.1–§4.1.2.1; draft-ietf-oauth-v2-1-13 §4.1; RFC 9207
 */
export function registerAuthorizeRoutes(app: GatewayApp, deps: AuthorizeRouteDeps): void {
  const { ctx, cookies } = deps;
  const { csrfToken, sessionUser, checkPost, errorPage } = createPageKit({ ctx, cookies });

  /**
   * Validates the request; answers the error page or error redirect itself.
   * `consentShown`: only the consent POST, after a person saw the consent
   * page, may redirect errors to a client nobody vouched for (RFC 9700 §4.11.2).
   */
  const validate = async (
    c: Context<GatewayEnv>,
    params: URLSearchParams,
    status: 302 | 303,
    consentShown = false,
  ): Promise<AuthorizationRequest | Response> => {
    try {
      const result = await validateAuthorizationRequest(params, ctx, {
        requester: { ip: c.get('ip') },
        consentShown,
      });
      if (result.ok) return result.request;
      return c.redirect(
        buildRedirect(result.redirectUri, ctx.issuer, {
          error: result.error.code,
          error_description: result.error.message,
          state: result.state,
        }),
        status,
      );
    } catch (error) {
      if (error instanceof UntrustedRedirectError) {
        return errorPage(c, error.status, error.title, error.message, {
          hint: error.hint,
          headers: error.headers,
        });
      }
      throw error;
    }
  };

  const showLogin = (
    c: Context<GatewayEnv>,
    request: AuthorizationRequest,
    rawRequest: string,
    status: 200 | 401 | 429,
    extra: { error?: string; username?: string } = {},
  ): Response => {
    const nonce = newNonce();
    const html = renderLoginPage({
      nonce,
      csrfToken: csrfToken(c),
      action: OAUTH_PATHS.login,
      requestId: rawRequest,
      clientName: request.client.clientName ?? request.client.clientId,
      redirectHost: redirectHost(request.redirectUri),
      ...deps.loginOptions,
      ...extra,
    });
    return page(c, html, status, pageCsp(nonce));
  };

  const showConsent = (
    c: Context<GatewayEnv>,
    request: AuthorizationRequest,
    rawRequest: string,
    user: UserRecord,
    plan: ConsentPlan,
    jira: ConsentPageInput['jira'],
  ): Response => {
    const nonce = newNonce();
    const html = renderConsentPage({
      jira,
      nonce,
      csrfToken: csrfToken(c),
      action: OAUTH_PATHS.consent,
      requestId: rawRequest,
      clientName: request.client.clientName ?? request.client.clientId,
      // A metadata-document client is identified by its URL, whose host is what we can vouch for.
      ...(request.client.source === 'cimd'
        ? { clientUri: request.client.clientId }
        : request.client.clientUri === undefined
          ? {}
          : { clientUri: request.client.clientUri }),
      redirectHost: redirectHost(request.redirectUri),
      username: user.username,
      // Step-up: what the client already holds is shown as allowed, not offered again.
      alreadyGranted: plan.alreadyGranted.map((scope) => ({
        scope,
        description: SCOPE_DESCRIPTIONS[scope],
      })),
      scopes: plan.toApprove.map((scope) => ({
        scope,
        description: SCOPE_DESCRIPTIONS[scope],
        checked: true,
        // Reading is what every tool needs; the person may decline writing, or deny.
        required: scope === SCOPES.read,
      })),
      clientVerified: request.client.source === 'cli',
      accessTokenLifetime: humanDuration(ctx.lifetimes.accessTokenSeconds),
      refreshLifetime: humanDuration(ctx.lifetimes.grantSeconds),
    });
    return page(c, html, 200, pageCsp(nonce, request.redirectUri));
  };

  /**
   * The authorization request a page carried in its hidden `request` field,
   * re-serialized; a field our pages could not have written (a raw CR, LF or
   * NUL) gets a 400 page.
   * @see WHATWG URL §5.2 (application/x-www-form-urlencoded serializing)
   */
  const requestField = (
    c: Context<GatewayEnv>,
    form: URLSearchParams,
  ): { params: URLSearchParams; raw: string } | Response => {
    const params = parseOwnQuery(form.get('request') ?? '');
    if (params === undefined) {
      return errorPage(
        c,
        400,
        'Invalid request',
        'This form was altered. Go back to the application and start signing in again.',
      );
    }
    return { params, raw: params.toString() };
  };

  app.get(OAUTH_PATHS.authorize, async (c) => {
    const params = new URL(c.req.url).searchParams;
    const request = await validate(c, params, 302);
    if (request instanceof Response) return request;
    const user = await sessionUser(c);
    if (user === undefined || request.forceLogin) {
      return showLogin(c, request, afterSignIn(params).toString(), 200);
    }
    // Per-person Jira: a person without a working link links it first, then comes back here.
    const step = await jiraConsentStep(
      deps.personalJira,
      user.id,
      `${OAUTH_PATHS.authorize}?${params.toString()}`,
    );
    if ('linkAt' in step) return c.redirect(step.linkAt, 302);
    const granted = await liveGrantedScopes(ctx, user.id, request.client.clientId);
    return showConsent(
      c,
      request,
      params.toString(),
      user,
      planConsent(request.scopes, granted),
      step.jira,
    );
  });

  app.post(OAUTH_PATHS.login, async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const field = requestField(c, form);
    if (field instanceof Response) return field;
    const rawRequest = field.raw;
    const request = await validate(c, field.params, 303);
    if (request instanceof Response) return request;

    const origin = { requestId: c.get('requestId'), ip: c.get('ip') };
    const checked = await checkPasswordSignIn(deps, form, origin);
    if (checked.outcome === 'throttled') {
      const response = showLogin(c, request, rawRequest, 429, {
        error: checked.error,
        username: checked.username,
      });
      response.headers.set('Retry-After', String(checked.retryAfterSeconds));
      return response;
    }
    if (checked.outcome === 'wrong') {
      return showLogin(c, request, rawRequest, 401, {
        error: checked.error,
        username: checked.username,
      });
    }
    const { user } = checked;
    await startSignedInSession(c, deps, user, { clientId: request.client.clientId, ...origin });
    return c.redirect(`${OAUTH_PATHS.authorize}?${rawRequest}`, 303);
  });

  app.post(OAUTH_PATHS.consent, async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const field = requestField(c, form);
    if (field instanceof Response) return field;
    const rawRequest = field.raw;
    const request = await validate(c, field.params, 303, true);
    if (request instanceof Response) return request;
    const user = await sessionUser(c);
    if (user === undefined) return c.redirect(`${OAUTH_PATHS.authorize}?${rawRequest}`, 303);
    // The link may have ended since the page was shown (unlinked elsewhere): never grant without one.
    if (deps.personalJira !== undefined && deps.personalJira.mode !== 'service') {
      const step = await jiraConsentStep(
        deps.personalJira,
        user.id,
        `${OAUTH_PATHS.authorize}?${rawRequest}`,
      );
      if ('linkAt' in step) return c.redirect(step.linkAt, 303);
    }

    const origin = { requestId: c.get('requestId'), ip: c.get('ip') };
    const decision = form.get('decision');
    // A step-up is decided again from storage, never from the page: what the
    // client already holds is kept, only new scopes come from the form.
    const plan = planConsent(
      request.scopes,
      await liveGrantedScopes(ctx, user.id, request.client.clientId),
    );
    const approval = approvedScopes(plan, request.scopes, new Set(form.getAll('scope')));
    const scopes: Scope[] = approval.scopes;
    const approvesNothingNew = approval.nothingNew;
    if (decision !== 'approve' || scopes.length === 0 || approvesNothingNew) {
      await ctx.audit.record({
        type: AUDIT_EVENT.consentDenied,
        outcome: 'failure',
        userId: user.id,
        username: user.username,
        clientId: request.client.clientId,
        ...origin,
      });
      return c.redirect(
        buildRedirect(request.redirectUri, ctx.issuer, {
          error: 'access_denied',
          error_description:
            decision !== 'approve'
              ? 'the user denied the request'
              : approvesNothingNew
                ? 'no new scope was approved'
                : 'no scope was approved',
          state: request.state,
        }),
        303,
      );
    }
    await ctx.audit.record({
      type: AUDIT_EVENT.consentGranted,
      outcome: 'success',
      userId: user.id,
      username: user.username,
      clientId: request.client.clientId,
      ...origin,
      detail: {
        scope: scopes.join(' '),
        writeDeclined: request.scopes.includes(SCOPES.write) && !scopes.includes(SCOPES.write),
        stepUp: plan.stepUp,
      },
    });
    return c.redirect(await issueAuthorizationCode(ctx, request, user, scopes, origin), 303);
  });
}
