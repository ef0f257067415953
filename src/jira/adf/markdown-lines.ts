/**
 * Line classification shared by the block parsers: indentation (tabs to
 * multiples of 4), blank lines, list markers and the lines that open a
 * block and so end a paragraph.
 * @see CommonMark 0.31.2 §2.2 (tabs), §4, §5.2 (list items)
 */

export const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
export const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
export const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
export const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_MARKER = /^( *)([-+*]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;

/** A list item marker and where the item's content starts. */
export interface Marker {
  indent: number;
  ordered: boolean;
  /** `-`, `+`, `*`, `.` or `)`: a change starts a new list. */
  kind: string;
  start: number;
  contentIndent: number;
  rest: string;
}

/**
 * A line of only whitespace.
 * @see CommonMark 0.31.2 §4.9
 */
export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/**
 * Leading indentation width in columns.
 * @see CommonMark 0.31.2 §2.2
 */
export function indentOf(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width++;
    else if (ch === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

/**
 * Removes `n` columns of indentation (tabs count to the next multiple of 4).
 * @see CommonMark 0.31.2 §2.2
 */
export function stripIndent(line: string, n: number): string {
  let width = 0;
  let i = 0;
  while (i < line.length && width < n) {
    const ch = line[i];
    if (ch === ' ') width++;
    else if (ch === '\t') width += 4 - (width % 4);
    else break;
    i++;
  }
  return ' '.repeat(Math.max(0, width - n)) + line.slice(i);
}

/**
 * The list marker that opens `line`, if any.
 * @see CommonMark 0.31.2 §5.2
 */
export function marker(line: string): Marker | undefined {
  const m = LIST_MARKER.exec(line);
  const [, lead = '', token = '', spaces, rest = ''] = m ?? [];
  if (m === null || lead.length > 3) return undefined;
  // Thematic breaks (`- - -`, `* * *`) look like bullets; they win.
  if (RULE.test(line)) return undefined;
  const ordered = /^\d/.test(token);
  const gap = spaces === undefined ? 1 : indentOf(spaces) > 4 || rest === '' ? 1 : indentOf(spaces);
  return {
    indent: lead.length,
    ordered,
    kind: ordered ? token.slice(-1) : token,
    start: ordered ? Number.parseInt(token, 10) : 1,
    contentIndent: lead.length + token.length + gap,
    rest: spaces === undefined ? '' : stripIndent(spaces, gap) + rest,
  };
}

/**
 * A line that opens a block, and so cannot continue a paragraph lazily.
 * @see CommonMark 0.31.2 §4.8
 */
export function startsBlock(line: string): boolean {
  return (
    FENCE_OPEN.test(line) ||
    ATX.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    marker(line) !== undefined
  );
}
