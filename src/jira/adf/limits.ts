/**
 * The bounds that keep Markdown ⇄ ADF conversion linear in its input:
 * containers (quotes, list items, link labels, emphasis) nest at most
 * {@link MAX_NESTING} deep, and a table's padded cells stay proportional to
 * what was written. Past a bound Markdown input is refused with a
 * {@link MarkdownLimitError} (the tools turn it into a tool error naming the
 * limit); ADF read from Jira is never refused, its excess is summarised.
 * @see CommonMark 0.31.2 §5 (container blocks); GFM 0.29 §4.10
 */

/** Deepest nesting of quotes, list items, links in link labels and emphasis spans. */
export const MAX_NESTING = 64;

/** Deepest ADF node path rendered as Markdown (a nested list level costs two nodes). */
export const MAX_ADF_DEPTH = 2 * MAX_NESTING + 8;

/** Widest Markdown table accepted. */
export const MAX_TABLE_COLUMNS = 64;

/** Most cells (rows × columns, short rows padded) one table may produce. */
export const MAX_TABLE_CELLS = 16_384;

/** Which bound Markdown input went past. */
export type MarkdownLimit = 'nesting' | 'table';

/**
 * Markdown that would go past a conversion bound. Its message names the
 * bound so a model can rewrite its text.
 */
export class MarkdownLimitError extends Error {
  readonly limit: MarkdownLimit;

  constructor(limit: MarkdownLimit, message: string) {
    super(message);
    this.name = 'MarkdownLimitError';
    this.limit = limit;
  }
}

/**
 * Throws {@link MarkdownLimitError} once `depth` (1 for the outermost
 * container) exceeds {@link MAX_NESTING}.
 */
export function assertNesting(depth: number, what: string): void {
  if (depth > MAX_NESTING) {
    throw new MarkdownLimitError(
      'nesting',
      `The Markdown nests ${what} more than ${MAX_NESTING} levels deep (the limit is ${MAX_NESTING} levels of quotes, list items, links and emphasis); flatten it and try again.`,
    );
  }
}
