/**
 * ADF → Markdown (CommonMark + GFM tables, strikethrough and task lists),
 * for showing Jira descriptions and comments to a model. Lossy where
 * Markdown has no equivalent: panels become quotes, media a placeholder,
 * mentions `@Name`, and any node we do not know becomes its text.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
import { escapeLineStart, escapeText } from './escape.js';
import { MAX_ADF_DEPTH, MAX_TABLE_CELLS } from './limits.js';
import { autolink, renderInline } from './render-inline.js';
import { childrenOf, isAdfNode, stringAttr, type AdfNode } from './types.js';

const INLINE_TYPES = new Set([
  'text',
  'hardBreak',
  'mention',
  'emoji',
  'inlineCard',
  'date',
  'status',
  'placeholder',
  'mediaInline',
  'inlineExtension',
]);

const KNOWN_BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'bulletList',
  'orderedList',
  'taskList',
  'decisionList',
  'blockquote',
  'panel',
  'rule',
  'table',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'nestedExpand',
  'blockCard',
  'embedCard',
]);

const PANEL_LABELS: Readonly<Record<string, string>> = {
  info: 'Info',
  note: 'Note',
  warning: 'Warning',
  error: 'Error',
  success: 'Success',
  tip: 'Tip',
};

/**
 * Answers of {@link isInline} for unknown nodes during one render, so each
 * subtree is examined once (a plain Map, dropped after the render: cheaper
 * for the collector than a WeakMap entry per node).
 */
let inlineMemo = new Map<AdfNode, boolean>();

function isInline(node: AdfNode): boolean {
  if (INLINE_TYPES.has(node.type)) return true;
  if (typeof node.text === 'string') return true;
  if (KNOWN_BLOCKS.has(node.type)) return false;
  const known = inlineMemo.get(node);
  if (known !== undefined) return known;
  // Unknown node: inline when everything inside it is inline.
  const children = childrenOf(node);
  const inline = children.length > 0 && children.every(isInline);
  inlineMemo.set(node, inline);
  return inline;
}

/** Stands in for content nested deeper than {@link MAX_ADF_DEPTH}. */
const TOO_DEEP: AdfNode = {
  type: 'text',
  text: `[content nested more than ${MAX_ADF_DEPTH} levels deep is not shown]`,
};

/**
 * A copy of `root` in which nodes deeper than {@link MAX_ADF_DEPTH} are
 * replaced by one {@link TOO_DEEP} note each. Jira stores whatever ADF a
 * client sent; the renderer below is recursive, so depth must be bounded
 * before it runs. Iterative and linear in the number of nodes.
 */
function boundDepth(root: AdfNode): AdfNode {
  const copy: AdfNode = { ...root };
  const stack: { node: AdfNode; depth: number }[] = [{ node: copy, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (!Array.isArray(node.content)) continue;
    if (depth >= MAX_ADF_DEPTH) {
      // A list's children are items: the note goes in one, or a list would drop it.
      const isList = node.type === 'bulletList' || node.type === 'orderedList';
      const note: AdfNode = isList ? { type: 'listItem', content: [TOO_DEEP] } : TOO_DEEP;
      node.content = node.content.length > 0 ? [note] : [];
      continue;
    }
    node.content = childrenOf(node).map((child) => {
      const inner: AdfNode = { ...child };
      stack.push({ node: inner, depth: depth + 1 });
      return inner;
    });
  }
  return copy;
}

/** The largest of `values`, 0 for none; a loop, because spreading a long array overflows the stack. */
function maxOf(values: Iterable<number>): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}

/** Prefixes every non-empty line; the first line always gets `firstPrefix` (a list marker). */
function indent(text: string, prefix: string, firstPrefix = prefix): string {
  return text
    .split('\n')
    .map((line, i) => {
      if (i === 0) return `${firstPrefix}${line}`.trimEnd();
      return line === '' ? '' : `${prefix}${line}`;
    })
    .join('\n');
}

function paragraph(nodes: readonly AdfNode[]): string {
  return renderInline(nodes)
    .split('\n')
    .map((line) => escapeLineStart(line.trim()))
    .join('\n')
    .trim();
}

function heading(node: AdfNode): string {
  const raw = node.attrs?.['level'];
  const level = typeof raw === 'number' && raw >= 1 && raw <= 6 ? Math.floor(raw) : 1;
  // A trailing run of `#` would be read as the optional closing sequence.
  const text = renderInline(childrenOf(node), { inHeading: true })
    .trim()
    .replace(/(\s)(#+)$/, '$1\\$2');
  return text === '' ? '' : `${'#'.repeat(level)} ${text}`;
}

function plainText(node: AdfNode): string {
  if (typeof node.text === 'string') return node.text;
  return childrenOf(node).map(plainText).join('');
}

function codeBlock(node: AdfNode): string {
  const text = plainText(node);
  const longest = maxOf(Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const language = stringAttr(node, 'language') ?? '';
  const info = /^[\w+#.-]{1,40}$/.test(language) ? language : '';
  return `${fence}${info}\n${text === '' ? '' : `${text}\n`}${fence}`;
}

interface ListStyle {
  bullet: '-' | '*';
  delimiter: '.' | ')';
}

function list(node: AdfNode, style: ListStyle): string {
  const ordered = node.type === 'orderedList';
  const rawStart = node.attrs?.['order'];
  const start = typeof rawStart === 'number' && rawStart >= 0 ? Math.floor(rawStart) : 1;
  return childrenOf(node)
    .map((item, i) => {
      const marker = ordered ? `${start + i}${style.delimiter}` : style.bullet;
      const pad = ' '.repeat(marker.length + 1);
      return indent(blocks(childrenOf(item), true), pad, `${marker} `);
    })
    .join('\n');
}

function taskList(node: AdfNode): string {
  const lines: string[] = [];
  for (const child of childrenOf(node)) {
    if (child.type === 'taskList') {
      lines.push(indent(taskList(child), '  '));
      continue;
    }
    const box = stringAttr(child, 'state') === 'DONE' ? '[x]' : '[ ]';
    const text = paragraph(child.type === 'blockTaskItem' ? inlineOf(child) : childrenOf(child));
    lines.push(indent(text, '  ', `- ${box} `));
  }
  return lines.join('\n');
}

function decisionList(node: AdfNode): string {
  return childrenOf(node)
    .map((item) => indent(paragraph(childrenOf(item)), '  ', '- '))
    .join('\n');
}

/** All inline content under a node, blocks joined by hard breaks. */
function inlineOf(node: AdfNode): AdfNode[] {
  const out: AdfNode[] = [];
  for (const child of childrenOf(node)) {
    if (isInline(child)) {
      out.push(child);
    } else {
      if (out.length > 0) out.push({ type: 'hardBreak' });
      out.push(...inlineOf(child));
    }
  }
  return out;
}

function table(node: AdfNode): string {
  const rows = childrenOf(node)
    .filter((row) => row.type === 'tableRow')
    .map((row) =>
      childrenOf(row).map((cell) =>
        renderInline(inlineOf(cell), { inTable: true }).trim().replace(/\|/g, '\\|'),
      ),
    );
  const width = maxOf(rows.map((r) => r.length));
  if (width === 0) return '';
  // Short rows are padded to the widest; past the cell bound they stay short
  // (GFM pads them when reading), so the output stays linear in the input.
  const pad = width * rows.length <= MAX_TABLE_CELLS;
  const line = (cells: readonly string[]): string =>
    `|${Array.from({ length: pad ? width : Math.max(cells.length, 1) }, (_, i) => cells[i] ?? '')
      .map((c) => (c === '' ? ' ' : ` ${c} `))
      .join('|')}|`;
  const [header = [], ...body] = rows;
  return [line(header), line(Array<string>(width).fill('---')), ...body.map(line)].join('\n');
}

function media(node: AdfNode): string {
  const parts: string[] = [];
  for (const child of childrenOf(node)) {
    if (child.type === 'media' || child.type === 'mediaInline') {
      const alt = stringAttr(child, 'alt');
      const url = stringAttr(child, 'url');
      if (stringAttr(child, 'type') === 'external' && url !== undefined) {
        parts.push(`[image: ${autolink(url)}]`);
      } else {
        parts.push(alt === undefined ? '[attachment]' : `[attachment: ${escapeText(alt)}]`);
      }
    } else if (child.type === 'caption') {
      parts.push(renderInline(childrenOf(child)));
    }
  }
  return parts.join(' ');
}

function quote(inner: string): string {
  return inner
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

function block(node: AdfNode, style: ListStyle): string {
  switch (node.type) {
    case 'paragraph':
      return paragraph(childrenOf(node));
    case 'heading':
      return heading(node);
    case 'codeBlock':
      return codeBlock(node);
    case 'bulletList':
    case 'orderedList':
      return list(node, style);
    case 'taskList':
      return taskList(node);
    case 'decisionList':
      return decisionList(node);
    case 'blockquote':
      return quote(blocks(childrenOf(node)));
    case 'panel': {
      const label = PANEL_LABELS[stringAttr(node, 'panelType') ?? ''];
      const inner = blocks(childrenOf(node));
      return quote(label === undefined ? inner : `**${label}:**\n\n${inner}`);
    }
    case 'rule':
      return '---';
    case 'table':
      return table(node);
    case 'mediaSingle':
    case 'mediaGroup':
      return media(node);
    case 'blockCard':
    case 'embedCard': {
      const url = stringAttr(node, 'url');
      return url === undefined ? '' : autolink(url);
    }
    case 'expand':
    case 'nestedExpand': {
      const title = stringAttr(node, 'title');
      const inner = blocks(childrenOf(node));
      return title === undefined || title === ''
        ? inner
        : `**${escapeText(title)}**\n\n${inner}`.trim();
    }
    default:
      // Unknown block (layouts, extensions, future nodes): its content.
      if (isInline(node)) return paragraph([node]);
      if (childrenOf(node).length > 0) return blocks(childrenOf(node));
      return escapeText(stringAttr(node, 'text') ?? '');
  }
}

/**
 * Renders block nodes separated by blank lines; adjacent lists get distinct
 * markers. In a list item (`inItem`) a sub-list right after the item's text
 * follows on the next line, the way people write nested lists.
 */
function blocks(nodes: readonly AdfNode[], inItem = false): string {
  const out: { text: string; type: string }[] = [];
  let run: AdfNode[] = [];
  let previousType: string | undefined;
  let style: ListStyle = { bullet: '-', delimiter: '.' };
  const flushInline = (): void => {
    if (run.length > 0) out.push({ text: paragraph(run), type: 'paragraph' });
    run = [];
  };
  for (const node of nodes) {
    if (isInline(node)) {
      run.push(node);
      continue;
    }
    flushInline();
    // Two lists of one kind in a row would merge into one list; CommonMark
    // starts a new list when the bullet or delimiter character changes.
    if (node.type === previousType && node.type === 'bulletList') {
      style = { ...style, bullet: style.bullet === '-' ? '*' : '-' };
    } else if (node.type === previousType && node.type === 'orderedList') {
      style = { ...style, delimiter: style.delimiter === '.' ? ')' : '.' };
    } else {
      style = { bullet: '-', delimiter: '.' };
    }
    out.push({ text: block(node, style), type: node.type });
    previousType = node.type;
  }
  flushInline();
  // Empty blocks vanish, except an item's empty first paragraph, which keeps
  // a sub-list from becoming the item's first line.
  const kept = out.filter((b, i) => b.text !== '' || (inItem && i === 0));
  let text = '';
  kept.forEach((b, i) => {
    const before = kept[i - 1];
    if (before !== undefined) {
      const tight = inItem && i === 1 && before.type === 'paragraph' && b.type.endsWith('List');
      text += tight ? '\n' : '\n\n';
    }
    text += b.text;
  });
  return text;
}

/**
 * Renders an ADF document (or any ADF node) as Markdown. Accepts `unknown`
 * because it reads what Jira returns: a string (API v2 style) is returned
 * as is, anything that is not ADF yields `''`. Content nested deeper than
 * `MAX_ADF_DEPTH` nodes is replaced by a note; the work is linear in the
 * document's size for a bounded depth.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function adfToMarkdown(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (!isAdfNode(doc)) return '';
  const bounded = boundDepth(doc);
  const nodes = bounded.type === 'doc' ? childrenOf(bounded) : [bounded];
  try {
    return blocks(nodes);
  } finally {
    inlineMemo = new Map();
  }
}
