/**
 * `/account`: the person's own page. Signed out, it offers sign-in that
 * comes back here (and only here: the destination is the fixed path, never
 * taken from the request). Signed in, it lists their connected applications
 * with a Disconnect button each, the sections other parts add, and Sign out.
 * Every POST passes the page kit's `checkPost` (same origin + CSRF token).
 */
import type { Context } from 'hono';
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import type { OAuthContext } from '../oauth/context.js';
import { disconnectGrant } from '../oauth/disconnect-grant.js';
import { listConnections } from './account-connections.js';
import {
  ACCOUNT_PATHS,
  accountPathWithNotice,
  disconnectPath,
  type AccountSection,
} from './account-sections.js';
import {
  checkPasswordSignIn,
  type AuthorizeAccounts,
  type AuthorizeThrottle,
} from './password-sign-in.js';
import type { CookieJar } from './cookies.js';
import { createPageKit, newNonce, page, pageCsp, type PageStatus } from './page-kit.js';
import { renderAccountPage, renderAccountSignInPage } from './pages/account-page.js';
import { escapeHtml } from './pages/escape-html.js';
import { startSignedInSession } from './sign-in-session.js';
import type { GatewayApp, GatewayEnv } from './types.js';

export interface AccountRouteDeps {
  ctx: OAuthContext;
  cookies: CookieJar;
  sessionSeconds: number;
  accounts: AuthorizeAccounts;
  throttle: AuthorizeThrottle;
  /** LOCAL_LOGIN: offer (and accept) the password form. */
  localLogin: boolean;
  /** The OpenID provider, when configured: "Sign in with <providerName>". */
  oidc?: { providerName: string } | undefined;
  /** Rendered after "Connected applications", in this order. */
  sections?: readonly AccountSection[];
}

/** The page's own status messages, by `?notice=` id. */
export const ACCOUNT_NOTICES: Readonly<Record<string, string>> = {
  disconnected: 'The application was disconnected. Its access ended at once.',
  'already-disconnected': 'That application was already disconnected.',
  'signed-out': 'You are signed out.',
};

const EXPIRED_FORM =
  'This form is no longer valid. Open your account page again and repeat what you were doing.';

/** Longest grant id looked up; ours are far shorter. */
const MAX_GRANT_ID_LENGTH = 128;

/**
 * Mounts `GET /account`, `POST /account/login`, `POST /account/sign-out` and
 * `POST /account/grants/:id/disconnect`. The OpenID sign-in that returns
 * here is `GET /account/login/oidc`, mounted by oidc-routes.ts.
 * @see RFC 7009 §2.1; draft-ietf-oauth-v2-1-13 §7.13 (CSRF); RFC 6265 §4.1 (the session cookie)
 */
export function registerAccountRoutes(app: GatewayApp, deps: AccountRouteDeps): void {
  const { ctx, cookies } = deps;
  const kit = createPageKit({ ctx, cookies });
  const sections = deps.sections ?? [];
  const notices: Record<string, string> = {};
  // The page's own ids win: a section cannot reword "disconnected".
  for (const section of sections) Object.assign(notices, section.notices ?? {});
  Object.assign(notices, ACCOUNT_NOTICES);
  const origin = (c: Context<GatewayEnv>) => ({ requestId: c.get('requestId'), ip: c.get('ip') });

  const noticeOf = (c: Context<GatewayEnv>): string | undefined => {
    const id = new URL(c.req.url).searchParams.get('notice');
    return id !== null && Object.hasOwn(notices, id) ? notices[id] : undefined;
  };

  const signInPage = (
    c: Context<GatewayEnv>,
    status: PageStatus,
    extra: { notice?: string | undefined; error?: string; username?: string } = {},
  ): Response => {
    const nonce = newNonce();
    const html = renderAccountSignInPage({
      nonce,
      csrfToken: kit.csrfToken(c),
      ...(deps.localLogin ? { loginAction: ACCOUNT_PATHS.login } : {}),
      ...(deps.oidc === undefined
        ? {}
        : { oidc: { startPath: ACCOUNT_PATHS.oidcStart, providerName: deps.oidc.providerName } }),
      ...extra,
    });
    return page(c, html, status, pageCsp(nonce));
  };

  app.get(ACCOUNT_PATHS.account, async (c) => {
    const notice = noticeOf(c);
    const user = await kit.sessionUser(c);
    if (user === undefined) return signInPage(c, 200, { notice });
    const nonce = newNonce();
    const csrfToken = kit.csrfToken(c);
    const now = ctx.clock.now();
    const sectionContext = { user, csrfToken, nonce, now };
    const [connections, rendered] = await Promise.all([
      listConnections(ctx.storage, user.id, now),
      Promise.all(
        sections.map(
          async (s) =>
            `<section id="${escapeHtml(s.id)}">\n${await s.render(sectionContext)}\n</section>`,
        ),
      ),
    ]);
    const html = renderAccountPage({
      nonce,
      csrfToken,
      username: user.username,
      detail: user.email ?? user.name,
      connections,
      disconnectAction: disconnectPath,
      signOutAction: ACCOUNT_PATHS.signOut,
      sections: rendered,
      notice,
    });
    return page(c, html, 200, pageCsp(nonce));
  });

  app.post(ACCOUNT_PATHS.login, async (c) => {
    if (!deps.localLogin) {
      const provider = deps.oidc?.providerName ?? 'your organisation’s sign-in';
      return kit.errorPage(
        c,
        403,
        'Password sign-in is turned off',
        `People sign in with ${provider} here.`,
        { hint: 'Open your account page again and choose the sign-in it offers.' },
      );
    }
    const form = await kit.checkPost(c, { expiredMessage: EXPIRED_FORM });
    if (form instanceof Response) return form;
    const from = origin(c);
    const checked = await checkPasswordSignIn(deps, form, from, { via: 'account' });
    if (checked.outcome === 'throttled') {
      const response = signInPage(c, 429, { error: checked.error, username: checked.username });
      response.headers.set('Retry-After', String(checked.retryAfterSeconds));
      return response;
    }
    if (checked.outcome === 'wrong') {
      return signInPage(c, 401, { error: checked.error, username: checked.username });
    }
    const { user } = checked;
    await startSignedInSession(c, deps, user, { ...from, detail: { via: 'account' } });
    c.header('Cache-Control', 'no-store');
    return c.redirect(ACCOUNT_PATHS.account, 303);
  });

  app.post(ACCOUNT_PATHS.signOut, async (c) => {
    const form = await kit.checkPost(c, { expiredMessage: EXPIRED_FORM });
    if (form instanceof Response) return form;
    const sessionId = cookies.get(c, 'session');
    if (sessionId !== undefined) {
      const idHash = hashSecret(sessionId);
      const session = await ctx.storage.sessions.get(idHash, ctx.clock.now());
      await ctx.storage.sessions.delete(idHash);
      if (session !== undefined) {
        const user = await ctx.storage.users.getById(session.userId);
        await ctx.audit.record({
          type: AUDIT_EVENT.logoutSucceeded,
          outcome: 'success',
          userId: session.userId,
          ...(user === undefined ? {} : { username: user.username }),
          ...origin(c),
        });
      }
    }
    cookies.clear(c, 'session');
    c.header('Cache-Control', 'no-store');
    return c.redirect(accountPathWithNotice('signed-out'), 303);
  });

  app.post('/account/grants/:id/disconnect', async (c) => {
    const form = await kit.checkPost(c, { expiredMessage: EXPIRED_FORM });
    if (form instanceof Response) return form;
    const user = await kit.sessionUser(c);
    // Signed out meanwhile: the page asks to sign in; nothing is revoked.
    if (user === undefined) return c.redirect(ACCOUNT_PATHS.account, 303);
    const grantId = c.req.param('id');
    const outcome =
      grantId.length > MAX_GRANT_ID_LENGTH
        ? 'not_found'
        : await disconnectGrant(ctx, user, grantId, origin(c));
    if (outcome === 'not_found') {
      return kit.errorPage(
        c,
        404,
        'No such application',
        'None of the applications connected to your account has this id.',
        { hint: 'Open your account page again to see what is connected now.' },
      );
    }
    c.header('Cache-Control', 'no-store');
    return c.redirect(
      accountPathWithNotice(outcome === 'already' ? 'already-disconnected' : 'disconnected'),
      303,
    );
  });
}
