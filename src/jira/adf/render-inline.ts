/**
 * ADF inline content → Markdown inline text. Marks become nested spans
 * (`**a *b***`), chosen so each span is as long as possible; whitespace is
 * kept outside the delimiters, where CommonMark's flanking rules need it.
 * @see CommonMark 0.31.2 §6 (inlines)
 */
import { escapeText } from './escape.js';
import { childrenOf, marksOf, stringAttr, type AdfMark, type AdfNode } from './types.js';

export interface InlineContext {
  /** Hard breaks become spaces (a heading is one line). */
  inHeading?: boolean;
  /** Hard breaks become `<br>` (a GFM table row is one line). */
  inTable?: boolean;
}

type Wrap = { kind: 'strong' | 'em' | 'strike' } | { kind: 'link'; href: string };

interface Segment {
  /** Markdown for the leaf itself (already escaped). */
  leaf: string;
  wraps: Wrap[];
  /** The unescaped text of a text node, to spot links whose text is their URL. */
  raw?: string;
}

function wrapKey(wrap: Wrap): string {
  return wrap.kind === 'link' ? `link:${wrap.href}` : wrap.kind;
}

function wrapsOf(marks: readonly AdfMark[]): Wrap[] {
  const wraps: Wrap[] = [];
  const seen = new Set<string>();
  for (const mark of marks) {
    // ADF allows each mark type once; Jira data is not trusted to obey, and
    // the renderer's cost grows with the marks per node.
    if (seen.has(mark.type)) continue;
    seen.add(mark.type);
    if (mark.type === 'strong' || mark.type === 'em' || mark.type === 'strike') {
      wraps.push({ kind: mark.type });
    } else if (mark.type === 'link') {
      const href = stringAttr(mark, 'href');
      if (href !== undefined && href !== '') wraps.push({ kind: 'link', href });
    }
    // underline, textColor, subsup, backgroundColor: no Markdown; kept as plain text.
  }
  return wraps;
}

function codeSpan(text: string): string {
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad =
    text.startsWith('`') ||
    text.endsWith('`') ||
    (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '');
  return pad ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/**
 * A link destination that survives Markdown: `<…>` when it has spaces or parentheses.
 * @see CommonMark 0.31.2 §6.3
 */
export function linkDestination(href: string): string {
  const safe = href.replace(/[<>\n]/g, encodeURIComponent);
  return /[\s()]/.test(safe) ? `<${safe}>` : safe;
}

/**
 * `<url>` for a plain http(s) URL, else the URL as escaped text.
 * @see CommonMark 0.31.2 §6.5
 */
export function autolink(url: string): string {
  return /^https?:\/\/[^\s<>]+$/i.test(url) ? `<${url}>` : escapeText(url);
}

function formatDate(timestamp: string | undefined): string {
  const ms = Number(timestamp);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
}

function textLeaf(node: AdfNode, ctx: InlineContext): string {
  const text = typeof node.text === 'string' ? node.text : '';
  const code = marksOf(node).some((m) => m.type === 'code');
  const lineBreak = ctx.inTable === true ? '<br>' : ctx.inHeading === true ? ' ' : '\n';
  if (code) return codeSpan(text.replace(/\n/g, ' '));
  return escapeText(text).replace(/\n/g, lineBreak);
}

function leafOf(node: AdfNode, ctx: InlineContext): string {
  switch (node.type) {
    case 'text':
      return textLeaf(node, ctx);
    case 'hardBreak':
      return ctx.inTable === true ? '<br>' : ctx.inHeading === true ? ' ' : '\n';
    case 'mention': {
      const name = stringAttr(node, 'text') ?? stringAttr(node, 'id') ?? 'someone';
      return escapeText(`@${name.replace(/^@/, '')}`);
    }
    case 'emoji':
      return escapeText(stringAttr(node, 'text') ?? stringAttr(node, 'shortName') ?? '');
    case 'inlineCard': {
      const url = stringAttr(node, 'url');
      return url === undefined ? '' : autolink(url);
    }
    case 'date':
      return formatDate(stringAttr(node, 'timestamp'));
    case 'status':
      return escapeText(stringAttr(node, 'text') ?? '');
    case 'placeholder':
      return '';
    case 'mediaInline':
      return '[attachment]';
    default: {
      // Unknown inline node: its text, however it carries it.
      if (typeof node.text === 'string') return escapeText(node.text);
      const children = childrenOf(node);
      if (children.length > 0) return renderInline(children, ctx);
      return escapeText(stringAttr(node, 'text') ?? '');
    }
  }
}

function wrap(w: Wrap, inner: string): string {
  // Split by trimming, not by a lazy regular expression (quadratic over runs of spaces).
  const core = inner.trim();
  const start = inner.indexOf(core);
  const lead = inner.slice(0, start);
  const trail = inner.slice(start + core.length);
  if (core === '') return inner;
  switch (w.kind) {
    case 'strong':
      return `${lead}**${core}**${trail}`;
    case 'em':
      return `${lead}*${core}*${trail}`;
    case 'strike':
      return `${lead}~~${core}~~${trail}`;
    case 'link':
      return `${lead}[${core}](${linkDestination(w.href)})${trail}`;
  }
}

/** A link whose only content is its own URL, unformatted, reads best as `<url>`. */
function isAutolink(w: Wrap, run: readonly Segment[]): boolean {
  const [only] = run;
  return (
    w.kind === 'link' &&
    run.length === 1 &&
    only?.wraps.length === 1 &&
    only.raw === w.href &&
    /^(?:https?:\/\/|mailto:)[^\s<>]+$/i.test(w.href)
  );
}

function runEnd(segments: readonly Segment[], from: number, key: string, to: number): number {
  let end = from;
  while (end < to && segments[end]?.wraps.some((w) => wrapKey(w) === key) === true) end++;
  return end;
}

function renderSegments(
  segments: readonly Segment[],
  from: number,
  to: number,
  open: ReadonlySet<string>,
): string {
  let out = '';
  let i = from;
  while (i < to) {
    const segment = segments[i];
    if (segment === undefined) break;
    const pending = segment.wraps.filter((w) => !open.has(wrapKey(w)));
    const first = pending[0];
    if (first === undefined) {
      out += segment.leaf;
      i++;
      continue;
    }
    // The mark whose run reaches furthest becomes the outer span.
    let best = first;
    let bestEnd = runEnd(segments, i, wrapKey(first), to);
    for (const candidate of pending.slice(1)) {
      const end = runEnd(segments, i, wrapKey(candidate), to);
      if (end > bestEnd) [best, bestEnd] = [candidate, end];
    }
    const inner = renderSegments(segments, i, bestEnd, new Set([...open, wrapKey(best)]));
    out += isAutolink(best, segments.slice(i, bestEnd))
      ? `<${segment.raw ?? ''}>`
      : wrap(best, inner);
    i = bestEnd;
  }
  return out;
}

/**
 * Renders inline nodes (text with marks, hard breaks, mentions, emoji,
 * cards, dates, statuses) as Markdown inline text.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function renderInline(nodes: readonly AdfNode[], ctx: InlineContext = {}): string {
  const segments: Segment[] = nodes.map((node) => {
    const segment: Segment = { leaf: leafOf(node, ctx), wraps: [] };
    if (node.type === 'text') {
      segment.wraps = wrapsOf(marksOf(node));
      if (typeof node.text === 'string' && !marksOf(node).some((m) => m.type === 'code')) {
        segment.raw = node.text;
      }
    }
    return segment;
  });
  return renderSegments(segments, 0, segments.length, new Set());
}
