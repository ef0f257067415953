/**
 * Bullet, ordered and task lists, nested by indentation. A sub-list
 * indented less than CommonMark asks is still nested, because people (and
 * models) write `1. a` then two spaces and `- b`.
 * @see CommonMark 0.31.2 §5.2, §5.3; GFM 0.29 §5.3 (task list items)
 */
import {
  indentOf,
  isBlank,
  marker,
  startsBlock,
  stripIndent,
  type Marker,
} from './markdown-lines.js';
import { assertNesting } from './limits.js';
import { fitListItem } from './rules.js';
import type { AdfNode } from './types.js';

const TASK = /^\[([ xX])\](?:[ \t]+|$)/;

/** Per-document state: task list ids must be unique within a document. */
export interface BlockContext {
  nextId: () => string;
  /** Containers (quotes, list items) around the lines being parsed; 0 at the top. */
  depth: number;
}

/** Parses a container's lines into blocks; passed in to parse item content. */
export type ParseBlocks = (lines: readonly string[], ctx: BlockContext) => AdfNode[];

interface Item {
  lines: string[];
  task: 'TODO' | 'DONE' | undefined;
}

/**
 * Parses the list starting at `from`; returns it and the index after it.
 * @see CommonMark 0.31.2 §5.2, §5.3
 */
export function parseList(
  lines: readonly string[],
  from: number,
  ctx: BlockContext,
  parseBlocks: ParseBlocks,
): { node: AdfNode; next: number } {
  const first = marker(lines[from] ?? '');
  if (first === undefined) throw new Error('list() called on a non-list line');
  const items: Item[] = [];
  let i = from;
  while (i < lines.length) {
    const m = marker(lines[i] ?? '');
    if (m === undefined || m.kind !== first.kind || m.indent >= first.contentIndent) break;
    const task = m.ordered ? null : TASK.exec(m.rest);
    const item: Item = {
      lines: m.rest === '' ? [] : [task === null ? m.rest : m.rest.slice(task[0].length)],
      task: task === null ? undefined : task[1] === ' ' ? 'TODO' : 'DONE',
    };
    i++;
    while (i < lines.length) {
      const line = lines[i] ?? '';
      if (isBlank(line)) {
        let j = i;
        while (j < lines.length && isBlank(lines[j] ?? '')) j++;
        if (j < lines.length && indentOf(lines[j] ?? '') >= m.contentIndent) {
          for (; i < j; i++) item.lines.push('');
          continue;
        }
        break;
      }
      const width = indentOf(line);
      const last = item.lines[item.lines.length - 1];
      if (width >= m.contentIndent) {
        item.lines.push(stripIndent(line, m.contentIndent));
      } else if (width > m.indent && marker(line) !== undefined) {
        // A sub-list indented less than CommonMark asks (2 spaces under `1.`): still nested.
        item.lines.push(stripIndent(line, width));
      } else if (last !== undefined && !isBlank(last) && !startsBlock(line)) {
        item.lines.push(line.trimStart()); // lazy paragraph continuation
      } else {
        break;
      }
      i++;
    }
    items.push(item);
    let k = i;
    while (k < lines.length && isBlank(lines[k] ?? '')) k++;
    const again = marker(lines[k] ?? '');
    if (again === undefined || again.kind !== first.kind || again.indent >= first.contentIndent) {
      break;
    }
    i = k;
  }
  return { node: listNode(first, items, ctx, parseBlocks), next: i };
}

function listNode(
  first: Marker,
  items: readonly Item[],
  ctx: BlockContext,
  parseBlocks: ParseBlocks,
): AdfNode {
  const depth = ctx.depth + 1;
  assertNesting(depth, 'quotes and lists');
  const parsed = items.map((item) => parseBlocks(item.lines, { ...ctx, depth }));
  const asTasks = !first.ordered && items.every((item) => item.task !== undefined);
  if (asTasks) {
    const tasks = taskList(items, parsed, ctx);
    if (tasks !== undefined) return tasks;
  }
  const content = items.map((item, k) => {
    const blocks = parsed[k] ?? [];
    if (item.task !== undefined) {
      // Not every item is a task: keep the box as text.
      const box: AdfNode = { type: 'text', text: item.task === 'DONE' ? '[x] ' : '[ ] ' };
      const head = blocks[0];
      if (head?.type === 'paragraph') head.content = [box, ...(head.content ?? [])];
      else blocks.unshift({ type: 'paragraph', content: [box] });
    }
    return { type: 'listItem', content: fitListItem(blocks) };
  });
  return first.ordered
    ? { type: 'orderedList', attrs: { order: first.start }, content }
    : { type: 'bulletList', content };
}

/** A task list when every item is a box with one paragraph and optional sub-task lists. */
function taskList(
  items: readonly Item[],
  parsed: readonly AdfNode[][],
  ctx: BlockContext,
): AdfNode | undefined {
  const content: AdfNode[] = [];
  for (const [k, item] of items.entries()) {
    const [head, ...rest] = parsed[k] ?? [];
    if (head !== undefined && head.type !== 'paragraph') return undefined;
    if (rest.some((b) => b.type !== 'taskList')) return undefined;
    content.push({
      type: 'taskItem',
      attrs: { localId: ctx.nextId(), state: item.task ?? 'TODO' },
      content: head?.content ?? [],
    });
    content.push(...rest);
  }
  return { type: 'taskList', attrs: { localId: ctx.nextId() }, content };
}
