/**
 * Request bodies of Jira Software's agile API, built from typed input so
 * each matches the operation's schema in Atlassian's OpenAPI description
 * (test/jira/agile-client.test.ts validates them).
 * @see Jira Software Cloud REST API, Sprint and Backlog groups
 */
import { JIRA_ERROR, JiraError } from './errors.js';
import { normalizeIssueKey } from './paths.js';

/** Jira moves at most this many issues into a sprint or the backlog per call. */
export const MAX_AGILE_MOVE = 50;

export interface CreateSprintInput {
  boardId: number;
  name: string;
  goal?: string;
  /** ISO 8601 date-times, e.g. `2026-02-02T09:00:00.000Z`. */
  startDate?: string;
  endDate?: string;
}

export interface UpdateSprintInput {
  name?: string;
  goal?: string;
  startDate?: string;
  endDate?: string;
  /** `active` starts a future sprint, `closed` completes an active one. */
  state?: 'active' | 'closed';
}

/** @see Jira Software Cloud REST `SprintCreateBean` (POST /rest/agile/1.0/sprint) */
export function createSprintBody(input: CreateSprintInput): Record<string, unknown> {
  const body: Record<string, unknown> = { name: input.name, originBoardId: input.boardId };
  if (input.goal !== undefined) body['goal'] = input.goal;
  if (input.startDate !== undefined) body['startDate'] = input.startDate;
  if (input.endDate !== undefined) body['endDate'] = input.endDate;
  return body;
}

/** A partial update: only what is given is sent. @see Jira Software Cloud REST POST /rest/agile/1.0/sprint/{sprintId} */
export function updateSprintBody(input: UpdateSprintInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of ['name', 'goal', 'startDate', 'endDate', 'state'] as const) {
    const value = input[key];
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/**
 * `{ issues: [...] }` with keys normalized and de-duplicated; 1 to 50 keys.
 * @see Jira Software Cloud REST POST /rest/agile/1.0/sprint/{sprintId}/issue, POST /rest/agile/1.0/backlog/issue
 */
export function moveIssuesBody(keys: readonly string[]): { issues: string[] } {
  const issues = [...new Set(keys.map(normalizeIssueKey))];
  if (issues.length === 0 || issues.length > MAX_AGILE_MOVE) {
    throw new JiraError(
      JIRA_ERROR.invalidRequest,
      `Between 1 and ${MAX_AGILE_MOVE} issues can be moved at once (got ${issues.length}).`,
    );
  }
  return { issues };
}
