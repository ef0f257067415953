/**
 * The sandbox's stand-in for Atlassian's sign-in and consent screens: one
 * page with the account's e-mail and password and the scopes asked for,
 * and the error page shown instead of redirecting to an unverified client.
 * Its own plain face, visibly a sandbox, so nobody mistakes it for Atlassian.
 */
import { KNOWN_SCOPES, SANDBOX_PASSWORD } from './registry.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text for element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
.banner{background:#fffae6;border:1px solid #ffc400;padding:.5rem .75rem;border-radius:4px}
label{display:block;margin-top:.75rem}input[type=email],input[type=password]{width:100%;padding:.4rem}
.error{color:#ae2a19}button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem}`;

/**
 * Security headers of every page: nothing loads but the inline style, forms
 * post only here or (after the redirect) to the client, and nobody frames it.
 */
export function pageHeaders(formTargetOrigin?: string): Record<string, string> {
  const formAction = formTargetOrigin === undefined ? "'self'" : `'self' ${formTargetOrigin}`;
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  };
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><p class="banner">Jira sandbox, playing Atlassian's sign-in (sandbox only: every account's password is <code>${SANDBOX_PASSWORD}</code>).</p>
${body}</body></html>`;
}

/** The page shown when the client or redirect URI can't be trusted: no redirect. */
export function errorPage(message: string): string {
  return layout(
    'Something went wrong',
    `<h1>Something went wrong</h1><p class="error">${escapeHtml(message)}</p>`,
  );
}

export interface ConsentPageInput {
  appName: string;
  scopes: readonly string[];
  /** The authorization request's parameters, carried through the form as hidden fields. */
  params: Readonly<Record<string, string>>;
  email?: string;
  error?: string;
}

/** Sign-in and consent in one form; "Accept" and "Cancel" post back to /authorize. */
export function consentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.params)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const scopes = input.scopes
    .map(
      (scope) =>
        `<li><code>${escapeHtml(scope)}</code>: ${escapeHtml(Object.hasOwn(KNOWN_SCOPES, scope) ? (KNOWN_SCOPES[scope] ?? scope) : scope)}</li>`,
    )
    .join('');
  const error =
    input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>`;
  return layout(
    `${input.appName} is requesting access to your Atlassian account`,
    `<h1>${escapeHtml(input.appName)} is requesting access to your Atlassian account</h1>
${error}<form method="post" action="/authorize">
${hidden}
<label>Email <input type="email" name="email" autocomplete="username" required value="${escapeHtml(input.email ?? '')}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<p>Allowing access lets the app:</p><ul>${scopes}</ul>
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
</form>`,
  );
}
