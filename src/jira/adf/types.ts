/**
 * Atlassian Document Format: the JSON rich-text format of Jira Cloud
 * descriptions, comments and worklog comments.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: AdfMark[];
  text?: string;
}

/** The root node: always `version: 1`, `type: 'doc'`. */
export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

/**
 * A node-shaped value (`{ type: string, … }`); Jira content is read defensively.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function isAdfNode(value: unknown): value is AdfNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * The node's children that are themselves node-shaped.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function childrenOf(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? node.content.filter(isAdfNode) : [];
}

/**
 * The node's marks that are mark-shaped.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function marksOf(node: AdfNode): AdfMark[] {
  // Typed as AdfMark[], but read from Jira: check every element anyway.
  const marks: unknown = node.marks;
  return Array.isArray(marks) ? marks.filter((m: unknown): m is AdfMark => isAdfNode(m)) : [];
}

/**
 * A string attribute, or undefined.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function stringAttr(node: AdfNode | AdfMark, name: string): string | undefined {
  const value = node.attrs?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A wrapper `doc` around block nodes.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function adfDoc(content: AdfNode[]): AdfDoc {
  return { version: 1, type: 'doc', content };
}
