/**
 * ADF to HTML for `expand=renderedFields`. Jira renders wiki-style HTML;
 * the sandbox renders the same structure closely enough for clients that
 * show it, and escapes every piece of text, since ADF is user input.
 */
import type { AdfDoc, AdfMark, AdfNode } from './adf.js';

const BLOCK_TAGS: Record<string, string> = {
  paragraph: 'p',
  bulletList: 'ul',
  orderedList: 'ol',
  listItem: 'li',
  blockquote: 'blockquote',
  table: 'table',
  tableRow: 'tr',
  tableHeader: 'th',
  tableCell: 'td',
};

/**
 * HTML for an ADF document; text and attribute values are escaped.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#expansion
 */
export function adfToHtml(node: AdfDoc | AdfNode): string {
  const children = (node.content ?? []).map((child) => adfToHtml(child)).join('');
  switch (node.type) {
    case 'doc':
      return children;
    case 'text':
      return (node.marks ?? []).reduce(applyMark, escapeHtml(node.text ?? ''));
    case 'heading': {
      const level = Number(node.attrs?.['level'] ?? 1);
      const tag = `h${Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1}`;
      return `<${tag}>${children}</${tag}>`;
    }
    case 'codeBlock':
      return `<div class="code panel"><pre><code>${children}</code></pre></div>`;
    case 'mention': {
      const label = node.attrs?.['text'];
      return `<a class="user-hover">${escapeHtml(typeof label === 'string' ? label : '')}</a>`;
    }
    case 'hardBreak':
      return '<br/>';
    case 'rule':
      return '<hr/>';
    default: {
      const tag = BLOCK_TAGS[node.type];
      if (tag === 'table') return `<table><tbody>${children}</tbody></table>`;
      return tag === undefined ? children : `<${tag}>${children}</${tag}>`;
    }
  }
}

function applyMark(html: string, mark: AdfMark): string {
  switch (mark.type) {
    case 'strong':
      return `<b>${html}</b>`;
    case 'em':
      return `<em>${html}</em>`;
    case 'code':
      return `<tt>${html}</tt>`;
    case 'strike':
      return `<del>${html}</del>`;
    case 'link': {
      const href = mark.attrs?.['href'];
      // Only http(s) and mailto links survive; `javascript:` must never be rendered.
      if (typeof href !== 'string' || !/^(https?:|mailto:)/i.test(href)) return html;
      return `<a href="${escapeHtml(href)}" class="external-link" rel="nofollow noreferrer">${html}</a>`;
    }
    default:
      return html;
  }
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
