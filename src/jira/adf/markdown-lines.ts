/**
 * Line classification shared by the block parsers: indentation (tabs to
 * multiples of 4), blank lines, list markers and the lines that open a
 * block and so end a paragraph.
 * @see CommonMark 0.31.2 §2.2 (tabs), §4, §5.2 (list items)
 */

/**
 * A fence opener: no backtick anywhere after the fence, the info string's
 * first word in group 3. The negative lookahead replaces a trailing
 * `[^`]*$` that backtracked quadratically against `([^\s`]*)`.
 */
export const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(?![^`]*`)[ \t]*([^\s`]*)/;
/** The start of an ATX heading; {@link atxHeading} reads the rest. */
export const ATX = /^ {0,3}#{1,6}(?=[ \t]|$)/;
export const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
export const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_MARKER = /^( *)([-+*]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;

const ATX_OPEN = /^ {0,3}(#{1,6})(?=[ \t]|$)/;

function isSpaceOrTab(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/**
 * An ATX heading's level and text, without its optional closing `#`
 * sequence. A scan rather than one regular expression: a lazy text group
 * followed by optional spaces and `#`s backtracks quadratically over long
 * runs of spaces.
 * @see CommonMark 0.31.2 §4.2
 */
export function atxHeading(line: string): { level: number; text: string } | undefined {
  const open = ATX_OPEN.exec(line);
  if (open === null) return undefined;
  const level = open[1]?.length ?? 1;
  let start = open[0].length;
  while (isSpaceOrTab(line[start])) start++;
  let end = line.length;
  while (end > start && isSpaceOrTab(line[end - 1])) end--;
  // A closing sequence: `#`s preceded by a space or tab, after some text.
  let hashes = end;
  while (hashes > start && line[hashes - 1] === '#') hashes--;
  if (hashes < end && hashes > start && isSpaceOrTab(line[hashes - 1])) {
    end = hashes;
    while (end > start && isSpaceOrTab(line[end - 1])) end--;
  }
  return { level, text: line.slice(start, end) };
}

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
