/**
 * Character classes and escaping shared by both directions, so that what
 * `adfToMarkdown` escapes is exactly what `markdownToAdf` would otherwise
 * read as syntax.
 * @see CommonMark 0.31.2 §2.4 (backslash escapes), §6.2 (emphasis flanking rules)
 */

const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const UNICODE_PUNCTUATION = /^[\p{P}\p{S}]$/u;

/**
 * ASCII punctuation: the characters a backslash can escape.
 * @see CommonMark 0.31.2 §2.1
 */
export function isAsciiPunctuation(ch: string | undefined): boolean {
  return ch !== undefined && ASCII_PUNCTUATION.test(ch);
}

/**
 * Unicode punctuation or symbol, as the flanking rules define it.
 * @see CommonMark 0.31.2 §2.1
 */
export function isPunctuation(ch: string | undefined): boolean {
  return ch !== undefined && (ASCII_PUNCTUATION.test(ch) || UNICODE_PUNCTUATION.test(ch));
}

/**
 * Whitespace; the start and end of text count as whitespace.
 * @see CommonMark 0.31.2 §2.1
 */
export function isWhitespace(ch: string | undefined): boolean {
  return ch === undefined || /^\s$/u.test(ch);
}

function isWordChar(ch: string | undefined): boolean {
  return !isWhitespace(ch) && !isPunctuation(ch);
}

/** Sticky: tried at one index without copying the rest of the text. */
const AUTOLINK_OR_BREAK = /<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|br\s*\/?>)/iy;

/**
 * Escapes text so it reads back as the same literal text. `_` between word
 * characters and a lone `~` are left alone because they can never be
 * syntax there (keeps `customfield_10010` readable).
 * @see CommonMark 0.31.2 §2.4, §6.2
 */
export function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    // charAt keeps the type a plain string under noUncheckedIndexedAccess.
    const ch = text.charAt(i);
    const prev = i > 0 ? text.charAt(i - 1) : undefined;
    const next = i + 1 < text.length ? text.charAt(i + 1) : undefined;
    switch (ch) {
      case '\\':
        out += next === undefined || isAsciiPunctuation(next) ? '\\\\' : '\\';
        break;
      case '`':
      case '*':
      case '[':
      case ']':
        out += `\\${ch}`;
        break;
      case '_':
        out += isWordChar(prev) && isWordChar(next) ? '_' : '\\_';
        break;
      case '~':
        out +=
          prev === '~' || next === '~' || prev === undefined || next === undefined ? '\\~' : '~';
        break;
      case '<':
        AUTOLINK_OR_BREAK.lastIndex = i;
        out += AUTOLINK_OR_BREAK.test(text) ? '\\<' : '<';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/**
 * Escapes a rendered paragraph line whose start would otherwise open a
 * block (heading, quote, list item, rule, setext underline).
 * @see CommonMark 0.31.2 §4.1, §4.2, §4.3, §5.1, §5.2
 */
export function escapeLineStart(line: string): string {
  if (/^#{1,6}(?=[ \t]|$)/.test(line)) return `\\${line}`;
  if (line.startsWith('>') || line.startsWith('|')) return `\\${line}`;
  if (/^[-+](?=[ \t]|$)/.test(line)) return `\\${line}`;
  if (/^(?:=+|-+)[ \t]*$/.test(line)) return `\\${line}`;
  const ordered = /^(\d{1,9})([.)])(?=[ \t]|$)/.exec(line);
  if (ordered?.[1] !== undefined) {
    return `${ordered[1]}\\${line.slice(ordered[1].length)}`;
  }
  return line;
}
