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

/** A delimiter run on the delimiter stack, with the token list entry it sits in. */
interface Entry {
  delim: Delimiter;
  link: Link;
  below: Entry | undefined;
  above: Entry | undefined;
}

/**
 * Turns matched delimiter runs into mark tokens; unmatched runs become text.
 * Both the tokens and the delimiter stack are linked lists, so removing the
 * delimiters between an opener and its closer costs nothing per delimiter
 * and each match costs only the span it wraps: linear overall, with the
 * openers-bottom bound on the searches for an opener.
 * @see CommonMark 0.31.2 Appendix A
 */
export function processEmphasis(tokens: readonly Token[]): Token[] {
  const head: Link = { token: { t: 'text', s: '' }, prev: undefined, next: undefined };
  let tail = head;
  let bottomEntry: Entry | undefined;
  let topEntry: Entry | undefined;
  for (const token of tokens) {
    const link: Link = { token, prev: tail, next: undefined };
    tail.next = link;
    tail = link;
    if (token.t === 'delim') {
      const entry: Entry = { delim: token, link, below: topEntry, above: undefined };
      if (topEntry === undefined) bottomEntry = entry;
      else topEntry.above = entry;
      topEntry = entry;
    }
  }
  const unlink = (link: Link): void => {
    if (link.prev !== undefined) link.prev.next = link.next;
    if (link.next !== undefined) link.next.prev = link.prev;
  };
  const remove = (entry: Entry): void => {
    if (entry.below !== undefined) entry.below.above = entry.above;
    if (entry.above !== undefined) entry.above.below = entry.below;
  };
  // For each kind of closer, the entry below which no opener can match it.
  const bottoms = new Map<number, Entry | undefined>();
  let current = bottomEntry;
  while (current !== undefined) {
    const closer = current.delim;
    if (!closer.canClose) {
      current = current.above;
      continue;
    }
    const key = closer.ch.charCodeAt(0) * 8 + (closer.canOpen ? 4 : 0) + (closer.original % 3);
    const bottom = bottoms.get(key);
    let candidate = current.below;
    while (candidate !== undefined && candidate !== bottom && !matches(candidate.delim, closer)) {
      candidate = candidate.below;
    }
    if (candidate === undefined || candidate === bottom) {
      bottoms.set(key, current.below);
      const above: Entry | undefined = current.above;
      if (!closer.canOpen) remove(current);
      current = above;
      continue;
    }
    const opener = candidate.delim;
    const use = closer.ch === '~' ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const children: Token[] = [];
    for (let l = candidate.link.next; l !== undefined && l !== current.link; l = l.next) {
      children.push(l.token);
    }
    const mark: Link = {
      token: {
        t: 'mark',
        mark: closer.ch === '~' ? 'strike' : use === 2 ? 'strong' : 'em',
        children: processDelimitersAsText(children),
      },
      prev: candidate.link,
      next: current.link,
    };
    candidate.link.next = mark;
    current.link.prev = mark;
    opener.count -= use;
    closer.count -= use;
    // The delimiters between opener and closer can no longer match anything.
    candidate.above = current;
    current.below = candidate;
    if (opener.count === 0) {
      unlink(candidate.link);
      remove(candidate);
    }
    if (closer.count === 0) {
      unlink(current.link);
      remove(current);
      current = current.above;
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
