/**
 * The consent page: which app asks, what it will be able to do, for how
 * long, and the choice to allow (possibly fewer scopes) or deny.
 */
import { escapeHtml } from './escape-html.js';
import { describeJiraAccount, type JiraAccountView } from './jira-link-pages.js';
import { assertLocalPath, hiddenFields, renderDocument } from './layout.js';

export interface ConsentScope {
  scope: string;
  /** What the scope allows, in plain words (`SCOPE_DESCRIPTIONS`). */
  description: string;
  checked: boolean;
  /** Shown ticked and locked, and always submitted. */
  required?: boolean | undefined;
}

export interface ConsentPageInput {
  nonce: string;
  csrfToken: string;
  /** Where the form posts: a path on this origin. */
  action: string;
  /** The pending authorization request, opaque to the page; sent back as `request`. */
  requestId: string;
  clientName: string;
  /** The website the client claims; shown as text, never as a link. */
  clientUri?: string | undefined;
  /** True only when an operator registered the client; otherwise its name is self-declared. */
  clientVerified?: boolean | undefined;
  redirectHost: string;
  /** Who is signed in, so a shared computer's stale session is noticed. */
  username: string;
  scopes: readonly ConsentScope[];
  /**
   * Step-up: what this application already holds from this person. When
   * non-empty, the page says the application asks for more access than it
   * has, lists these as already allowed (submitted with the form, not
   * choices), and `scopes` holds only the new ones.
   */
  alreadyGranted?: readonly { scope: string; description: string }[] | undefined;
  /** e.g. "1 hour". */
  accessTokenLifetime: string;
  /** e.g. "90 days". */
  refreshLifetime: string;
  /**
   * Whose Jira account the actions use (JIRA_AUTH): the person's own, or the
   * shared account everybody borrows (`account` absent when Jira could not
   * say who it is). Absent: no Jira line.
   */
  jira?:
    | { shared: false; account: JiraAccountView }
    | { shared: true; account?: JiraAccountView | undefined }
    | undefined;
}

/**
 * The "In Jira" paragraph: never more than the mode gives. The person's own
 * account, or the shared one that every person using the gateway acts as.
 */
function jiraParagraph(jira: ConsentPageInput['jira']): string {
  if (jira === undefined) return '';
  let text: string;
  if (!jira.shared) {
    text = `Actions in Jira will be made as ${describeJiraAccount(jira.account)}.`;
  } else if (jira.account === undefined) {
    text =
      "Actions in Jira will be made by this gateway's shared Jira account; every person using this gateway acts as that account.";
  } else {
    const site =
      jira.account.siteUrl === '' ? '' : ` on <strong>${escapeHtml(jira.account.siteUrl)}</strong>`;
    text = `Actions in Jira will be made by the shared account <strong>${escapeHtml(jira.account.displayName)}</strong>${site}; every person using this gateway acts as that account.`;
  }
  return `<h2>In Jira</h2>\n<p id="jira-account">${text}</p>\n`;
}

/** Host of an http(s) URL, or undefined: anything else is not worth showing. */
function websiteHost(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One checkbox per scope, `name="scope"` and `value` the scope. A required
 * scope is rendered checked and disabled, with a hidden input carrying the
 * value, because a disabled control is never submitted; the user sees that it
 * cannot be removed instead of meeting an error after unticking it. The
 * server must still enforce required scopes itself: the form can be edited.
 */
function scopeRow(item: ConsentScope, index: number): string {
  const id = `scope-${index}`;
  const scope = escapeHtml(item.scope);
  const label = `<label for="${id}">${escapeHtml(item.description)}<code>${scope}</code></label>`;
  if (item.required === true) {
    return `<div class="scope">
<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-required">
<input type="hidden" name="scope" value="${scope}">
<div>${label}<span class="tag" id="${id}-required">Always included</span></div>
</div>`;
  }
  return `<div class="scope">
<input type="checkbox" id="${id}" name="scope" value="${scope}"${item.checked ? ' checked' : ''}>
<div>${label}</div>
</div>`;
}

/**
 * The step-up notice and what the application already has, which the new
 * grant keeps (see src/oauth/step-up-consent.ts: the server takes it from
 * storage, not from the form). Each is also sent as a hidden `scope`, so
 * that if the earlier grant ends before the form is sent, the person's
 * "Allow" still covers what they saw listed (when it was requested).
 * @see MCP 2025-11-25 authorization (Step-Up Authorization Flow)
 */
function stepUpSection(granted: readonly { scope: string; description: string }[]): string {
  const items = granted.map((item) => {
    const scope = escapeHtml(item.scope);
    return `<li>${escapeHtml(item.description)} <code>${scope}</code><input type="hidden" name="scope" value="${scope}"></li>`;
  });
  return `<p class="note" id="step-up">This application is asking for more access than it has. It already has what you allowed before; only what is listed under “It is asking to also” is new.</p>
<h2>Already allowed</h2>
<ul class="granted">
${items.join('\n')}
</ul>
`;
}

/**
 * The consent form: hidden `csrf_token` and `request`, one `scope` checkbox
 * per requested scope, and `decision` buttons `deny` and `approve`. Deny comes
 * first, so it is the default button. Every value is escaped.
 * @see draft-ietf-oauth-v2-1-13 §4.1.2 (authorization decision)
 * @see RFC 6819 §4.4.1.4 (end-user identification of the client)
 * @see draft-ietf-oauth-v2-1-13 §7.13 (cross-site request forgery)
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const action = assertLocalPath(input.action);
  const name = escapeHtml(input.clientName);
  const verified = input.clientVerified === true;
  const website = websiteHost(input.clientUri);
  const granted = input.alreadyGranted ?? [];
  const stepUp = granted.length > 0;
  const body = `<h1>${stepUp ? `Allow “${name}” more access to your Jira?` : `Allow “${name}” to use your Jira?`}</h1>
<p class="muted">Signed in as <strong>${escapeHtml(input.username)}</strong>.</p>
<h2>The application</h2>
<dl>
<dt>Name</dt><dd>${name}${verified ? '' : ' <span class="tag">(not verified)</span>'}</dd>
<dt>Returns to</dt><dd><strong>${escapeHtml(input.redirectHost)}</strong></dd>${
    website === undefined ? '' : `\n<dt>Says its site is</dt><dd>${escapeHtml(website)}</dd>`
  }
</dl>
${
  verified
    ? ''
    : `<p class="note">The application chose this name itself; nobody has checked it. Continue only if you just started signing in from an application you trust, and it runs at the address above.</p>\n`
}${jiraParagraph(input.jira)}<form method="post" action="${escapeHtml(action)}">
${hiddenFields(input.csrfToken, input.requestId)}
${stepUp ? stepUpSection(granted) : ''}<fieldset>
<legend>${stepUp ? 'It is asking to also' : 'It will be able to'}</legend>
${input.scopes.map(scopeRow).join('\n')}
</fieldset>
<h2>For how long</h2>
<p>Each access key it gets lasts ${escapeHtml(input.accessTokenLifetime)}. It can renew them for up to ${escapeHtml(input.refreshLifetime)}, unless access is revoked sooner.</p>
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
</div>
</form>
<p class="muted">You can see and disconnect the applications you allowed on <a href="/account">your account page</a>.</p>`;
  return renderDocument({
    nonce: input.nonce,
    title: `Allow ${input.clientName}?`,
    body,
  });
}
