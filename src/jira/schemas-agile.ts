/**
 * zod schemas for Jira Software's agile API answers (/rest/agile/1.0).
 * Lenient like schemas.ts: unknown properties are kept, and only what the
 * gateway needs is required (a board's or a sprint's id and name).
 * @see Jira Software Cloud REST API (test/fixtures/software-cloud/jira-software-cloud.openapi.json)
 */
import { z } from 'zod';
import { ISSUE_SCHEMA } from './schemas.js';

/** Board `location`: a project (projectKey, projectId) or a person (userAccountId). */
export const BOARD_LOCATION_SCHEMA = z.looseObject({
  projectId: z.number().optional(),
  projectKey: z.string().optional(),
  projectName: z.string().optional(),
  projectTypeKey: z.string().optional(),
  userAccountId: z.string().optional(),
  displayName: z.string().optional(),
  name: z.string().optional(),
});

/** Board. */
export const BOARD_SCHEMA = z.looseObject({
  id: z.number(),
  name: z.string(),
  type: z.string().optional(),
  self: z.string().optional(),
  location: BOARD_LOCATION_SCHEMA.optional(),
  isPrivate: z.boolean().optional(),
});
export type JiraBoard = z.infer<typeof BOARD_SCHEMA>;

/** The agile paging envelope (startAt, maxResults, total, isLast, values). */
function agilePage<T extends z.ZodType>(item: T) {
  return z.looseObject({
    values: z.array(item).default([]),
    startAt: z.number().optional(),
    maxResults: z.number().optional(),
    total: z.number().optional(),
    isLast: z.boolean().optional(),
  });
}

/** PageBeanBoard. */
export const BOARD_PAGE_SCHEMA = agilePage(BOARD_SCHEMA);
export type JiraBoardPage = z.infer<typeof BOARD_PAGE_SCHEMA>;

/** SprintBean; `state` is future, active or closed. */
export const SPRINT_SCHEMA = z.looseObject({
  id: z.number(),
  name: z.string(),
  state: z.string().optional(),
  self: z.string().optional(),
  goal: z.string().nullish(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  completeDate: z.string().nullish(),
  createdDate: z.string().nullish(),
  originBoardId: z.number().nullish(),
});
export type JiraSprint = z.infer<typeof SPRINT_SCHEMA>;

/** A board's sprints, one page. */
export const SPRINT_PAGE_SCHEMA = agilePage(SPRINT_SCHEMA);
export type JiraSprintPage = z.infer<typeof SPRINT_PAGE_SCHEMA>;

/** SearchResults as the agile issue lists (backlog, sprint issues) return them. */
export const AGILE_ISSUE_PAGE_SCHEMA = z.looseObject({
  issues: z.array(ISSUE_SCHEMA).default([]),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});
export type JiraAgileIssuePage = z.infer<typeof AGILE_ISSUE_PAGE_SCHEMA>;
