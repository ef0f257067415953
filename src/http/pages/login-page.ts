/**
 * The sign-in page shown at `/authorize` when the browser has no session.
 */
import { escapeHtml } from './escape-html.js';
import { assertLocalPath, hiddenFields, renderDocument } from './layout.js';

export interface LoginPageInput {
  /** The CSP nonce of this response. */
  nonce: string;
  csrfToken: string;
  /** Where the form posts: a path on this origin. */
  action: string;
  /** The pending authorization request, opaque to the page; sent back as `request`. */
  requestId: string;
  clientName: string;
  /** Host the client will be sent back to, e.g. `127.0.0.1:33418`. */
  redirectHost: string;
  /** A message about the last attempt (wrong password, throttled). */
  error?: string | undefined;
  /** Pre-fills the username after a failed attempt. */
  username?: string | undefined;
  /** Offers "Sign in with <providerName>", a link to `startPath?request=…`. */
  oidc?: { startPath: string; providerName: string } | undefined;
  /** Offers the username and password form (LOCAL_LOGIN); default true. */
  localLogin?: boolean | undefined;
}

/**
 * The login form: `username`, `password`, hidden `csrf_token` and `request`,
 * POSTed to `action`. Every value is escaped; the page needs no script.
 * @see draft-ietf-oauth-v2-1-13 §4.1.1 (the authorization server authenticates the resource owner)
 * @see draft-ietf-oauth-v2-1-13 §7.13 (cross-site request forgery)
 */
export function renderLoginPage(input: LoginPageInput): string {
  const action = assertLocalPath(input.action);
  const localLogin = input.localLogin ?? true;
  const hasError = input.error !== undefined && input.error !== '';
  const invalid = hasError ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  // A link, not a form: CSP form-action would also govern the redirect to
  // the provider, whose origin this page does not know.
  const provider =
    input.oidc === undefined
      ? ''
      : `<p><a class="button primary" href="${escapeHtml(
          `${assertLocalPath(input.oidc.startPath)}?request=${encodeURIComponent(input.requestId)}`,
        )}">Sign in with ${escapeHtml(input.oidc.providerName)}</a></p>${
          localLogin ? '\n<p class="muted separator">or with a local account</p>' : ''
        }`;
  const body = `<h1>Sign in</h1>
<p>Sign in to continue to <strong>${escapeHtml(input.clientName)}</strong>.
You will choose what it may do on the next page.</p>
<p class="muted">Afterwards you return to <strong>${escapeHtml(input.redirectHost)}</strong>.</p>
${hasError ? `<div class="alert" role="alert" id="login-error">${escapeHtml(input.error ?? '')}</div>` : ''}
${provider}${localLogin ? localForm(input, action, invalid) : ''}`;
  return renderDocument({ nonce: input.nonce, title: 'Sign in', body });
}

function localForm(input: LoginPageInput, action: string, invalid: string): string {
  return `<form method="post" action="${escapeHtml(action)}">
${hiddenFields(input.csrfToken, input.requestId)}
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
}
