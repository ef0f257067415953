/**
 * Emphasis and strikethrough: delimiter runs (`*`, `_`, `~~`) classified by
 * the flanking rules, then matched with CommonMark's "process emphasis"
 * algorithm (openers bottom, rule of 3) over a linked list, so nesting like
 * `***a** b*` reads the way CommonMark renderers read it.
 * @see CommonMark 0.31.2 §6.2, Appendix A (process emphasis); GFM 0.29 §6.5
 */
import { isPunctuation, isWhitespace } from './escape.js';

/** Inline tokens between tokenizing and emitting ADF. */
export type Token =
  | { t: 'text'; s: string }
  | { t: 'code'; s: string }
  | { t: 'break' }
  | { t: 'link'; href: string; children: Token[] }
  | { t: 'mark'; mark: 'strong' | 'em' | 'strike'; children: Token[] }
  | Delimiter;

/** A run of `*`, `_` or `~` that may open or close a span. */
export interface Delimiter {
  t: 'delim';
  ch: '*' | '_' | '~';
  count: number;
  readonly original: number;
  readonly canOpen: boolean;
  readonly canClose: boolean;
}

/**
 * Classifies the run `src[start, end)` of `ch` by the flanking rules.
 * @see CommonMark 0.31.2 §6.2
 */
export function delimiterRun(
  src: string,
  start: number,
  end: number,
  ch: Delimiter['ch'],
): Delimiter {
  const before = start > 0 ? src[start - 1] : undefined;
  const after = end < src.length ? src[end] : undefined;
  const left =
    !isWhitespace(after) &&
    (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
  const right =
    !isWhitespace(before) &&
    (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
  const count = end - start;
  if (ch === '_') {
    return {
      t: 'delim',
      ch,
      count,
      original: count,
      canOpen: left && (!right || isPunctuation(before)),
      canClose: right && (!left || isPunctuation(after)),
    };
  }
  return { t: 'delim', ch, count, original: count, canOpen: left, canClose: right };
}

function matches(opener: Delimiter, closer: Delimiter): boolean {
  if (opener.ch !== closer.ch || !opener.canOpen) return false;
  if (opener.ch === '~') return opener.count === closer.count;
  // CommonMark's "rule of 3" for runs that can both open and close.
  const both = opener.canClose || closer.canOpen;
  return !(
    both &&
    (opener.original + closer.original) % 3 === 0 &&
    !(opener.original % 3 === 0 && closer.original % 3 === 0)
  );
}

interface Link {
  token: Token;
  prev: Link | undefined;
  next: Link | undefined;
}

/**
 * Turns matched delimiter runs into mark tokens; unmatched runs become text.
 * Works on a linked list so each match costs only the span it wraps.
 * @see CommonMark 0.31.2 Appendix A
 */
export function processEmphasis(tokens: readonly Token[]): Token[] {
  const head: Link = { token: { t: 'text', s: '' }, prev: undefined, next: undefined };
  let tail = head;
  const nodeOf = new Map<Delimiter, Link>();
  for (const token of tokens) {
    const link: Link = { token, prev: tail, next: undefined };
    tail.next = link;
    tail = link;
    if (token.t === 'delim') nodeOf.set(token, link);
  }
  const stack: Delimiter[] = tokens.filter((t): t is Delimiter => t.t === 'delim');
  const bottoms = new Map<string, Delimiter | undefined>();
  const unlink = (link: Link): void => {
    if (link.prev !== undefined) link.prev.next = link.next;
    if (link.next !== undefined) link.next.prev = link.prev;
  };
  let c = 0;
  while (c < stack.length) {
    const closer = stack[c];
    if (closer === undefined) break;
    if (!closer.canClose) {
      c++;
      continue;
    }
    const key = `${closer.ch}${closer.canOpen ? 'o' : ''}${closer.original % 3}`;
    const bottom = bottoms.get(key);
    let o = c - 1;
    while (o >= 0 && stack[o] !== bottom) {
      const candidate = stack[o];
      if (candidate !== undefined && matches(candidate, closer)) break;
      o--;
    }
    const opener = o >= 0 ? stack[o] : undefined;
    const openLink = opener === undefined ? undefined : nodeOf.get(opener);
    const closeLink = nodeOf.get(closer);
    if (
      opener === undefined ||
      opener === bottom ||
      openLink === undefined ||
      closeLink === undefined
    ) {
      bottoms.set(key, stack[c - 1]);
      if (closer.canOpen) c++;
      else stack.splice(c, 1);
      continue;
    }
    const use = closer.ch === '~' ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const children: Token[] = [];
    for (let l = openLink.next; l !== undefined && l !== closeLink; l = l.next) {
      children.push(l.token);
    }
    const mark: Link = {
      token: {
        t: 'mark',
        mark: closer.ch === '~' ? 'strike' : use === 2 ? 'strong' : 'em',
        children: processDelimitersAsText(children),
      },
      prev: openLink,
      next: closeLink,
    };
    openLink.next = mark;
    closeLink.prev = mark;
    opener.count -= use;
    closer.count -= use;
    stack.splice(o + 1, c - o - 1);
    c = o + 1;
    if (opener.count === 0) {
      unlink(openLink);
      stack.splice(o, 1);
      c--;
    }
    if (closer.count === 0) {
      unlink(closeLink);
      stack.splice(c, 1);
    }
  }
  const out: Token[] = [];
  for (let l = head.next; l !== undefined; l = l.next) out.push(l.token);
  return processDelimitersAsText(out);
}

/** Delimiter runs left unmatched are literal text. */
function processDelimitersAsText(tokens: readonly Token[]): Token[] {
  return tokens.map((t) => (t.t === 'delim' ? { t: 'text', s: t.ch.repeat(t.count) } : t));
}
