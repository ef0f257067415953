/**
 * The pages of linking a person's own Jira account: the API-token form
 * (JIRA_AUTH=personal-token) and the "linked" page that sends the person
 * back to their assistant. Every value is escaped.
 */
import { escapeHtml } from './escape-html.js';
import { assertLocalPath, renderDocument } from './layout.js';

/** Who acts in Jira, as a page shows it (never a token). */
export interface JiraAccountView {
  displayName: string;
  email?: string | undefined;
  siteUrl: string;
}

/** "Name (e-mail) on site", escaped. */
export function describeJiraAccount(account: JiraAccountView): string {
  const email =
    account.email === undefined || account.email === '' ? '' : ` (${escapeHtml(account.email)})`;
  const site = account.siteUrl === '' ? '' : ` on <strong>${escapeHtml(account.siteUrl)}</strong>`;
  return `<strong>${escapeHtml(account.displayName)}</strong>${email}${site}`;
}

export interface JiraTokenPageInput {
  nonce: string;
  csrfToken: string;
  /** Where the form posts: a path on this origin. */
  action: string;
  /** The same-origin path to return to after storing; sent back as `return_to`. */
  returnTo: string;
  /** The Jira site the token must belong to. */
  siteUrl: string;
  /** Who is signed in at the gateway. */
  username: string;
  /** The e-mail typed before (never the token). */
  email?: string | undefined;
  error?: string | undefined;
  /** The person already has a stored token (it is replaced on success). */
  replacing?: boolean | undefined;
}

/**
 * The API-token form: fields `email` and `api_token`, hidden `csrf_token`
 * and `return_to`. The token field is a password field that the browser
 * must not fill or remember; the token is checked against Jira's /myself
 * before it is stored.
 * @see https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
 */
export function renderJiraTokenPage(input: JiraTokenPageInput): string {
  const action = assertLocalPath(input.action);
  const alert =
    input.error === undefined
      ? ''
      : `<div class="alert" role="alert" id="token-error">${escapeHtml(input.error)}</div>\n`;
  const described = input.error === undefined ? '' : ' aria-describedby="token-error"';
  const body = `<h1>Connect your Jira account</h1>
<p class="muted">Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
<p>This gateway acts in Jira with each person's own account. Enter the e-mail address of your account on <strong>${escapeHtml(input.siteUrl)}</strong> and an API token you created for it. The gateway checks it with Jira, then keeps it encrypted; your assistant never sees it.</p>
${input.replacing === true ? '<p class="note">This replaces the token the gateway keeps for you now.</p>\n' : ''}${alert}<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(input.returnTo)}">
<div class="field"><label for="email">Jira e-mail address</label>
<input type="text" id="email" name="email" inputmode="email" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="320" value="${escapeHtml(input.email ?? '')}"${described}></div>
<div class="field"><label for="api_token">API token</label>
<input type="password" id="api_token" name="api_token" autocomplete="off" required maxlength="4096"${described}></div>
<button type="submit" class="primary">Check and save</button>
</form>`;
  return renderDocument({ nonce: input.nonce, title: 'Connect your Jira account', body });
}

export interface JiraLinkStartPageInput {
  nonce: string;
  /** Atlassian's authorization URL (carries a single-use state bound to this person). */
  authorizeUrl: string;
  /** Who is signed in at the gateway. */
  username: string;
  /** True when the person had a link that stopped working. */
  broken?: boolean | undefined;
}

/**
 * The step before Atlassian: why the person is sent there, and a link to go.
 * A link the person follows, not a redirect: browsers apply the sign-in
 * form's CSP `form-action` to every redirect after it, so a redirect chain
 * from our form to Atlassian would be blocked.
 * @see W3C Content Security Policy Level 3 §6.3.1 (form-action applies to redirects)
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function renderJiraLinkStartPage(input: JiraLinkStartPageInput): string {
  const url = new URL(input.authorizeUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('the Atlassian authorization URL must be http(s)');
  }
  const body = `<h1>Link your Jira account</h1>
<p class="muted">Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
<p>${
    input.broken === true
      ? 'The link to your Jira account stopped working (it was revoked or expired). Link it again to go on.'
      : 'This gateway acts in Jira as each person’s own account, with that account’s permissions. Link yours to go on.'
  }</p>
<p>Atlassian will ask you to sign in and allow access; then you come back here.</p>
<p><a class="button primary" id="continue" href="${escapeHtml(url.href)}">Continue to Atlassian</a></p>`;
  return renderDocument({ nonce: input.nonce, title: 'Link your Jira account', body });
}

export interface JiraLinkedPageInput {
  nonce: string;
  account: JiraAccountView;
}

/**
 * The end of a link started outside /authorize (an assistant's URL-mode
 * elicitation, or /account): which account is linked, and where to go next.
 * @see MCP 2025-11-25 client/elicitation (URL mode: the interaction completes out of band)
 */
export function renderJiraLinkedPage(input: JiraLinkedPageInput): string {
  const body = `<h1>Your Jira account is linked</h1>
<p>Actions in Jira will be made as ${describeJiraAccount(input.account)}.</p>
<p>Return to your assistant and try again. You can close this page.</p>
<p class="muted"><a href="/account">Manage your account</a></p>`;
  return renderDocument({ nonce: input.nonce, title: 'Jira account linked', body });
}
