/**
 * The consent page: which app asks, what it will be able to do, for how
 * long, and the choice to allow (possibly fewer scopes) or deny.
 */
import { escapeHtml } from './escape-html.js';
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
  /** e.g. "1 hour". */
  accessTokenLifetime: string;
  /** e.g. "90 days". */
  refreshLifetime: string;
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
  const body = `<h1>Allow “${name}” to use your Jira?</h1>
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
}<form method="post" action="${escapeHtml(action)}">
${hiddenFields(input.csrfToken, input.requestId)}
<fieldset>
<legend>It will be able to</legend>
${input.scopes.map(scopeRow).join('\n')}
</fieldset>
<h2>For how long</h2>
<p>Each access key it gets lasts ${escapeHtml(input.accessTokenLifetime)}. It can renew them for up to ${escapeHtml(input.refreshLifetime)}, unless access is revoked sooner.</p>
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
</div>
</form>`;
  return renderDocument({
    nonce: input.nonce,
    title: `Allow ${input.clientName}?`,
    body,
  });
}
