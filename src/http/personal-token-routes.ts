/**
 * Personal access tokens on `/account` (PERSONAL_ACCESS_TOKENS=true):
 *
 *   section "Personal access tokens" ── POST /account/personal-tokens ──► 200 page showing the token once
 *
 * The tokens are listed, and revoked, under "Connected applications" (a
 * personal access token is a grant; see account-connections.ts). With the
 * setting off there is no section and the route answers 404.
 * The new token is rendered straight into the answer to the creation POST:
 * never a redirect target, never in a URL, never stored in plain, and the
 * page is `no-store`, so neither a reload nor the back button shows it again.
 * A resent creation form (same `form_id`) creates nothing.
 */
import type { Context } from 'hono';
import { hashSecret } from '../crypto/hash.js';
import { randomToken } from '../crypto/random.js';
import type { OAuthContext } from '../oauth/context.js';
import {
  createPersonalAccessToken,
  listPersonalAccessTokens,
  MAX_LIVE_PERSONAL_ACCESS_TOKENS,
  parsePersonalAccessTokenForm,
  PERSONAL_ACCESS_TOKEN_NAME_MAX,
  PersonalAccessTokenError,
  type PersonalAccessTokenSettings,
} from '../oauth/personal-access-tokens.js';
import { ALL_SCOPES, SCOPE_DESCRIPTIONS, SCOPES } from '../oauth/scopes.js';
import {
  ACCOUNT_PATHS,
  type AccountSection,
  type AccountSectionContext,
} from './account-sections.js';
import { newNonce, pageCsp, type PageKit } from './page-kit.js';
import {
  renderPersonalTokenCreatedPage,
  renderPersonalTokensSection,
} from './pages/personal-tokens-page.js';
import type { GatewayApp, GatewayEnv } from './types.js';

export const PERSONAL_TOKEN_PATHS = {
  create: '/account/personal-tokens',
} as const;

/** How long a creation form's id is remembered as used: longer than any CSRF cookie lives. */
const FORM_ID_MS = 24 * 60 * 60 * 1000;

export interface PersonalTokenDeps {
  ctx: OAuthContext;
  kit: PageKit;
  settings: PersonalAccessTokenSettings;
}

const BACK_HINT = 'Go back to your account page and try again.';

/**
 * The `/account` section, or undefined while PERSONAL_ACCESS_TOKENS is off
 * (the section is then absent).
 * @see RFC 6750 §5.3; RFC 7009 §2
 */
export function personalTokenSection(deps: PersonalTokenDeps): AccountSection | undefined {
  if (!deps.settings.enabled) return undefined;
  return {
    id: 'personal-tokens',
    async render(section: AccountSectionContext): Promise<string> {
      const live = await listPersonalAccessTokens(deps.ctx, section.user.id);
      return renderPersonalTokensSection({
        csrfToken: section.csrfToken,
        formId: randomToken(),
        createAction: PERSONAL_TOKEN_PATHS.create,
        liveCount: live.length,
        scopes: ALL_SCOPES.map((scope) => ({
          scope,
          description: SCOPE_DESCRIPTIONS[scope],
          required: scope === SCOPES.read,
        })),
        maxDays: deps.settings.maxDays,
        maxTokens: MAX_LIVE_PERSONAL_ACCESS_TOKENS,
        nameMax: PERSONAL_ACCESS_TOKEN_NAME_MAX,
      });
    },
  };
}

/**
 * Mounts the creation route: the page kit's same-origin and CSRF rules, a
 * signed-in, enabled person, 404 while PERSONAL_ACCESS_TOKENS is off.
 * @see RFC 6750 §5.2, §5.3; draft-ietf-oauth-v2-1-13 §7.13 (CSRF)
 */
export function registerPersonalTokenRoutes(app: GatewayApp, deps: PersonalTokenDeps): void {
  const { ctx, kit } = deps;
  const origin = (c: Context<GatewayEnv>) => ({ requestId: c.get('requestId'), ip: c.get('ip') });
  const absent = (c: Context<GatewayEnv>): Response =>
    kit.errorPage(c, 404, 'Not found', 'There is no such page.');
  const refused = (c: Context<GatewayEnv>, error: PersonalAccessTokenError): Response =>
    kit.errorPage(c, error.status, 'Token not created', error.message, { hint: BACK_HINT });

  app.post(PERSONAL_TOKEN_PATHS.create, async (c) => {
    if (!deps.settings.enabled) return absent(c);
    const form = await kit.checkPost(c);
    if (form instanceof Response) return form;
    const user = await kit.sessionUser(c);
    if (user === undefined) return c.redirect(ACCOUNT_PATHS.account, 303);
    const formId = form.get('form_id') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(formId)) {
      return kit.errorPage(c, 400, 'Invalid request', 'The form could not be read.', {
        hint: BACK_HINT,
      });
    }
    let request;
    try {
      request = parsePersonalAccessTokenForm(
        { name: form.get('name'), scopes: form.getAll('scope'), days: form.get('days') },
        deps.settings.maxDays,
      );
    } catch (error) {
      if (error instanceof PersonalAccessTokenError) return refused(c, error);
      throw error;
    }
    const now = ctx.clock.now();
    const formKey = `pat-form:${hashSecret(formId)}`;
    const alreadySent = (): Response =>
      kit.errorPage(
        c,
        409,
        'Form already sent',
        'This form was already sent, and its token was shown then. It is not shown again.',
        { hint: 'If you did not copy it, revoke it on your account page and make a new one.' },
      );
    // A reload of the form that made the 20th token says so (a read, no write).
    if (((await ctx.storage.counters.get(formKey, now))?.count ?? 0) > 0) return alreadySent();
    // A person at the limit writes nothing: otherwise each refused post
    // with a fresh form_id would leave a 24-hour claim row behind. (The
    // limit itself holds under concurrency in createPersonalAccessToken.)
    const live = await listPersonalAccessTokens(ctx, user.id);
    if (live.length >= MAX_LIVE_PERSONAL_ACCESS_TOKENS) {
      return refused(
        c,
        new PersonalAccessTokenError(
          'limit_reached',
          `You already have ${String(MAX_LIVE_PERSONAL_ACCESS_TOKENS)} personal access tokens. Revoke one you no longer use first.`,
        ),
      );
    }
    // Claimed before anything is created: a resent form (reload, double
    // click) must not make a second token the person never saw.
    const claim = await ctx.storage.counters.reserve(formKey, now, now + FORM_ID_MS, 1);
    if (!claim.reserved) return alreadySent();
    let created;
    try {
      created = await createPersonalAccessToken(ctx, user, request, origin(c));
    } catch (error) {
      if (error instanceof PersonalAccessTokenError) {
        // Nothing was made: the same form may be sent again, and no row
        // is left behind (a released claim would stay stored for 24 hours).
        await ctx.storage.counters.reset(formKey);
        return refused(c, error);
      }
      throw error;
    }
    const nonce = newNonce();
    const html = renderPersonalTokenCreatedPage({
      nonce,
      token: created.token,
      name: request.name,
      scopes: created.grant.scopes,
      expiresAt: created.grant.expiresAt,
      resource: created.grant.resource,
      accountPath: ACCOUNT_PATHS.account,
    });
    return kit.page(c, html, 200, pageCsp(nonce));
  });
}
