/**
 * Escaping for values placed in HTML text or in a double-quoted attribute.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes the five HTML-significant characters (and the backtick, which old
 * browsers treated as an attribute quote), so any string is inert text in
 * element content and in quoted attribute values. Not for unquoted
 * attributes, URLs in `href`, `<script>` or `<style>` content: the pages
 * never put values there.
 * @see HTML Living Standard §13.1.2.3 (attribute values), §13.2.5 (tokenization)
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}
