/**
 * The ADF content rules Markdown can break: a list item must start with a
 * paragraph or code block and may not hold headings, quotes, rules or
 * tables; a quote may hold only paragraphs, lists and code. Markdown that
 * nests those anyway is reshaped (a heading becomes a bold paragraph, a
 * nested quote is unwrapped) rather than sent to Jira to be rejected.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/listItem/
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/blockquote/
 */
import type { AdfMark, AdfNode } from './types.js';

const LIST_ITEM_CHILDREN = new Set([
  'paragraph',
  'bulletList',
  'orderedList',
  'taskList',
  'codeBlock',
]);
const LIST_ITEM_FIRST = new Set(['paragraph', 'codeBlock']);
const BLOCKQUOTE_CHILDREN = new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']);

function emptyParagraph(): AdfNode {
  return { type: 'paragraph', content: [] };
}

function bold(inline: readonly AdfNode[]): AdfNode[] {
  return inline.map((node) => {
    const marks = node.marks ?? [];
    if (node.type !== 'text' || marks.some((m) => m.type === 'code' || m.type === 'strong')) {
      return node;
    }
    const withStrong: AdfMark[] = [...marks, { type: 'strong' }];
    return { ...node, marks: withStrong };
  });
}

/** Rewrites one block that `allowed` does not permit into blocks it does. */
function reshape(node: AdfNode, allowed: ReadonlySet<string>): AdfNode[] {
  switch (node.type) {
    case 'heading':
      return [{ type: 'paragraph', content: bold(node.content ?? []) }];
    case 'blockquote':
      return fit(node.content ?? [], allowed);
    case 'rule':
      return [];
    case 'table':
      // One paragraph per row, cells separated by " | ".
      return (node.content ?? []).map((row) => {
        const content: AdfNode[] = [];
        for (const [i, cell] of (row.content ?? []).entries()) {
          if (i > 0) content.push({ type: 'text', text: ' | ' });
          for (const block of cell.content ?? []) content.push(...(block.content ?? []));
        }
        return { type: 'paragraph', content };
      });
    case 'taskList':
      return [
        {
          type: 'bulletList',
          content: (node.content ?? []).map((item) => ({
            type: 'listItem',
            content:
              item.type === 'taskItem'
                ? [
                    {
                      type: 'paragraph',
                      content: [
                        { type: 'text', text: item.attrs?.['state'] === 'DONE' ? '[x] ' : '[ ] ' },
                        ...(item.content ?? []),
                      ],
                    },
                  ]
                : fitListItem(reshape(item, LIST_ITEM_CHILDREN)),
          })),
        },
      ];
    default:
      return [{ type: 'paragraph', content: [] }];
  }
}

function fit(nodes: readonly AdfNode[], allowed: ReadonlySet<string>): AdfNode[] {
  return nodes.flatMap((node) => (allowed.has(node.type) ? [node] : reshape(node, allowed)));
}

/**
 * Makes block nodes valid as the content of a `listItem`.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/listItem/
 */
export function fitListItem(nodes: readonly AdfNode[]): AdfNode[] {
  const content = fit(nodes, LIST_ITEM_CHILDREN);
  const first = content[0];
  if (first === undefined || !LIST_ITEM_FIRST.has(first.type)) content.unshift(emptyParagraph());
  return content;
}

/**
 * Makes block nodes valid as the content of a `blockquote` (never empty).
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/nodes/blockquote/
 */
export function fitBlockquote(nodes: readonly AdfNode[]): AdfNode[] {
  const content = fit(nodes, BLOCKQUOTE_CHILDREN);
  return content.length > 0 ? content : [emptyParagraph()];
}
