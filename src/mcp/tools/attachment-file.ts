/**
 * What the attachment tools decide about a file before touching Jira: how
 * its MIME type is shown (image, text, or a link), whether a file name is
 * safe, and how base64 content decodes. Pure functions, no I/O.
 */

/** Images an MCP client can render: MCP image content with these types. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/x-yaml',
  'application/yaml',
  'application/javascript',
  'application/x-sh',
  'application/sql',
  'application/csv',
]);

/** The default ATTACHMENT_MAX_BYTES (5 MiB). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** How a file of this MIME type is returned to the model. */
export function attachmentKind(mimeType: string | undefined): 'image' | 'text' | 'link' {
  const type = (mimeType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (IMAGE_TYPES.has(type)) return 'image';
  if (
    type.startsWith('text/') ||
    TEXT_TYPES.has(type) ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  ) {
    return 'text';
  }
  return 'link';
}

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  html: 'text/html',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** A MIME type for an upload from its file name's extension, else by encoding. */
export function guessMimeType(fileName: string, encoding: 'text' | 'base64'): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const known = extension === undefined ? undefined : EXTENSION_TYPES[extension];
  return known ?? (encoding === 'text' ? 'text/plain' : 'application/octet-stream');
}

/**
 * Why a file name is refused, or undefined when it is a plain name: no
 * directory parts (`/`, `\`), no `.`/`..`, no control characters. Jira
 * keeps the name as given; refusing paths keeps a model from implying one.
 */
export function fileNameProblem(fileName: string): string | undefined {
  if (fileName.trim() === '') return 'The file name is empty.';
  if (/[/\\]/.test(fileName)) {
    return `The file name "${fileName}" looks like a path; give a plain name such as "notes.txt".`;
  }
  if (fileName === '.' || fileName === '..') return `"${fileName}" is not a file name.`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(fileName)) {
    return 'The file name contains control characters.';
  }
  return undefined;
}

/**
 * Strict base64 (RFC 4648 §4; whitespace between lines allowed): the bytes,
 * or undefined when it is not base64 at all. Node's decoder silently skips
 * bad characters, so the text is checked first.
 * @see RFC 4648 §4
 */
export function decodeBase64(content: string): Uint8Array | undefined {
  const compact = content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** A fence longer than any run of backticks in `text`, so the text cannot close it. */
export function fenceFor(text: string): string {
  // A loop, not Math.max(...runs): a text attachment of a few megabytes can
  // hold more backtick runs than a call may take arguments (RangeError).
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The attachment's URL on the Jira site for a link: only http(s), without
 * user info, query or fragment, so nothing secret can ride along.
 */
export function safeLink(content: string | undefined): string | null {
  if (content === undefined || !URL.canParse(content)) return null;
  const url = new URL(content);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return `${url.origin}${url.pathname}`;
}
