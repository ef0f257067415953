/**
 * Markdown blocks → ADF block nodes: ATX and setext headings, paragraphs,
 * fenced code, bullet/ordered/task lists (nested by indentation),
 * blockquotes, thematic breaks and GFM tables.
 * @see CommonMark 0.31.2 §4, §5; GFM 0.29 §4.10 (tables), §5.3 (task lists)
 */
import {
  atxHeading,
  FENCE_OPEN,
  isBlank,
  marker,
  QUOTE,
  RULE,
  startsBlock,
  stripIndent,
} from './markdown-lines.js';
import { parseInline } from './parse-inline.js';
import { parseList, type BlockContext } from './parse-list.js';
import { isTableStart, parseTable } from './parse-table.js';
import { assertNesting } from './limits.js';
import { fitBlockquote } from './rules.js';
import type { AdfNode } from './types.js';

export type { BlockContext } from './parse-list.js';

function paragraph(lines: readonly string[]): AdfNode {
  const text = lines.map((l) => l.trim()).join('\n');
  return { type: 'paragraph', content: parseInline(text) };
}

function fencedCode(lines: readonly string[], from: number): { node: AdfNode; next: number } {
  const open = FENCE_OPEN.exec(lines[from] ?? '');
  const [, pad = '', fence = '```', language = ''] = open ?? [];
  const closing = new RegExp(
    `^ {0,3}${fence.charAt(0) === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`,
  );
  const body: string[] = [];
  let i = from + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (closing.test(line)) {
      i++;
      break;
    }
    body.push(stripIndent(line, pad.length));
  }
  const text = body.join('\n');
  const node: AdfNode = { type: 'codeBlock' };
  if (language !== '') node.attrs = { language: language.replace(/\\([!-/:-@[-`{-~])/g, '$1') };
  node.content = text === '' ? [] : [{ type: 'text', text }];
  return { node, next: i };
}

function blockquote(
  lines: readonly string[],
  from: number,
  ctx: BlockContext,
): { node: AdfNode; next: number } {
  const inner: string[] = [];
  let i = from;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const quoted = QUOTE.exec(line);
    if (quoted !== null) {
      inner.push(quoted[1] ?? '');
    } else if (!isBlank(line) && !isBlank(inner[inner.length - 1] ?? '') && !startsBlock(line)) {
      inner.push(line); // lazy continuation of the quoted paragraph
    } else {
      break;
    }
  }
  const depth = ctx.depth + 1;
  assertNesting(depth, 'quotes and lists');
  return {
    node: { type: 'blockquote', content: fitBlockquote(parseBlocks(inner, { ...ctx, depth })) },
    next: i,
  };
}

/**
 * Parses the lines of one container (the document, a quote, a list item)
 * into ADF block nodes.
 * @see CommonMark 0.31.2 §4, §5
 */
export function parseBlocks(lines: readonly string[], ctx: BlockContext): AdfNode[] {
  const out: AdfNode[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) out.push(paragraph(para));
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (isBlank(line)) {
      flush();
      i++;
      continue;
    }
    if (para.length > 0 && /^ {0,3}(=+|-+)[ \t]*$/.test(line)) {
      const level = line.trim().startsWith('=') ? 1 : 2;
      const content = paragraph(para).content ?? [];
      para = [];
      out.push({ type: 'heading', attrs: { level }, content });
      i++;
      continue;
    }
    const atx = atxHeading(line);
    const m = marker(line);
    // An ordered list may interrupt a paragraph only when it starts at 1, and
    // an empty item never may.
    const listStarts =
      m !== undefined && (para.length === 0 || (m.rest !== '' && (!m.ordered || m.start === 1)));
    let next: { node: AdfNode; next: number } | undefined;
    if (FENCE_OPEN.test(line)) {
      next = fencedCode(lines, i);
    } else if (atx !== undefined) {
      next = {
        node: { type: 'heading', attrs: { level: atx.level }, content: parseInline(atx.text) },
        next: i + 1,
      };
    } else if (RULE.test(line)) {
      next = { node: { type: 'rule' }, next: i + 1 };
    } else if (QUOTE.test(line)) {
      next = blockquote(lines, i, ctx);
    } else if (listStarts) {
      next = parseList(lines, i, ctx, parseBlocks);
    } else if (isTableStart(line, lines[i + 1])) {
      next = parseTable(lines, i);
    }
    if (next === undefined) {
      para.push(line);
      i++;
      continue;
    }
    flush();
    out.push(next.node);
    i = next.next;
  }
  flush();
  return out;
}
