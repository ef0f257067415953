/**
 * Markdown → ADF, for descriptions, comments and worklog notes a model
 * writes. No dependency: a small CommonMark/GFM subset parser that always
 * yields a valid ADF document.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
import { parseBlocks } from './parse-blocks.js';
import { adfDoc, type AdfDoc } from './types.js';

/**
 * Converts Markdown to an ADF document (`version: 1`, `type: 'doc'`):
 * headings, paragraphs, strong/em/strike/code, fenced code with language,
 * nested bullet/ordered/task lists, links (http, https and mailto only),
 * blockquotes, rules, GFM tables and hard breaks (every line end is one).
 * @see CommonMark 0.31.2; GFM 0.29 §4.10, §5.3, §6.5
 */
export function markdownToAdf(markdown: string): AdfDoc {
  let counter = 0;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const content = parseBlocks(lines, { nextId: () => `task-${++counter}`, depth: 0 });
  return adfDoc(content);
}
