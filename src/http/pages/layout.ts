/**
 * The document shell every page shares: head, the nonce'd stylesheet, and the
 * `<main>` card. No scripts, fonts, images or other requests, so the pages
 * work under `default-src 'none'` with only `style-src 'nonce-…'`.
 */
import { escapeHtml } from './escape-html.js';

export const PRODUCT_NAME = 'Jira MCP Gateway';

/**
 * Colours, chosen so that text meets WCAG 2.2 AA (4.5:1) and focus rings and
 * control borders meet 3:1 against what they sit on; the tests check every
 * pair.
 */
export const PALETTE = {
  light: {
    page: '#eef0f3',
    card: '#ffffff',
    text: '#16191d',
    muted: '#4d5560',
    border: '#6b7280',
    accent: '#0b57d0',
    onAccent: '#ffffff',
    focus: '#0b57d0',
    errorText: '#8c1d18',
    errorBg: '#fdecea',
    noteBg: '#fff6dc',
    noteText: '#4a3800',
  },
  dark: {
    page: '#0f1216',
    card: '#1a1f26',
    text: '#e8eaed',
    muted: '#b4bac3',
    border: '#8b939e',
    accent: '#8ab4f8',
    onAccent: '#0b1a33',
    focus: '#8ab4f8',
    errorText: '#ffb4ab',
    errorBg: '#3b1715',
    noteBg: '#33290a',
    noteText: '#f5e2a8',
  },
} as const;

type Palette = (typeof PALETTE)[keyof typeof PALETTE];

function variables(p: Palette): string {
  return Object.entries(p)
    .map(([name, value]) => `--${name}:${value}`)
    .join(';');
}

const STYLESHEET = `
:root{${variables(PALETTE.light)};color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{${variables(PALETTE.dark)}}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--page);color:var(--text);
font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
display:flex;align-items:flex-start;justify-content:center;padding:2rem 1rem}
main{width:100%;max-width:30rem;background:var(--card);border-radius:.75rem;
padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.2)}
@media (max-width:400px){body{padding:0}main{border-radius:0;padding:1.25rem 1rem;min-height:100vh}}
.brand{margin:0 0 1rem;font-size:.875rem;color:var(--muted)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem;overflow-wrap:anywhere}
h2{font-size:1.0625rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0}
.muted{color:var(--muted)}
strong,code,dd{overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
.field{margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=text],input[type=password]{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;
font:inherit;color:var(--text);background:var(--card);border:1px solid var(--border);border-radius:.375rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:.375rem;
cursor:pointer;border:2px solid var(--accent)}
.primary{background:var(--accent);color:var(--onAccent)}
.secondary{background:var(--card);color:var(--text);border-color:var(--border)}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;justify-content:flex-end;margin-top:1.5rem}
.actions button{flex:1 1 8rem}
form>button{width:100%;margin-top:.5rem}
a.button{display:block;text-align:center;text-decoration:none;font-weight:600;min-height:2.75rem;
padding:.5rem 1.25rem;border-radius:.375rem;border:2px solid var(--accent);line-height:1.625rem}
.separator{text-align:center;margin:1rem 0 0}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input:focus-visible{outline-offset:1px}
.alert{border-left:4px solid var(--errorText);background:var(--errorBg);color:var(--errorText);
padding:.75rem 1rem;border-radius:.25rem;margin:1rem 0}
.note{background:var(--noteBg);color:var(--noteText);padding:.75rem 1rem;border-radius:.25rem;font-size:.9375rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{color:var(--muted)}
dd{margin:0}
fieldset{border:1px solid var(--border);border-radius:.5rem;margin:1.5rem 0 0;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.scope{display:flex;gap:.75rem;align-items:flex-start;margin-top:.75rem}
.scope input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none;accent-color:var(--accent)}
.scope label{font-weight:400;margin:0}
.scope code{display:block;color:var(--muted)}
.tag{font-size:.8125rem;color:var(--muted);font-weight:600}
.status{border-left:4px solid var(--accent);background:var(--page);padding:.75rem 1rem;border-radius:.25rem;margin:1rem 0}
.apps{list-style:none;margin:0;padding:0}
.app{border-top:1px solid var(--border);padding:1rem 0}
.app h3{font-size:1rem;margin:0 0 .25rem;overflow-wrap:anywhere}
.scopes{margin:0;padding-left:1.1rem}
.sign-out{margin-top:2rem;border-top:1px solid var(--border);padding-top:1rem}
`.trim();

export interface DocumentParts {
  nonce: string;
  title: string;
  /** Already-escaped HTML for inside `<main>`. */
  body: string;
}

/**
 * A complete HTML document: `lang="en"`, a viewport for small screens, no
 * referrer (the URL carries the authorization request), no indexing, and the
 * stylesheet under the CSP nonce.
 * @see W3C Content Security Policy Level 3 §6.7.2.3 (nonce attribute)
 * @see WCAG 2.2 SC 3.1.1 (language of page), SC 1.4.10 (reflow)
 */
export function renderDocument(parts: DocumentParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(parts.title)} · ${PRODUCT_NAME}</title>
<link rel="icon" href="data:,">
<style nonce="${escapeHtml(parts.nonce)}">
${STYLESHEET}
</style>
</head>
<body>
<main>
<p class="brand">${PRODUCT_NAME}</p>
${parts.body}
</main>
</body>
</html>
`;
}

/**
 * Checks that a form `action` is a path on this origin. A scheme, a
 * protocol-relative `//host` or a backslash (which browsers read as `/`)
 * would send the password or the consent elsewhere.
 * @see W3C Content Security Policy Level 3 §6.4.1 (form-action)
 */
export function assertLocalPath(action: string): string {
  if (!/^\/(?![/\\])[^\s\\]*$/.test(action)) {
    throw new RangeError('form action must be a path on this origin');
  }
  return action;
}

/** The two hidden fields every form carries. */
export function hiddenFields(csrfToken: string, requestId: string): string {
  return (
    `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">\n` +
    `<input type="hidden" name="request" value="${escapeHtml(requestId)}">`
  );
}
