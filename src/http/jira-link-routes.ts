/**
 * Linking a person's own Jira account (JIRA_AUTH=atlassian-oauth or
 * personal-token) to their gateway account:
 *
 *   /authorize (signed in, no working link) ──► GET /jira/link?return_to=/authorize?…
 *   GET /jira/link: "Continue to Atlassian" (3LO)  │ or the API-token form (personal-token)
 *   GET /jira/oauth/callback ──► 303 return_to     │ POST /jira/token ──► 303 return_to
 *   GET /jira/linked: "linked, return to your assistant" (URL-mode elicitation, /account)
 *   POST /jira/unlink: deletes the link and revokes the person's gateway grants
 *
 * A link to another Jira account (or site) than the one linked before
 * revokes the person's grants as unlink does; at most 10 link starts per
 * person per 10 minutes (each stores a pending state).
 *
 * Every failure is a page that says what happened, with the request's
 * reference; none is a 500.
 */
import type { Context } from 'hono';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { JiraLinkError, type JiraActor, type PersonalJira } from '../jira/person/personal-jira.js';
import type { OAuthContext } from '../oauth/context.js';
import { OAUTH_PATHS } from '../oauth/metadata.js';
import type { UserRecord } from '../storage/ports.js';
import { ACCOUNT_PATHS } from './account-sections.js';
import { JIRA_LINK_PATHS } from './jira-link-paths.js';
import { newNonce, pageCsp, type PageKit } from './page-kit.js';
import { renderErrorPage } from './pages/error-page.js';
import {
  renderJiraLinkedPage,
  renderJiraLinkStartPage,
  renderJiraTokenPage,
  type JiraAccountView,
} from './pages/jira-link-pages.js';
import type { GatewayApp, GatewayEnv } from './types.js';

/** Where a person who is not signed in is sent; its sign-in offers the link afterwards. */
const ACCOUNT_PATH = ACCOUNT_PATHS.account;

/** The notice id /account shows after an unlink. */
export const JIRA_UNLINKED_NOTICE = 'jira-unlinked';
/** The notice id /account shows after a link made from it. */
export const JIRA_LINKED_NOTICE = 'jira-linked';

export interface JiraLinkRouteDeps {
  ctx: Pick<OAuthContext, 'issuer' | 'storage' | 'clock' | 'audit'>;
  kit: PageKit;
  personalJira: PersonalJira;
  /** personal-token: the Jira site people's tokens must belong to, shown on the form. */
  siteUrl?: string | undefined;
}

/** Link starts (each stores a pending state of up to ~8 KB for 10 minutes) per person per window. */
export const MAX_LINK_STARTS_PER_PERSON = 10;
/** The window of {@link MAX_LINK_STARTS_PER_PERSON}: as long as a pending state lives. */
export const LINK_START_WINDOW_MS = 10 * 60 * 1000;

/**
 * True when a link replaced one to another Jira account (or site): the
 * person's consents named the old account, so grants must not carry over.
 */
export function isOtherJiraAccount(before: JiraActor | undefined, after: JiraActor): boolean {
  return (
    before !== undefined &&
    (before.accountId !== after.accountId || before.siteUrl !== after.siteUrl)
  );
}

/** Longest `return_to` kept: an /authorize query with a metadata-document client id fits. */
const MAX_RETURN_TO = 8192;

/** Same-origin paths a link may return to; anything else falls back to the "linked" page. */
const RETURN_PREFIXES = [`${OAUTH_PATHS.authorize}?`, ACCOUNT_PATH, JIRA_LINK_PATHS.linked];

/**
 * `value` when it is one of our own paths a link may return to (the
 * authorization request, /account, the linked page), else undefined: never
 * another origin (`//host`, `/\host`), never a scheme.
 * @see RFC 9700 §4.11 (open redirection)
 */
export function safeReturnTo(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value.length > MAX_RETURN_TO) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- a raw control character never comes from our pages
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const path = value.split('?')[0] ?? '';
  return RETURN_PREFIXES.some((prefix) =>
    prefix.endsWith('?') ? value.startsWith(prefix) : path === prefix,
  )
    ? value
    : undefined;
}

/** What pages show of an actor. */
export function accountView(actor: JiraActor): JiraAccountView {
  return { displayName: actor.displayName, email: actor.email, siteUrl: actor.siteUrl };
}

/** The consent page's "In Jira" input, or where to send the person first. */
export type JiraConsentStep =
  | { linkAt: string }
  | {
      jira:
        | { shared: false; account: JiraAccountView }
        | { shared: true; account?: JiraAccountView | undefined }
        | undefined;
    };

/**
 * The Jira step of /authorize, after sign-in and before consent. Per-person
 * modes: a person without a working link is sent to link first and comes
 * back to `authorizePath`; otherwise the consent page names their account.
 * Service mode: the consent page names the shared account (or says it is
 * shared when Jira cannot say who it is right now).
 * @see RFC 6749 §4.1.1 (the authorization server authenticates the resource owner, then asks)
 */
export async function jiraConsentStep(
  personalJira: Pick<PersonalJira, 'mode' | 'actorFor'> | undefined,
  userId: string,
  authorizePath: string,
): Promise<JiraConsentStep> {
  if (personalJira === undefined) return { jira: undefined };
  if (personalJira.mode === 'service') {
    const actor = await personalJira.actorFor(userId).catch(() => undefined);
    return {
      jira: { shared: true, account: actor === undefined ? undefined : accountView(actor) },
    };
  }
  const actor = await personalJira.actorFor(userId);
  if (actor === undefined) {
    return { linkAt: `${JIRA_LINK_PATHS.link}?return_to=${encodeURIComponent(authorizePath)}` };
  }
  return { jira: { shared: false, account: accountView(actor) } };
}

/**
 * Mounts the link pages. Service mode mounts them too, answering 404 pages,
 * so a stale bookmark explains itself.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see MCP 2025-11-25 client/elicitation (URL mode)
 */
export function registerJiraLinkRoutes(app: GatewayApp, deps: JiraLinkRouteDeps): void {
  const { ctx, kit, personalJira } = deps;
  // The callback on this issuer: with PUBLIC_URL unset each loopback spelling
  // is its own issuer, and Atlassian must return the person to the spelling
  // that holds their session cookie.
  const callbackUrl = `${ctx.issuer}${JIRA_LINK_PATHS.callback}`;

  const origin = (c: Context<GatewayEnv>): { requestId: string; ip: string } => ({
    requestId: c.get('requestId'),
    ip: c.get('ip'),
  });

  const notHere = (c: Context<GatewayEnv>): Response =>
    kit.errorPage(
      c,
      404,
      'Nothing to link',
      personalJira.mode === 'service'
        ? 'This gateway acts in Jira with one shared account; there is no personal Jira account to link.'
        : 'This page is not used with the way this gateway connects to Jira.',
    );

  /** The `jira.link_failed` event: the mode and the error's code, never its input. */
  const auditLinkFailed = (
    c: Context<GatewayEnv>,
    user: UserRecord,
    error: JiraLinkError,
  ): Promise<void> =>
    ctx.audit.record({
      type: AUDIT_EVENT.jiraLinkFailed,
      outcome: 'failure',
      userId: user.id,
      username: user.username,
      ...origin(c),
      detail: { mode: personalJira.mode, code: error.code },
    });

  /** A failed link as a page: the typed error's safe message, its status, the reference. */
  const linkFailed = async (
    c: Context<GatewayEnv>,
    user: UserRecord,
    error: JiraLinkError,
  ): Promise<Response> => {
    await auditLinkFailed(c, user, error);
    const nonce = newNonce();
    const html = renderErrorPage({
      nonce,
      title:
        error.code === 'denied' ? 'Jira access was not granted' : 'Your Jira account is not linked',
      message: error.message,
      hint: 'Start again from your assistant, or link your Jira account on your account page (/account).',
      requestId: c.get('requestId'),
    });
    return c.html(html, error.status, {
      'Content-Security-Policy': pageCsp(nonce),
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
  };

  /** Revokes every live grant of the person (personal access tokens included); returns how many. */
  const revokeGrants = async (userId: string, reason: string): Promise<number> => {
    const now = ctx.clock.now();
    let revoked = 0;
    for (const grant of await ctx.storage.grants.listByUser(userId)) {
      if (grant.revokedAt !== undefined) continue;
      if (await ctx.storage.grants.revoke(grant.id, now, reason)) revoked++;
    }
    return revoked;
  };

  /** The Jira account linked now, working or broken: what the person's grants were consented for. */
  const linkedActor = async (userId: string): Promise<JiraActor | undefined> => {
    const status = await personalJira.linkStatus(userId);
    return status.status === 'none' ? undefined : status.actor;
  };

  const linked = async (
    c: Context<GatewayEnv>,
    user: UserRecord,
    actor: JiraActor,
    returnTo: string | undefined,
    before: JiraActor | undefined,
  ): Promise<Response> => {
    // Every consent, and every personal access token, was given while the
    // old account acted in Jira; acting as another one needs a new consent,
    // as after an unlink. The same account re-linked keeps them.
    const replaced = isOtherJiraAccount(before, actor);
    const grantsRevoked = replaced ? await revokeGrants(user.id, 'jira account replaced') : 0;
    await ctx.audit.record({
      type: AUDIT_EVENT.jiraLinked,
      outcome: 'success',
      userId: user.id,
      username: user.username,
      ...origin(c),
      detail: {
        mode: actor.mode,
        jiraAccountId: actor.accountId,
        jiraSite: actor.siteUrl,
        ...(replaced && before !== undefined
          ? {
              replacedJiraAccountId: before.accountId,
              replacedJiraSite: before.siteUrl,
              grantsRevoked,
            }
          : {}),
      },
    });
    return c.redirect(safeReturnTo(returnTo) ?? JIRA_LINK_PATHS.linked, 303);
  };

  const tokenForm = (
    c: Context<GatewayEnv>,
    user: UserRecord,
    returnTo: string,
    status: 200 | 400,
    extra: { email?: string; error?: string; replacing?: boolean } = {},
  ): Response => {
    const nonce = newNonce();
    const html = renderJiraTokenPage({
      nonce,
      csrfToken: kit.csrfToken(c),
      action: JIRA_LINK_PATHS.token,
      returnTo,
      siteUrl: deps.siteUrl ?? personalJira.siteUrl ?? 'your Jira site',
      username: user.username,
      ...extra,
    });
    return kit.page(c, html, status, kit.pageCsp(nonce));
  };

  app.get(JIRA_LINK_PATHS.link, async (c) => {
    if (personalJira.mode === 'service') return notHere(c);
    const returnTo =
      safeReturnTo(new URL(c.req.url).searchParams.get('return_to')) ?? JIRA_LINK_PATHS.linked;
    const user = await kit.sessionUser(c);
    // Whoever opens this URL links their own account: it carries nothing about anybody.
    if (user === undefined) return c.redirect(ACCOUNT_PATH, 303);
    if (personalJira.mode === 'personal-token') {
      const status = await personalJira.linkStatus(user.id);
      return tokenForm(c, user, returnTo, 200, { replacing: status.status !== 'none' });
    }
    // Reserved atomically before a state is stored, so a signed-in person
    // (or a parallel burst of theirs) cannot fill the store with states.
    const refused = await reserveAttempt(c, `jira-link-start:${user.id}`, 'started linking', {
      hint: 'An Atlassian page you already opened from here still works for 10 minutes.',
    });
    if (refused !== undefined) return refused;
    try {
      const [start, status] = await Promise.all([
        personalJira.startLink(user.id, returnTo, callbackUrl),
        personalJira.linkStatus(user.id),
      ]);
      const nonce = newNonce();
      const html = renderJiraLinkStartPage({
        nonce,
        authorizeUrl: start.url,
        username: user.username,
        broken: status.status === 'broken',
      });
      return kit.page(c, html, 200, kit.pageCsp(nonce));
    } catch (error) {
      if (error instanceof JiraLinkError) return linkFailed(c, user, error);
      throw error;
    }
  });

  app.get(JIRA_LINK_PATHS.callback, async (c) => {
    if (personalJira.mode !== 'atlassian-oauth') return notHere(c);
    const user = await kit.sessionUser(c);
    if (user === undefined) {
      return kit.errorPage(
        c,
        400,
        'Signed out',
        'Your sign-in at the gateway ended before Atlassian sent you back, so your Jira account is not linked.',
        { hint: 'Start again from your assistant, or sign in on your account page (/account).' },
      );
    }
    try {
      const before = await linkedActor(user.id);
      const result = await personalJira.completeLink(
        user.id,
        new URL(c.req.url).searchParams,
        callbackUrl,
      );
      return await linked(c, user, result.actor, result.returnTo, before);
    } catch (error) {
      if (error instanceof JiraLinkError) return linkFailed(c, user, error);
      throw error;
    }
  });

  app.get(JIRA_LINK_PATHS.linked, async (c) => {
    if (personalJira.mode === 'service') return notHere(c);
    const user = await kit.sessionUser(c);
    if (user === undefined) return c.redirect(ACCOUNT_PATH, 303);
    const actor = await personalJira.actorFor(user.id);
    if (actor === undefined) return c.redirect(JIRA_LINK_PATHS.link, 303);
    const nonce = newNonce();
    return kit.page(
      c,
      renderJiraLinkedPage({ nonce, account: accountView(actor) }),
      200,
      kit.pageCsp(nonce),
    );
  });

  app.post(JIRA_LINK_PATHS.token, async (c) => {
    const form = await kit.checkPost(c);
    if (form instanceof Response) return form;
    if (personalJira.mode !== 'personal-token') return notHere(c);
    const user = await kit.sessionUser(c);
    if (user === undefined) return signedOut(c);
    const returnTo = safeReturnTo(form.get('return_to')) ?? JIRA_LINK_PATHS.linked;
    const email = (form.get('email') ?? '').trim();
    // Each post costs a call to Jira's /myself: reserved first, like link starts.
    const refused = await reserveAttempt(c, `jira-token-check:${user.id}`, 'sent an API token');
    if (refused !== undefined) return refused;
    try {
      const before = await linkedActor(user.id);
      const actor = await personalJira.storePersonalToken(
        user.id,
        email,
        form.get('api_token') ?? '',
      );
      return await linked(c, user, actor, returnTo, before);
    } catch (error) {
      if (!(error instanceof JiraLinkError)) throw error;
      if (error.status === 502) return linkFailed(c, user, error);
      await auditLinkFailed(c, user, error);
      return tokenForm(c, user, returnTo, 400, { email, error: error.message });
    }
  });

  /**
   * Takes one of the person's {@link MAX_LINK_STARTS_PER_PERSON} attempts of
   * this window (atomic, so a parallel burst cannot pass the limit); the 429
   * page with `Retry-After` when none is left.
   */
  async function reserveAttempt(
    c: Context<GatewayEnv>,
    key: string,
    what: string,
    extra: { hint?: string } = {},
  ): Promise<Response | undefined> {
    const now = ctx.clock.now();
    const slot = await ctx.storage.counters.reserve(
      key,
      now,
      now + LINK_START_WINDOW_MS,
      MAX_LINK_STARTS_PER_PERSON,
    );
    if (slot.reserved) return undefined;
    const retryAfter = Math.max(1, Math.ceil((slot.expiresAt - now) / 1000));
    return kit.errorPage(
      c,
      429,
      'Too many link attempts',
      `You ${what} ${String(MAX_LINK_STARTS_PER_PERSON)} times in the last ${String(LINK_START_WINDOW_MS / 60_000)} minutes. Try again in ${String(Math.ceil(retryAfter / 60))} minute(s).`,
      { ...extra, headers: { 'Retry-After': String(retryAfter) } },
    );
  }

  const signedOut = (c: Context<GatewayEnv>): Response =>
    kit.errorPage(c, 403, 'Signed out', 'Sign in again on your account page (/account).');

  app.post(JIRA_LINK_PATHS.unlink, async (c) => {
    const form = await kit.checkPost(c);
    if (form instanceof Response) return form;
    if (personalJira.mode === 'service') return notHere(c);
    const user = await kit.sessionUser(c);
    if (user === undefined) return signedOut(c);
    const hadLink = await personalJira.unlink(user.id);
    // Every grant acted in Jira as this account; none may outlive the link.
    const grantsRevoked = await revokeGrants(user.id, 'jira account unlinked');
    await ctx.audit.record({
      type: AUDIT_EVENT.jiraUnlinked,
      outcome: 'success',
      userId: user.id,
      username: user.username,
      ...origin(c),
      detail: { mode: personalJira.mode, hadLink, grantsRevoked },
    });
    return c.redirect(`${ACCOUNT_PATH}?notice=${JIRA_UNLINKED_NOTICE}`, 303);
  });
}
