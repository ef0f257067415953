/**
 * The dead-end page: an unknown client, a redirect URI that does not match,
 * an expired form. The server must not redirect in these cases, so the user
 * is told here instead.
 */
import { escapeHtml } from './escape-html.js';
import { renderDocument } from './layout.js';

export interface ErrorPageInput {
  nonce: string;
  title: string;
  /** Plain words for the user; never a stack trace or internal detail. */
  message: string;
  /** What the person or their administrator can do about it; replaces the default advice. */
  hint?: string | undefined;
  /** The HTTP request id from the logs, shown so support can find them. */
  requestId?: string | undefined;
}

/**
 * A complete error page. The caller chooses the status; the page only says
 * what happened, what the user (or their administrator) can do, and the
 * request id for support.
 * @see RFC 6749 §4.1.2.1 (invalid client or redirect URI: inform the user, do not redirect)
 */
export function renderErrorPage(input: ErrorPageInput): string {
  const reference =
    input.requestId === undefined || input.requestId === ''
      ? ''
      : `\n<p class="muted">If you ask for help, quote reference <code>${escapeHtml(input.requestId)}</code>.</p>`;
  const advice =
    input.hint === undefined || input.hint === ''
      ? '<p class="muted">You can close this page and return to the application.</p>'
      : `<p>${escapeHtml(input.hint)}</p>`;
  const body = `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>
${advice}${reference}`;
  return renderDocument({ nonce: input.nonce, title: input.title, body });
}
