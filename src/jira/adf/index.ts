export { adfToMarkdown } from './to-markdown.js';
export { markdownToAdf } from './from-markdown.js';
export { adfDoc, isAdfNode, type AdfDoc, type AdfMark, type AdfNode } from './types.js';
export { MarkdownLimitError, MAX_NESTING, type MarkdownLimit } from './limits.js';
