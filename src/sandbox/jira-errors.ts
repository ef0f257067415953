/**
 * Jira's error responses: every 4xx body is an `ErrorCollection`
 * (`{"errorMessages":[…],"errors":{field: message}}`), with Jira's wording.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

/** Jira Cloud's answer to a body that does not fit the operation's schema. */
export const INVALID_PAYLOAD =
  'Invalid request payload. Refer to the REST API documentation and try again.';

/** Jira's message for an unknown project, by key or by id. */
export function projectNotFound(idOrKey: string): string {
  return /^\d+$/.test(idOrKey)
    ? `No project could be found with id '${idOrKey}'.`
    : `No project could be found with key '${idOrKey}'.`;
}

/**
 * Answers with an `ErrorCollection`.
 * @see Jira Cloud REST v3 `ErrorCollection`
 */
export function jiraError(
  c: Context,
  status: ContentfulStatusCode,
  errorMessages: readonly string[],
  errors: Readonly<Record<string, string>> = {},
): Response {
  return c.json({ errorMessages, errors }, status);
}

/** Marker for a body that is not JSON; the caller answers 400. */
export const INVALID_JSON = Symbol('invalid-json');

/** The request body parsed as JSON, or `INVALID_JSON`. An empty body is `undefined`. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** Jira's answer to a body that is missing or not JSON. */
export function badBody(c: Context, body: unknown): Response {
  return jiraError(c, 400, [
    body === INVALID_JSON ? 'The request body is not valid JSON.' : 'The request body is missing.',
  ]);
}

/**
 * The request body read as JSON and parsed by `schema`, or the 400 Jira
 * answers when it is missing, not JSON, or not of the operation's shape.
 * @see Jira Cloud REST v3 `ErrorCollection`
 */
export async function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ data: z.output<S> } | { response: Response }> {
  const body = await readJson(c);
  if (body === undefined || body === INVALID_JSON) return { response: badBody(c, body) };
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { response: jiraError(c, 400, [INVALID_PAYLOAD]) };
  return { data: parsed.data };
}
