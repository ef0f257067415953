/**
 * Offset paging parameters (`startAt`, `maxResults`) as Jira reads them:
 * defaults when absent, a cap where the operation documents one. A value
 * that is not a non-negative integer is reported so routes can answer 400.
 */

export interface Page {
  startAt: number;
  maxResults: number;
}

/**
 * Parses `startAt`/`maxResults`; values above `cap` are lowered to it, as
 * e.g. GET /project/search documents. Returns an error message on bad input.
 * @see Jira Cloud REST v3 "Pagination"
 */
export function readPage(
  startAt: string | undefined,
  maxResults: string | undefined,
  defaults: { maxResults: number; cap: number },
): Page | { error: string } {
  const start = startAt === undefined ? 0 : Number(startAt);
  const max = maxResults === undefined ? defaults.maxResults : Number(maxResults);
  if (!Number.isInteger(start) || start < 0) {
    return {
      error: `The value '${startAt ?? ''}' of 'startAt' is not a valid non-negative integer.`,
    };
  }
  if (!Number.isInteger(max) || max < 0) {
    return {
      error: `The value '${maxResults ?? ''}' of 'maxResults' is not a valid non-negative integer.`,
    };
  }
  return { startAt: start, maxResults: Math.min(max, defaults.cap) };
}

/** The comma-separated and repeated values of a query parameter, flattened. */
export function listParam(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}
