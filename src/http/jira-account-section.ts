/**
 * The "Jira account" section of `/account` (JIRA_AUTH=atlassian-oauth or
 * personal-token): which Jira account acts for the person, on which site,
 * whether the link works, and the controls to re-link, replace the API
 * token or unlink. The forms post to the link routes (jira-link-routes.ts).
 */
import type { JiraLinkStatus, PersonalJira } from '../jira/person/personal-jira.js';
import type { AccountSection, AccountSectionContext } from './account-sections.js';
import { JIRA_LINK_PATHS } from './jira-link-paths.js';
import { JIRA_LINKED_NOTICE, JIRA_UNLINKED_NOTICE } from './jira-link-routes.js';
import { escapeHtml } from './pages/escape-html.js';
import { describeJiraAccount } from './pages/jira-link-pages.js';

export interface JiraAccountSectionDeps {
  personalJira: Pick<PersonalJira, 'mode' | 'linkStatus'>;
  /** personal-token: the site the token must belong to. */
  siteUrl?: string | undefined;
}

/** Where the section's forms come back to. */
const BACK = `/account?notice=${JIRA_LINKED_NOTICE}`;

function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function tokenForm(csrfToken: string, siteUrl: string | undefined, replacing: boolean): string {
  return `<form method="post" action="${JIRA_LINK_PATHS.token}">
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(BACK)}">
<p>${replacing ? 'Replace the API token' : 'Enter the e-mail address and an API token of your account'}${
    siteUrl === undefined ? '' : ` on <strong>${escapeHtml(siteUrl)}</strong>`
  }; the gateway checks it with Jira before keeping it, encrypted.</p>
<div class="field"><label for="jira-email">Jira e-mail address</label>
<input type="text" id="jira-email" name="email" inputmode="email" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="320"></div>
<div class="field"><label for="jira-api-token">API token</label>
<input type="password" id="jira-api-token" name="api_token" autocomplete="off" required maxlength="4096"></div>
<div class="actions"><button type="submit" class="primary">${replacing ? 'Replace token' : 'Check and save'}</button></div>
</form>`;
}

function unlinkForm(csrfToken: string): string {
  return `<form method="post" action="${JIRA_LINK_PATHS.unlink}">
<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">
<p class="note">Unlinking also disconnects every application you allowed here (they acted in Jira as this account). They will ask you to sign in and link again.</p>
<div class="actions"><button type="submit" class="secondary">Unlink Jira account</button></div>
</form>`;
}

/**
 * The section's HTML for one link status. Never more than the mode gives:
 * the person's own account, on the named site.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function renderJiraAccountSection(
  mode: PersonalJira['mode'],
  status: JiraLinkStatus,
  ctx: Pick<AccountSectionContext, 'csrfToken'>,
  siteUrl?: string,
): string {
  const how =
    mode === 'atlassian-oauth'
      ? 'your own Atlassian account, linked with Atlassian’s sign-in'
      : 'your own Jira API token';
  const relink = `${JIRA_LINK_PATHS.link}?return_to=${encodeURIComponent(BACK)}`;
  if (status.status === 'none') {
    return `<h2>Jira account</h2>
<p>This gateway acts in Jira as each person’s own account. Yours is not linked yet, so your assistants cannot use Jira.</p>
${
  mode === 'atlassian-oauth'
    ? `<p><a class="button primary" href="${escapeHtml(relink)}">Link your Jira account</a></p>`
    : tokenForm(ctx.csrfToken, siteUrl, false)
}`;
  }
  const state =
    status.status === 'linked'
      ? 'Working'
      : `<strong>Not working</strong> since ${escapeHtml(when(status.brokenAt))}: Jira refused the stored access. ${
          mode === 'atlassian-oauth' ? 'Re-link' : 'Enter a new API token'
        } to use your assistants again.`;
  return `<h2>Jira account</h2>
<p>Actions in Jira are made as ${describeJiraAccount(status.actor)}.</p>
<dl>
<dt>How</dt><dd>${how}</dd>
<dt>Status</dt><dd id="jira-link-status">${state}</dd>
<dt>Linked</dt><dd>${escapeHtml(when(status.linkedAt))}</dd>
</dl>
${
  mode === 'atlassian-oauth'
    ? `<p><a class="button secondary" href="${escapeHtml(relink)}">Re-link</a></p>`
    : tokenForm(ctx.csrfToken, siteUrl, true)
}
${unlinkForm(ctx.csrfToken)}`;
}

/**
 * The section for `registerAccountRoutes`, with its notices.
 * @see RFC 7009 §2 (revocation: unlinking ends the grants that acted as the account)
 */
export function jiraAccountSection(deps: JiraAccountSectionDeps): AccountSection {
  return {
    id: 'jira-account',
    async render(ctx) {
      const status = await deps.personalJira.linkStatus(ctx.user.id);
      return renderJiraAccountSection(deps.personalJira.mode, status, ctx, deps.siteUrl);
    },
    notices: {
      [JIRA_LINKED_NOTICE]: 'Your Jira account is linked.',
      [JIRA_UNLINKED_NOTICE]:
        'Your Jira account was unlinked, and the applications you had allowed were disconnected.',
    },
  };
}
