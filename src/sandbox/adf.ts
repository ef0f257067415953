/**
 * Atlassian Document Format: the rich-text JSON that REST v3 uses for
 * descriptions, comments and worklog comments. The sandbox checks only the
 * envelope Jira itself insists on (`{type:"doc", version:1, content:[…]}`
 * with well-formed nodes) and stores the document exactly as sent.
 */
import { z } from 'zod';

const AdfMarkSchema = z.looseObject({
  type: z.string(),
  attrs: z.record(z.string(), z.unknown()).optional(),
});

const AdfNodeSchema = z.looseObject({
  type: z.string().min(1),
  text: z.string().optional(),
  attrs: z.record(z.string(), z.unknown()).optional(),
  marks: z.array(AdfMarkSchema).optional(),
  get content(): z.ZodOptional<z.ZodArray<typeof AdfNodeSchema>> {
    return z.array(AdfNodeSchema).optional();
  },
});

const AdfDocSchema = z.looseObject({
  type: z.literal('doc'),
  version: z.literal(1),
  content: z.array(AdfNodeSchema),
});

export type AdfMark = z.infer<typeof AdfMarkSchema>;
export type AdfNode = z.infer<typeof AdfNodeSchema>;
export type AdfDoc = z.infer<typeof AdfDocSchema>;

/** Jira's wording when a v3 rich-text field is not an ADF document. */
export const NOT_ADF_MESSAGE =
  'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

/**
 * The value as an ADF document, or undefined when it is not one.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function parseAdfDoc(value: unknown): AdfDoc | undefined {
  const result = AdfDocSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

/**
 * Plain text of a document or node: what `text ~`, `summary ~` and friends
 * search. Block nodes end with a newline so words never run together.
 */
export function adfToText(node: AdfNode | AdfDoc): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'mention') {
    const label = node.attrs?.['text'];
    return typeof label === 'string' ? label : '';
  }
  if (node.type === 'hardBreak') return '\n';
  const inner = (node.content ?? []).map((child) => adfToText(child)).join('');
  return INLINE_CONTAINERS.has(node.type) ? `${inner}\n` : inner;
}

const INLINE_CONTAINERS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'tableCell',
  'tableHeader',
]);

// Builders for the seed data; they produce exactly what Jira's editor saves.

/** A document from block nodes. */
export function doc(...content: AdfNode[]): AdfDoc {
  return { type: 'doc', version: 1, content };
}

/** Plain or marked text. */
export function text(value: string, ...marks: AdfMark[]): AdfNode {
  return marks.length === 0 ? { type: 'text', text: value } : { type: 'text', text: value, marks };
}

/** A paragraph; strings become plain text nodes. */
export function paragraph(...content: (string | AdfNode)[]): AdfNode {
  return { type: 'paragraph', content: content.map((c) => (typeof c === 'string' ? text(c) : c)) };
}

/** A heading of level 1–6. */
export function heading(level: number, value: string): AdfNode {
  return { type: 'heading', attrs: { level }, content: [text(value)] };
}

/** A bullet list, one paragraph per item. */
export function bulletList(...items: (string | AdfNode)[][]): AdfNode {
  return { type: 'bulletList', content: items.map((item) => listItem(item)) };
}

/** An ordered list, one paragraph per item. */
export function orderedList(...items: (string | AdfNode)[][]): AdfNode {
  return { type: 'orderedList', attrs: { order: 1 }, content: items.map((item) => listItem(item)) };
}

function listItem(item: (string | AdfNode)[]): AdfNode {
  return { type: 'listItem', content: [paragraph(...item)] };
}

/** A fenced code block. */
export function codeBlock(language: string, value: string): AdfNode {
  return { type: 'codeBlock', attrs: { language }, content: [text(value)] };
}

/** Bold text. */
export function strong(value: string): AdfNode {
  return text(value, { type: 'strong' });
}

/** Inline code. */
export function inlineCode(value: string): AdfNode {
  return text(value, { type: 'code' });
}

/** A hyperlink. */
export function link(value: string, href: string): AdfNode {
  return text(value, { type: 'link', attrs: { href } });
}

/** An @mention of a user. */
export function mention(accountId: string, displayName: string): AdfNode {
  return { type: 'mention', attrs: { id: accountId, text: `@${displayName}`, accessLevel: '' } };
}

/** A table whose first row is a header row. */
export function table(header: string[], ...rows: string[][]): AdfNode {
  const row = (cells: string[], cellType: string): AdfNode => ({
    type: 'tableRow',
    content: cells.map((cell) => ({ type: cellType, attrs: {}, content: [paragraph(cell)] })),
  });
  return {
    type: 'table',
    attrs: { isNumberColumnEnabled: false, layout: 'default' },
    content: [row(header, 'tableHeader'), ...rows.map((r) => row(r, 'tableCell'))],
  };
}
