/**
 * A structural ADF checker for tests: the node types, content rules, marks
 * and required attributes of the ADF JSON schema that the converters can
 * produce. Returns one message per violation, with a JSON-pointer-ish path.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */

type Json = Record<string, unknown>;

const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status']);
const TOP_BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'bulletList',
  'orderedList',
  'taskList',
  'blockquote',
  'panel',
  'rule',
  'table',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'blockCard',
]);
const CELL_BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'bulletList',
  'orderedList',
  'taskList',
  'blockquote',
  'panel',
  'rule',
  'mediaGroup',
  'mediaSingle',
]);

interface Rule {
  /** Allowed child types; undefined means no content allowed. */
  children?: ReadonlySet<string>;
  /** Allowed first child types, when stricter. */
  first?: ReadonlySet<string>;
  minChildren?: number;
  attrs?: (attrs: Json | undefined) => string | undefined;
}

const RULES: Record<string, Rule> = {
  paragraph: { children: INLINE },
  heading: {
    children: INLINE,
    attrs: (a) =>
      typeof a?.['level'] === 'number' &&
      Number.isInteger(a['level']) &&
      a['level'] >= 1 &&
      a['level'] <= 6
        ? undefined
        : 'heading needs attrs.level 1..6',
  },
  codeBlock: {
    children: new Set(['text']),
    attrs: (a) =>
      a === undefined || a['language'] === undefined || typeof a['language'] === 'string'
        ? undefined
        : 'codeBlock attrs.language must be a string',
  },
  bulletList: { children: new Set(['listItem']), minChildren: 1 },
  orderedList: {
    children: new Set(['listItem']),
    minChildren: 1,
    attrs: (a) =>
      a === undefined ||
      a['order'] === undefined ||
      (typeof a['order'] === 'number' && Number.isInteger(a['order']) && a['order'] >= 0)
        ? undefined
        : 'orderedList attrs.order must be an integer >= 0',
  },
  listItem: {
    children: new Set([
      'paragraph',
      'bulletList',
      'orderedList',
      'taskList',
      'codeBlock',
      'mediaSingle',
    ]),
    first: new Set(['paragraph', 'codeBlock', 'mediaSingle']),
    minChildren: 1,
  },
  taskList: {
    children: new Set(['taskItem', 'taskList']),
    first: new Set(['taskItem']),
    minChildren: 1,
    attrs: (a) => (typeof a?.['localId'] === 'string' ? undefined : 'taskList needs attrs.localId'),
  },
  taskItem: {
    children: INLINE,
    attrs: (a) =>
      typeof a?.['localId'] === 'string' && (a['state'] === 'TODO' || a['state'] === 'DONE')
        ? undefined
        : 'taskItem needs attrs.localId and state TODO|DONE',
  },
  blockquote: {
    children: new Set([
      'paragraph',
      'bulletList',
      'orderedList',
      'codeBlock',
      'mediaGroup',
      'mediaSingle',
    ]),
    minChildren: 1,
  },
  rule: {},
  hardBreak: {},
  table: { children: new Set(['tableRow']), minChildren: 1 },
  tableRow: { children: new Set(['tableHeader', 'tableCell']), minChildren: 1 },
  tableHeader: { children: CELL_BLOCKS, minChildren: 1 },
  tableCell: { children: CELL_BLOCKS, minChildren: 1 },
};

const MARKS = new Set([
  'strong',
  'em',
  'strike',
  'code',
  'link',
  'underline',
  'textColor',
  'subsup',
]);

function checkText(node: Json, at: string, problems: string[], inCode: boolean): void {
  if (typeof node['text'] !== 'string' || node['text'] === '')
    problems.push(`${at}: text must be non-empty`);
  const marks = node['marks'];
  if (marks === undefined) return;
  if (!Array.isArray(marks)) {
    problems.push(`${at}: marks must be an array`);
    return;
  }
  if (inCode && marks.length > 0) problems.push(`${at}: text in codeBlock cannot have marks`);
  const types = marks.map((m: unknown) => (m as Json)['type']);
  if (new Set(types).size !== types.length) problems.push(`${at}: duplicate marks`);
  for (const [i, mark] of (marks as Json[]).entries()) {
    const type = mark['type'];
    if (typeof type !== 'string' || !MARKS.has(type))
      problems.push(`${at}/marks/${i}: unknown mark ${String(type)}`);
    if (type === 'link' && typeof (mark['attrs'] as Json | undefined)?.['href'] !== 'string') {
      problems.push(`${at}/marks/${i}: link needs attrs.href`);
    }
  }
  if (types.includes('code') && types.some((t) => t !== 'code' && t !== 'link')) {
    problems.push(`${at}: code can only be combined with link`);
  }
}

function checkNode(node: unknown, at: string, problems: string[], parent: string): void {
  if (typeof node !== 'object' || node === null) {
    problems.push(`${at}: not an object`);
    return;
  }
  const n = node as Json;
  const type = n['type'];
  if (typeof type !== 'string') {
    problems.push(`${at}: missing type`);
    return;
  }
  for (const key of Object.keys(n)) {
    if (!['type', 'attrs', 'content', 'marks', 'text'].includes(key))
      problems.push(`${at}: unexpected key ${key}`);
  }
  if (type === 'text') {
    checkText(n, at, problems, parent === 'codeBlock');
    return;
  }
  if (n['text'] !== undefined || n['marks'] !== undefined)
    problems.push(`${at}: only text nodes carry text/marks`);
  const rule = RULES[type];
  if (rule === undefined) {
    problems.push(`${at}: unexpected node type ${type}`);
    return;
  }
  const attrsProblem = rule.attrs?.(n['attrs'] as Json | undefined);
  if (attrsProblem !== undefined) problems.push(`${at}: ${attrsProblem}`);
  const content = n['content'];
  if (content === undefined) {
    if ((rule.minChildren ?? 0) > 0) problems.push(`${at}: ${type} needs content`);
    return;
  }
  if (!Array.isArray(content)) {
    problems.push(`${at}: content must be an array`);
    return;
  }
  if (rule.children === undefined && content.length > 0)
    problems.push(`${at}: ${type} cannot have content`);
  if (content.length < (rule.minChildren ?? 0))
    problems.push(`${at}: ${type} needs at least ${rule.minChildren} children`);
  for (const [i, child] of (content as unknown[]).entries()) {
    const childType = (child as Json | null)?.['type'];
    const allowed = i === 0 && rule.first !== undefined ? rule.first : rule.children;
    if (typeof childType === 'string' && allowed !== undefined && !allowed.has(childType)) {
      problems.push(
        `${at}/content/${i}: ${childType} not allowed ${i === 0 && rule.first ? 'first ' : ''}in ${type}`,
      );
    }
    checkNode(child, `${at}/content/${i}`, problems, type);
  }
}

/** Every rule violation in `doc`; empty when it is valid ADF. */
export function adfProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const d = doc as Json | null;
  if (typeof d !== 'object' || d === null) return ['doc: not an object'];
  if (d['version'] !== 1) problems.push('doc: version must be 1');
  if (d['type'] !== 'doc') problems.push('doc: type must be doc');
  const content = d['content'];
  if (!Array.isArray(content)) return [...problems, 'doc: content must be an array'];
  for (const [i, child] of (content as unknown[]).entries()) {
    const type = (child as Json | null)?.['type'];
    if (typeof type === 'string' && !TOP_BLOCKS.has(type))
      problems.push(`/content/${i}: ${type} not allowed in doc`);
    checkNode(child, `/content/${i}`, problems, 'doc');
  }
  return problems;
}
