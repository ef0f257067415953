/**
 * GFM tables: a header row, a delimiter row, then body rows until a blank
 * line or another block. Cells hold inline content; `\|` is a literal pipe.
 * @see GFM 0.29 §4.10
 */
import { isBlank, startsBlock } from './markdown-lines.js';
import { MarkdownLimitError, MAX_TABLE_CELLS, MAX_TABLE_COLUMNS } from './limits.js';
import { parseInline } from './parse-inline.js';
import type { AdfNode } from './types.js';

/** Splits a GFM table row on unescaped pipes; `\|` becomes `|` in the cell. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let closed = false;
  const trimmed = line.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed.charAt(i);
    closed = false;
    if (ch === '\\' && trimmed[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '\\') {
      cell += ch + (trimmed[i + 1] ?? '');
      i++;
    } else if (ch === '|') {
      cells.push(cell);
      cell = '';
      closed = true;
    } else {
      cell += ch;
    }
  }
  // The leading and trailing pipes are borders, not empty cells.
  if (!closed) cells.push(cell);
  if (trimmed.startsWith('|')) cells.shift();
  return cells.map((c) => c.trim());
}

function isDelimiterRow(line: string): boolean {
  if (!line.includes('-')) return false;
  const cells = splitRow(line);
  return cells.length > 0 && cells.every((c) => /^:?-+:?$/.test(c));
}

function cell(type: 'tableHeader' | 'tableCell', text: string): AdfNode {
  return { type, content: [{ type: 'paragraph', content: parseInline(text) }] };
}

/**
 * True when `line` and `next` open a table (same cell count, a delimiter row).
 * @see GFM 0.29 §4.10
 */
export function isTableStart(line: string, next: string | undefined): boolean {
  return (
    line.includes('|') &&
    next !== undefined &&
    isDelimiterRow(next) &&
    splitRow(line).length === splitRow(next).length
  );
}

/**
 * Parses the table starting at `from`; returns it and the index after it.
 * @see GFM 0.29 §4.10
 */
export function parseTable(
  lines: readonly string[],
  from: number,
): { node: AdfNode; next: number } {
  const header = splitRow(lines[from] ?? '');
  const width = header.length;
  if (width > MAX_TABLE_COLUMNS) {
    throw new MarkdownLimitError(
      'table',
      `The Markdown table has ${width} columns; the limit is ${MAX_TABLE_COLUMNS}.`,
    );
  }
  const rows: AdfNode[] = [
    { type: 'tableRow', content: header.map((c) => cell('tableHeader', c)) },
  ];
  let i = from + 2;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isBlank(line) || startsBlock(line)) break;
    // Short rows are padded to the header's width: bound what that creates.
    if ((rows.length + 1) * width > MAX_TABLE_CELLS) {
      throw new MarkdownLimitError(
        'table',
        `The Markdown table has more than ${MAX_TABLE_CELLS} cells (rows × columns); split it and try again.`,
      );
    }
    const cells = splitRow(line);
    const fitted = Array.from({ length: width }, (_, k) => cells[k] ?? '');
    rows.push({ type: 'tableRow', content: fitted.map((c) => cell('tableCell', c)) });
  }
  return {
    node: {
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default' },
      content: rows,
    },
    next: i,
  };
}
