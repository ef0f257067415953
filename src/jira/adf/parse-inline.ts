/**
 * Markdown inline text → ADF inline nodes: backslash escapes, code spans,
 * `**strong**`, `*em*`/`_em_`, `~~strike~~`, links and autolinks (only
 * http, https and mailto become links), `<br>` and line ends as hard breaks.
 * Emphasis follows CommonMark's delimiter-run algorithm, so what
 * `adfToMarkdown` writes reads back the same.
 * @see CommonMark 0.31.2 §6, GFM 0.29 §6.5 (strikethrough)
 */
import { delimiterRun, processEmphasis, type Token } from './emphasis.js';
import { isAsciiPunctuation } from './escape.js';
import type { AdfMark, AdfNode } from './types.js';

const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;
const MARK_ORDER = ['link', 'strong', 'em', 'strike', 'code'];

/**
 * Only web and mail links become links; `javascript:` and friends stay text.
 * @see CommonMark 0.31.2 §6.3
 */
export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href) && !/[\s<>]/.test(href);
}

function findCodeEnd(src: string, from: number, ticks: number): number {
  let i = from;
  while (i < src.length) {
    const at = src.indexOf('`', i);
    if (at === -1) return -1;
    let end = at;
    while (src[end] === '`') end++;
    if (end - at === ticks) return at;
    i = end;
  }
  return -1;
}

/** Index of the `]` closing the bracket at `open`, skipping escapes and code spans. */
function findLabelEnd(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '`') {
      let end = i;
      while (src[end] === '`') end++;
      const close = findCodeEnd(src, end, end - i);
      i = close === -1 ? end - 1 : close + (end - i) - 1;
    } else if (ch === '[') {
      depth++;
    } else if (ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Parses `(dest "title")` at `at`; returns the destination and the index after `)`. */
function parseDestination(src: string, at: number): { href: string; end: number } | undefined {
  const match =
    /^\(\s*(?:<([^<>\n]*)>|((?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*))(?:\s+(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\)))?\s*\)/.exec(
      src.slice(at),
    );
  if (match === null) return undefined;
  const raw = match[1] ?? match[2] ?? '';
  // Only `<…>` destinations can hold spaces; a URL cannot, so encode them.
  const href = raw.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/ /g, '%20');
  return { href, end: at + match[0].length };
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const pushText = (s: string): void => {
    text += s;
  };
  const flush = (): void => {
    if (text !== '') tokens.push({ t: 'text', s: text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === '\n') {
        flush();
        tokens.push({ t: 'break' });
        i += 2;
      } else if (isAsciiPunctuation(next) && next !== undefined) {
        pushText(next);
        i += 2;
      } else {
        pushText('\\');
        i++;
      }
    } else if (ch === '\n') {
      flush();
      tokens.push({ t: 'break' });
      i++;
    } else if (ch === '`') {
      let end = i;
      while (src[end] === '`') end++;
      const ticks = end - i;
      const close = findCodeEnd(src, end, ticks);
      if (close === -1) {
        pushText('`'.repeat(ticks));
        i = end;
      } else {
        let code = src.slice(end, close).replace(/\n/g, ' ');
        if (/^ [\s\S]* $/.test(code) && code.trim() !== '') code = code.slice(1, -1);
        flush();
        if (code !== '') tokens.push({ t: 'code', s: code });
        i = close + ticks;
      }
    } else if (ch === '<') {
      const br = /^<br\s*\/?>/i.exec(src.slice(i));
      const auto = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/.exec(src.slice(i));
      if (br !== null) {
        flush();
        tokens.push({ t: 'break' });
        i += br[0].length;
      } else if (auto?.[1] !== undefined && isSafeHref(auto[1])) {
        flush();
        tokens.push({ t: 'link', href: auto[1], children: [{ t: 'text', s: auto[1] }] });
        i += auto[0].length;
      } else {
        pushText('<');
        i++;
      }
    } else if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      const open = ch === '!' ? i + 1 : i;
      const close = findLabelEnd(src, open);
      const dest = close === -1 ? undefined : parseDestination(src, close + 1);
      if (dest === undefined) {
        pushText(ch);
        i++;
        continue;
      }
      flush();
      const label = src.slice(open + 1, close);
      // An image becomes a link to it: ADF media needs an upload, not a URL.
      const children =
        label === '' && ch === '!' ? [{ t: 'text', s: dest.href } as Token] : parse(label);
      if (isSafeHref(dest.href)) tokens.push({ t: 'link', href: dest.href, children });
      else tokens.push(...children);
      i = dest.end;
    } else if (ch === '*' || ch === '_' || ch === '~') {
      let end = i;
      while (src[end] === ch) end++;
      flush();
      if (ch === '~' && end - i !== 2) pushText(src.slice(i, end));
      else tokens.push(delimiterRun(src, i, end, ch));
      i = end;
    } else {
      const next = src.slice(i).search(/[\\\n`<[!*_~]/);
      const stop = next <= 0 ? (next === 0 ? i + 1 : src.length) : i + next;
      pushText(src.slice(i, stop));
      i = stop;
    }
  }
  flush();
  return tokens;
}

function parse(src: string): Token[] {
  return processEmphasis(tokenize(src));
}

function sameMarks(a: readonly AdfMark[] | undefined, b: readonly AdfMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function withMark(marks: readonly AdfMark[], mark: AdfMark): AdfMark[] {
  if (marks.some((m) => m.type === mark.type)) return [...marks];
  return [...marks, mark].sort((x, y) => MARK_ORDER.indexOf(x.type) - MARK_ORDER.indexOf(y.type));
}

function emit(tokens: readonly Token[], marks: readonly AdfMark[], out: AdfNode[]): void {
  for (const token of tokens) {
    switch (token.t) {
      case 'text':
      case 'code': {
        if (token.s === '') break;
        // ADF allows `code` together with `link` only.
        const own =
          token.t === 'code'
            ? withMark(
                marks.filter((m) => m.type === 'link'),
                { type: 'code' },
              )
            : [...marks];
        const last = out[out.length - 1];
        if (last?.type === 'text' && last.text !== undefined && sameMarks(last.marks, own)) {
          last.text += token.s;
        } else {
          out.push(
            own.length > 0
              ? { type: 'text', text: token.s, marks: own }
              : { type: 'text', text: token.s },
          );
        }
        break;
      }
      case 'break':
        out.push({ type: 'hardBreak' });
        break;
      case 'link':
        emit(token.children, withMark(marks, { type: 'link', attrs: { href: token.href } }), out);
        break;
      case 'mark':
        emit(token.children, withMark(marks, { type: token.mark }), out);
        break;
      case 'delim':
        // processEmphasis has already turned every leftover run into text.
        break;
    }
  }
}

/**
 * Parses Markdown inline text into ADF inline nodes (text with marks and
 * hard breaks). Every line end is a hard break: people (and models) who
 * type a newline in a Jira field mean one.
 * @see CommonMark 0.31.2 §6
 */
export function parseInline(src: string): AdfNode[] {
  const out: AdfNode[] = [];
  emit(parse(src), [], out);
  return out;
}
