/**
 * The personal access tokens section of `/account` (the creation form) and
 * the page that shows a new token, once.
 */
import { escapeHtml } from './escape-html.js';
import { assertLocalPath, renderDocument } from './layout.js';

export interface PersonalTokensSectionInput {
  csrfToken: string;
  /** A fresh random id for the creation form, so a resent form creates nothing. */
  formId: string;
  createAction: string;
  /** How many live tokens the person holds (listed under "Connected applications"). */
  liveCount: number;
  /** Scopes offered, with what each allows; `required` ones are locked on. */
  scopes: readonly { scope: string; description: string; required: boolean }[];
  maxDays: number;
  maxTokens: number;
  nameMax: number;
}

/** `2026-12-03`: a date in UTC, the same for every reader. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function scopeChoice(item: PersonalTokensSectionInput['scopes'][number], index: number): string {
  const id = `pat-scope-${index}`;
  const scope = escapeHtml(item.scope);
  const label = `<label for="${id}">${escapeHtml(item.description)}<code>${scope}</code></label>`;
  if (item.required) {
    return `<div class="scope">
<input type="checkbox" id="${id}" checked disabled>
<input type="hidden" name="scope" value="${scope}">
<div>${label}<span class="tag">Always included</span></div>
</div>`;
  }
  // Unticked by default: a token should carry as little as it needs.
  return `<div class="scope">
<input type="checkbox" id="${id}" name="scope" value="${scope}">
<div>${label}</div>
</div>`;
}

/**
 * The section body: its own `<h2>`, what a token is for, and the creation
 * form (name, scopes, expiry in days), or a note once the person holds the
 * most they may. The tokens themselves are listed, and revoked, under
 * "Connected applications". Every value is escaped; the form posts to this
 * origin with the CSRF token.
 * @see RFC 6750 §5.3 (issue short-lived, narrowly scoped bearer tokens)
 */
export function renderPersonalTokensSection(input: PersonalTokensSectionInput): string {
  const defaultDays = Math.min(30, input.maxDays);
  const held =
    input.liveCount === 0
      ? 'You have none yet.'
      : `You have ${input.liveCount} of at most ${input.maxTokens}; they are listed under “Connected applications”, where you can revoke them.`;
  const form =
    input.liveCount >= input.maxTokens
      ? `<p class="note">You hold the most tokens you may. Revoke one to make another.</p>`
      : `<form method="post" action="${escapeHtml(assertLocalPath(input.createAction))}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="form_id" value="${escapeHtml(input.formId)}">
<div class="field">
<label for="pat-name">Name</label>
<input type="text" id="pat-name" name="name" required maxlength="${input.nameMax}" autocomplete="off" spellcheck="false">
</div>
<fieldset>
<legend>It will be able to</legend>
${input.scopes.map(scopeChoice).join('\n')}
</fieldset>
<div class="field">
<label for="pat-days">Expires after (days, at most ${input.maxDays})</label>
<input type="number" id="pat-days" name="days" required min="1" max="${input.maxDays}" step="1" value="${defaultDays}">
</div>
<div class="actions">
<button type="submit" class="primary">Create token</button>
</div>
</form>`;
  return `<h2>Personal access tokens</h2>
<p>For tools that cannot sign in through the browser (scripts, CI jobs, some IDE extensions): a token they send as <code>Authorization: Bearer …</code>. It acts as you. Give it only the scopes it needs and a short expiry, and revoke it when you stop using it.</p>
<p class="muted">${held}</p>
${form}`;
}

export interface PersonalTokenCreatedInput {
  nonce: string;
  token: string;
  name: string;
  scopes: readonly string[];
  expiresAt: number;
  /** The `/mcp` URL the token works for. */
  resource: string;
  accountPath: string;
}

/**
 * The only place a new token is ever shown: the answer to the creation
 * POST itself (never a redirect target, never in a URL, `no-store`), so
 * reloading or going back cannot show it again.
 * @see RFC 6750 §5.2 (bearer tokens must not be stored in cleartext or passed in URLs)
 */
export function renderPersonalTokenCreatedPage(input: PersonalTokenCreatedInput): string {
  const token = escapeHtml(input.token);
  const body = `<h1>Your new personal access token</h1>
<p class="note" id="shown-once">Copy it now: it is shown only this once. The gateway keeps only a hash of it and cannot show it again.</p>
<div class="field">
<label for="new-token">${escapeHtml(input.name)}</label>
<input type="text" id="new-token" readonly value="${token}" autocomplete="off" spellcheck="false">
</div>
<dl>
<dt>Scopes</dt><dd>${input.scopes.map(escapeHtml).join(', ')}</dd>
<dt>Expires</dt><dd>${utcDate(input.expiresAt)} (UTC)</dd>
<dt>Works at</dt><dd><code>${escapeHtml(input.resource)}</code></dd>
</dl>
<h2>Use it</h2>
<p>Configure your MCP client to send this header with every request:</p>
<p><code>Authorization: Bearer ${token}</code></p>
<p class="muted">Keep it out of files you share or commit; prefer an environment variable or your system's secret store.</p>
<p><a class="button" href="${escapeHtml(assertLocalPath(input.accountPath))}">Back to your account</a></p>`;
  return renderDocument({ nonce: input.nonce, title: 'New personal access token', body });
}
