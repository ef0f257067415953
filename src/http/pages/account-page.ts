/**
 * The person's own page, `/account`: who is signed in, the applications
 * (and personal access tokens) that can use Jira as them, a Disconnect
 * button for each, the sections other parts add, and Sign out. Signed out,
 * it is a sign-in page that comes back here.
 */
import type { Connection } from '../account-connections.js';
import { escapeHtml } from './escape-html.js';
import { assertLocalPath, renderDocument } from './layout.js';

export interface AccountPageInput {
  nonce: string;
  csrfToken: string;
  username: string;
  /** The e-mail address or display name from the OpenID provider, when known. */
  detail?: string | undefined;
  connections: readonly Connection[];
  /** Form action of each row's Disconnect button: a path on this origin. */
  disconnectAction: (grantId: string) => string;
  signOutAction: string;
  /** Already-rendered `<section>` elements of other parts, in order. */
  sections: readonly string[];
  /** A status message from the fixed list (plain text). */
  notice?: string | undefined;
}

export interface AccountSignInPageInput {
  nonce: string;
  csrfToken: string;
  /** Where the password form posts; absent when LOCAL_LOGIN is off. */
  loginAction?: string | undefined;
  /** "Sign in with <providerName>", a link to `startPath`. */
  oidc?: { startPath: string; providerName: string } | undefined;
  notice?: string | undefined;
  error?: string | undefined;
  username?: string | undefined;
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** A moment as `<time>`: "3 Dec 2026, 14:40 UTC", machine-readable in `datetime`. */
function time(ms: number): string {
  const date = new Date(ms);
  return `<time datetime="${date.toISOString()}">${escapeHtml(DATE_FORMAT.format(date))} UTC</time>`;
}

function csrfField(token: string): string {
  return `<input type="hidden" name="csrf_token" value="${escapeHtml(token)}">`;
}

function status(notice: string | undefined): string {
  return notice === undefined || notice === ''
    ? ''
    : `<p class="status" role="status">${escapeHtml(notice)}</p>\n`;
}

function connectionRow(item: Connection, input: AccountPageInput): string {
  const name = escapeHtml(item.name);
  const personal = item.kind === 'personal';
  const tag = personal
    ? ' <span class="tag">Personal access token</span>'
    : item.verified
      ? ''
      : ' <span class="tag">(not verified)</span>';
  const verb = personal ? 'Revoke' : 'Disconnect';
  const returnsTo =
    item.returnsTo.length === 0
      ? ''
      : `<dt>Returns to</dt><dd>${item.returnsTo.map((h) => `<strong>${escapeHtml(h)}</strong>`).join(', ')}</dd>\n`;
  const scopes = item.scopes
    .map((s) => `<li>${escapeHtml(s.description)} <code>${escapeHtml(s.scope)}</code></li>`)
    .join('');
  const action = assertLocalPath(input.disconnectAction(item.grantId));
  return `<li class="app">
<h3>${name}${tag}</h3>
<dl>
${returnsTo}<dt>Can</dt><dd><ul class="scopes">${scopes}</ul></dd>
<dt>${personal ? 'Created' : 'Connected'}</dt><dd>${time(item.connectedAt)}</dd>
<dt>Last used</dt><dd>${item.lastUsedAt === undefined ? 'Not yet' : time(item.lastUsedAt)}</dd>
<dt>Expires</dt><dd>${time(item.expiresAt)}</dd>
</dl>
<form method="post" action="${escapeHtml(action)}">
${csrfField(input.csrfToken)}
<button type="submit" class="secondary" aria-label="${verb} ${name}">${verb}</button>
</form>
</li>`;
}

/**
 * The signed-in page. Every value is escaped; each Disconnect button names
 * its application for screen readers (the visible word starts the name, so
 * speech input works too). Forms carry the CSRF token and post to this origin.
 * @see RFC 7009 §1 (letting the user revoke a grant); WCAG 2.2 SC 2.5.3 (label in name), SC 4.1.2
 */
export function renderAccountPage(input: AccountPageInput): string {
  const detail =
    input.detail === undefined || input.detail === '' ? '' : ` (${escapeHtml(input.detail)})`;
  const list =
    input.connections.length === 0
      ? '<p>No application is connected to your account.</p>'
      : `<ul class="apps">\n${input.connections.map((c) => connectionRow(c, input)).join('\n')}\n</ul>`;
  const body = `<h1>Your account</h1>
<p class="muted">Signed in as <strong>${escapeHtml(input.username)}</strong>${detail}.</p>
${status(input.notice)}<section id="connected-applications" aria-labelledby="connected-applications-title">
<h2 id="connected-applications-title">Connected applications</h2>
<p class="muted">These can use Jira as you through this gateway. Disconnecting one ends its access at once; it would have to ask you again.</p>
${list}
</section>
${input.sections.join('\n')}
<form method="post" action="${escapeHtml(assertLocalPath(input.signOutAction))}" class="sign-out">
${csrfField(input.csrfToken)}
<button type="submit" class="secondary">Sign out</button>
</form>`;
  return renderDocument({ nonce: input.nonce, title: 'Your account', body });
}

/**
 * The signed-out page: sign in (password and/or the OpenID provider) to
 * come back to `/account`.
 * @see draft-ietf-oauth-v2-1-13 §7.13 (cross-site request forgery: the login form carries a CSRF token)
 */
export function renderAccountSignInPage(input: AccountSignInPageInput): string {
  const hasError = input.error !== undefined && input.error !== '';
  const invalid = hasError ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const local = input.loginAction !== undefined;
  const provider =
    input.oidc === undefined
      ? ''
      : `<p><a class="button primary" href="${escapeHtml(assertLocalPath(input.oidc.startPath))}">Sign in with ${escapeHtml(input.oidc.providerName)}</a></p>${
          local ? '\n<p class="muted separator">or with a local account</p>' : ''
        }\n`;
  const form =
    input.loginAction === undefined
      ? ''
      : `<form method="post" action="${escapeHtml(assertLocalPath(input.loginAction))}">
${csrfField(input.csrfToken)}
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" value="${escapeHtml(input.username ?? '')}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required${invalid}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" required${invalid}>
</div>
<button type="submit" class="primary">Sign in</button>
</form>`;
  const body = `<h1>Sign in to your account</h1>
${status(input.notice)}<p>Sign in to see the applications connected to your Jira through this gateway, and to disconnect them.</p>
${hasError ? `<div class="alert" role="alert" id="login-error">${escapeHtml(input.error ?? '')}</div>\n` : ''}${provider}${form}`;
  return renderDocument({ nonce: input.nonce, title: 'Sign in to your account', body });
}
