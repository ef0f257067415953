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
import { assertNesting } from './limits.js';
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

/** Where each code span of `src` closes: next backtick run of the same length (one pass). */
interface CodeRuns {
  /** Start of the first run of exactly `ticks` backticks at or after `from`, or -1. */
  closerAt(from: number, ticks: number): number;
}

function codeRuns(src: string): CodeRuns {
  // Built on first use: most inline text (a table cell, a short line) has no backtick.
  let byLength: Map<number, number[]> | undefined;
  const index = (): Map<number, number[]> => {
    const runs = new Map<number, number[]>();
    for (let i = src.indexOf('`'); i !== -1; i = src.indexOf('`', i)) {
      let end = i;
      while (src[end] === '`') end++;
      const starts = runs.get(end - i) ?? [];
      starts.push(i);
      runs.set(end - i, starts);
      i = end;
    }
    return runs;
  };
  return {
    closerAt(from, ticks) {
      byLength ??= index();
      const starts = byLength.get(ticks);
      if (starts === undefined) return -1;
      // Binary search: the first run starting at or after `from`.
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((starts[mid] ?? Infinity) < from) lo = mid + 1;
        else hi = mid;
      }
      return starts[lo] ?? -1;
    },
  };
}

/**
 * For each `[`, the index of the `]` that closes it (-1 when none), skipping
 * escapes and code spans, in one pass with a stack. This is what scanning
 * forward from every bracket would find, without the quadratic cost.
 */
function labelEnds(src: string, code: CodeRuns): Int32Array {
  const ends = new Int32Array(src.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '`') {
      let end = i;
      while (src[end] === '`') end++;
      const close = code.closerAt(end, end - i);
      i = close === -1 ? end - 1 : close + (end - i) - 1;
    } else if (ch === '[') {
      open.push(i);
    } else if (ch === ']') {
      const at = open.pop();
      if (at !== undefined) ends[at] = i;
    }
  }
  return ends;
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

function skipSpaces(src: string, at: number): number {
  let i = at;
  while (isSpace(src[i])) i++;
  return i;
}

/** End of a `(…)`, `"…"` or `'…'` link title starting at `at` (index after it), or -1. */
function titleEnd(src: string, at: number): number {
  const open = src[at];
  const close = open === '(' ? ')' : open;
  if (open !== '"' && open !== "'" && open !== '(') return -1;
  for (let i = at + 1; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      if (src[i + 1] === undefined || src[i + 1] === '\n') return -1;
      i++;
    } else if (ch === close) {
      return i + 1;
    } else if (open === '(' && ch === '(') {
      return -1;
    }
  }
  return -1;
}

/**
 * Parses `(dest "title")` at `at`; returns the destination and the index
 * after `)`. A hand-written scan, linear in what it reads: the regular
 * expression it replaces backtracked quadratically over runs of spaces.
 * Destinations hold one level of balanced parentheses, or are `<…>`.
 * @see CommonMark 0.31.2 §6.3
 */
function parseDestination(src: string, at: number): { href: string; end: number } | undefined {
  if (src[at] !== '(') return undefined;
  const from = skipSpaces(src, at + 1);
  if (src[from] === '<') {
    let j = from + 1;
    while (j < src.length && src[j] !== '>' && src[j] !== '<' && src[j] !== '\n') j++;
    const angled =
      src[j] === '>' ? closeDestination(src, src.slice(from + 1, j), j + 1) : undefined;
    // As in the regular expression this replaces, a failed `<…>` form may still read as a plain one.
    if (angled !== undefined) return angled;
  }
  const j = plainDestinationEnd(src, from);
  return closeDestination(src, src.slice(from, j), j);
}

/** End of a destination without `<…>`: no spaces, one level of balanced parentheses. */
function plainDestinationEnd(src: string, from: number): number {
  let j = from;
  while (j < src.length) {
    const ch = src[j];
    if (ch === '\\' && src[j + 1] !== undefined && src[j + 1] !== '\n') {
      j += 2;
    } else if (ch === '(') {
      let k = j + 1;
      while (k < src.length && src[k] !== ')') {
        const inner = src[k];
        if (inner === '(' || isSpace(inner)) break;
        if (inner === '\\') {
          if (src[k + 1] === undefined || src[k + 1] === '\n') break;
          k++;
        }
        k++;
      }
      if (src[k] !== ')') return j;
      j = k + 1;
    } else if (ch === ')' || ch === '\\' || isSpace(ch)) {
      return j;
    } else {
      j++;
    }
  }
  return j;
}

/** After the destination `raw` ending at `at`: an optional title, then `)`. */
function closeDestination(
  src: string,
  raw: string,
  at: number,
): { href: string; end: number } | undefined {
  let i = at;
  const afterSpace = skipSpaces(src, i);
  if (afterSpace > i) {
    const title = titleEnd(src, afterSpace);
    i = title === -1 ? afterSpace : skipSpaces(src, title);
  }
  if (src[i] !== ')') return undefined;
  // Only `<…>` destinations can hold spaces; a URL cannot, so encode them.
  const href = raw.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/ /g, '%20');
  return { href, end: i + 1 };
}

const BR = /<br\s*\/?>/iy;
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
const SPECIAL = /[\\\n`<[!*_~]/g;

/** `pattern` (sticky) matched exactly at `at`, without copying the rest of `src`. */
function matchAt(pattern: RegExp, src: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(src);
}

function tokenize(src: string, depth: number): Token[] {
  const tokens: Token[] = [];
  const code = codeRuns(src);
  let ends: Int32Array | undefined;
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
      const close = code.closerAt(end, ticks);
      if (close === -1) {
        pushText('`'.repeat(ticks));
        i = end;
      } else {
        let span = src.slice(end, close).replace(/\n/g, ' ');
        if (span.length >= 2 && span.startsWith(' ') && span.endsWith(' ') && span.trim() !== '') {
          span = span.slice(1, -1);
        }
        flush();
        if (span !== '') tokens.push({ t: 'code', s: span });
        i = close + ticks;
      }
    } else if (ch === '<') {
      const br = matchAt(BR, src, i);
      const auto = br === null ? matchAt(AUTOLINK, src, i) : null;
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
      ends ??= labelEnds(src, code);
      const close = ends[open] ?? -1;
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
        label === '' && ch === '!'
          ? [{ t: 'text', s: dest.href } as Token]
          : parse(label, depth + 1, 'links');
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
      SPECIAL.lastIndex = i + 1;
      const next = SPECIAL.exec(src);
      const stop = next === null ? src.length : next.index;
      pushText(src.slice(i, stop));
      i = stop;
    }
  }
  flush();
  return tokens;
}

/** Tokens of `src` with emphasis resolved; `depth` counts the link labels around it. */
function parse(src: string, depth: number, what: string): Token[] {
  assertNesting(depth, what);
  return processEmphasis(tokenize(src, depth));
}

function sameMark(a: AdfMark, b: AdfMark): boolean {
  return a.type === b.type && a.attrs?.['href'] === b.attrs?.['href'];
}

function sameMarks(a: readonly AdfMark[] | undefined, b: readonly AdfMark[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return (
    x.length === y.length &&
    x.every((mark, k) => {
      const other = y[k];
      return other !== undefined && sameMark(mark, other);
    })
  );
}

function withMark(marks: readonly AdfMark[], mark: AdfMark): AdfMark[] {
  if (marks.some((m) => m.type === mark.type)) return [...marks];
  return [...marks, mark].sort((x, y) => MARK_ORDER.indexOf(x.type) - MARK_ORDER.indexOf(y.type));
}

/**
 * Appends the ADF inline nodes for `tokens`. Iterative: emphasis can nest
 * as deep as the input is long (`**` × 10,000 around a word), which is
 * harmless in ADF (marks are a set) but would overflow a recursive walk.
 */
function emit(tokens: readonly Token[], out: AdfNode[]): void {
  const stack: { tokens: readonly Token[]; at: number; marks: readonly AdfMark[] }[] = [
    { tokens, at: 0, marks: [] },
  ];
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const token = frame.tokens[frame.at];
    if (token === undefined) {
      stack.pop();
      continue;
    }
    frame.at++;
    const { marks } = frame;
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
        stack.push({
          tokens: token.children,
          at: 0,
          marks: withMark(marks, { type: 'link', attrs: { href: token.href } }),
        });
        break;
      case 'mark':
        stack.push({ tokens: token.children, at: 0, marks: withMark(marks, { type: token.mark }) });
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
  emit(parse(src, 1, 'links'), out);
  return out;
}
