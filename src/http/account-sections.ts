/**
 * Sections other parts of the gateway add to the person's `/account` page
 * (personal access tokens, the Jira account), rendered after "Connected
 * applications" in the order given. Each section's forms post to its own
 * routes, checked with the page kit's `checkPost` and `sessionUser`, and
 * answer 303 to `/account` (or `/account?notice=<id>` with an id from its
 * `notices`).
 */
import type { UserRecord } from '../storage/ports.js';

/** What a section is given to render itself for the signed-in person. */
export interface AccountSectionContext {
  user: UserRecord;
  /** This browser's CSRF token, for the section's forms (`csrf_token`). */
  csrfToken: string;
  /** The CSP nonce of this response (a section has no style of its own to add, but may need it). */
  nonce: string;
  now: number;
}

/** One section of `/account`. */
export interface AccountSection {
  /** Stable id, used as the HTML id of the `<section>`; `[a-z][a-z0-9-]*`. */
  id: string;
  /** Escaped HTML of the section body (the section renders its own `<h2>`). */
  render(ctx: AccountSectionContext): Promise<string>;
  /**
   * Status messages the section's routes may ask for with `?notice=<id>`
   * (plain text, escaped when shown). Ids must not collide with other
   * sections' or the page's own.
   */
  notices?: Readonly<Record<string, string>>;
}

/** The paths of `/account` and its own forms (sign-in, sign-out, disconnect). */
export const ACCOUNT_PATHS = {
  account: '/account',
  login: '/account/login',
  /** Sign-in at the OpenID provider that comes back to `/account` (see oidc-routes.ts). */
  oidcStart: '/account/login/oidc',
  signOut: '/account/sign-out',
} as const;

/**
 * The form action that disconnects one grant (the id percent-encoded as one path segment).
 * @see RFC 3986 §3.3 (path segments)
 */
export function disconnectPath(grantId: string): string {
  return `/account/grants/${encodeURIComponent(grantId)}/disconnect`;
}

/**
 * Where a section's route sends the browser back to (303), with one of its notices.
 * @see RFC 9110 §15.4.4 (303 See Other)
 */
export function accountPathWithNotice(notice: string): string {
  return `${ACCOUNT_PATHS.account}?notice=${encodeURIComponent(notice)}`;
}
