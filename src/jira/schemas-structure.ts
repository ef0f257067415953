/**
 * zod schemas for the project-structure and collaboration answers the
 * client reads: versions, components, issue links by id, remote links,
 * watchers. Lenient like schemas.ts: unknown properties are kept and only
 * what the tools use is required.
 * @see Jira Cloud platform REST API v3 (test/fixtures/jira-platform-rest-v3.openapi.json)
 */
import { z } from 'zod';
import { ISSUE_LINK_TYPE_SCHEMA, USER_SCHEMA } from './schemas.js';

/** Version. */
export const VERSION_SCHEMA = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  archived: z.boolean().optional(),
  released: z.boolean().optional(),
  startDate: z.string().optional(),
  releaseDate: z.string().optional(),
  overdue: z.boolean().optional(),
  projectId: z.number().optional(),
});
export type JiraVersion = z.infer<typeof VERSION_SCHEMA>;

/** PageBeanVersion. */
export const VERSION_PAGE_SCHEMA = z.looseObject({
  values: z.array(VERSION_SCHEMA).default([]),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
});
export type JiraVersionPage = z.infer<typeof VERSION_PAGE_SCHEMA>;

/** ComponentWithIssueCount (and ProjectComponent, which lacks the count). */
export const COMPONENT_SCHEMA = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  lead: USER_SCHEMA.partial().optional(),
  issueCount: z.number().optional(),
  project: z.string().optional(),
});
export type JiraComponent = z.infer<typeof COMPONENT_SCHEMA>;

/** PageBeanComponentWithIssueCount. */
export const COMPONENT_PAGE_SCHEMA = z.looseObject({
  values: z.array(COMPONENT_SCHEMA).default([]),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
});
export type JiraComponentPage = z.infer<typeof COMPONENT_PAGE_SCHEMA>;

/** LinkedIssue: enough to name the issue and check its project. */
export const LINKED_ISSUE_SCHEMA = z.looseObject({
  id: z.string().optional(),
  key: z.string(),
  fields: z.looseObject({ summary: z.string().optional() }).optional(),
});

/** IssueLink as GET /issueLink/{id} returns it: both ends present. */
export const ISSUE_LINK_SCHEMA = z.looseObject({
  id: z.string(),
  type: ISSUE_LINK_TYPE_SCHEMA,
  inwardIssue: LINKED_ISSUE_SCHEMA,
  outwardIssue: LINKED_ISSUE_SCHEMA,
});
export type JiraIssueLink = z.infer<typeof ISSUE_LINK_SCHEMA>;

/**
 * IssueLink as an issue's `issuelinks` field embeds it: only the other end
 * is present (`outwardIssue` when this issue is the "from" side).
 */
export const EMBEDDED_ISSUE_LINK_SCHEMA = z.looseObject({
  id: z.string(),
  type: ISSUE_LINK_TYPE_SCHEMA,
  inwardIssue: LINKED_ISSUE_SCHEMA.optional(),
  outwardIssue: LINKED_ISSUE_SCHEMA.optional(),
});
export type JiraEmbeddedIssueLink = z.infer<typeof EMBEDDED_ISSUE_LINK_SCHEMA>;

/** RemoteIssueLinkIdentifies. */
export const REMOTE_LINK_ID_SCHEMA = z.looseObject({
  id: z.number(),
  self: z.string().optional(),
});
export type JiraRemoteLinkId = z.infer<typeof REMOTE_LINK_ID_SCHEMA>;

/** Watchers. */
export const WATCHERS_SCHEMA = z.looseObject({
  isWatching: z.boolean().optional(),
  watchCount: z.number().optional(),
  watchers: z.array(USER_SCHEMA).default([]),
});
export type JiraWatchers = z.infer<typeof WATCHERS_SCHEMA>;
