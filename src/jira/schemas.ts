/**
 * zod schemas for the Jira responses the client reads. Lenient on purpose:
 * objects keep unknown properties (Jira adds fields all the time) and only
 * the fields the gateway uses are required, so a new Jira release does not
 * break the gateway, but a response that lacks an issue key does.
 * @see Jira Cloud platform REST API v3 (test/fixtures/jira-platform-rest-v3.openapi.json)
 */
import { z } from 'zod';
import { lenientObject } from './lenient-parse.js';

/** User (and UserDetails): the account a tool shows or assigns to. */
export const USER_SCHEMA = z.looseObject({
  accountId: z.string(),
  accountType: z.string().optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
  timeZone: z.string().optional(),
});
export type JiraUser = z.infer<typeof USER_SCHEMA>;

/** Authors of old comments can be deleted or anonymous users: no accountId. */
const AUTHOR_SCHEMA = z.looseObject({
  accountId: z.string().optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
});

export const PROJECT_SCHEMA = z.looseObject({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  projectTypeKey: z.string().optional(),
  simplified: z.boolean().optional(),
  style: z.string().optional(),
  isPrivate: z.boolean().optional(),
  description: z.string().optional(),
  lead: AUTHOR_SCHEMA.optional(),
});
export type JiraProject = z.infer<typeof PROJECT_SCHEMA>;

/** PageBeanProject. */
export const PROJECT_PAGE_SCHEMA = z.looseObject({
  values: z.array(PROJECT_SCHEMA).default([]),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
});
export type JiraProjectPage = z.infer<typeof PROJECT_PAGE_SCHEMA>;

const STATUS_SCHEMA = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  statusCategory: z
    .looseObject({ key: z.string().optional(), name: z.string().optional() })
    .optional(),
});

const NAMED_SCHEMA = z.looseObject({ id: z.string().optional(), name: z.string() });

/**
 * The issue fields tools read. Every one is optional because `fields=`
 * narrows them, and nullable where Jira uses null for "unset".
 */
export const ISSUE_FIELDS_SCHEMA = z.looseObject({
  summary: z.string().optional(),
  description: z.unknown().optional(),
  status: STATUS_SCHEMA.optional(),
  issuetype: z
    .looseObject({ id: z.string().optional(), name: z.string(), subtask: z.boolean().optional() })
    .optional(),
  priority: NAMED_SCHEMA.nullish(),
  assignee: AUTHOR_SCHEMA.nullish(),
  reporter: AUTHOR_SCHEMA.nullish(),
  labels: z.array(z.string()).optional(),
  project: z
    .looseObject({ id: z.string().optional(), key: z.string(), name: z.string().optional() })
    .optional(),
  parent: z
    .looseObject({ id: z.string().optional(), key: z.string(), fields: z.unknown().optional() })
    .nullish(),
  resolution: NAMED_SCHEMA.nullish(),
  created: z.string().optional(),
  updated: z.string().optional(),
  duedate: z.string().nullish(),
});
export type JiraIssueFields = z.infer<typeof ISSUE_FIELDS_SCHEMA>;

const FIELD_META_SCHEMA = z.looseObject({
  fieldId: z.string().optional(),
  key: z.string().optional(),
  name: z.string(),
  required: z.boolean(),
  schema: z
    .looseObject({
      type: z.string(),
      items: z.string().optional(),
      system: z.string().optional(),
      custom: z.string().optional(),
    })
    .optional(),
  allowedValues: z.array(z.unknown()).optional(),
  hasDefaultValue: z.boolean().optional(),
  defaultValue: z.unknown().optional(),
  operations: z.array(z.string()).optional(),
  autoCompleteUrl: z.string().optional(),
});
export type JiraFieldMeta = z.infer<typeof FIELD_META_SCHEMA>;

/** IssueTransition. */
export const TRANSITION_SCHEMA = z.looseObject({
  id: z.string(),
  name: z.string(),
  to: STATUS_SCHEMA.optional(),
  hasScreen: z.boolean().optional(),
  isAvailable: z.boolean().optional(),
  fields: z.record(z.string(), FIELD_META_SCHEMA).optional(),
});
export type JiraTransition = z.infer<typeof TRANSITION_SCHEMA>;

export const TRANSITIONS_SCHEMA = z.looseObject({
  transitions: z.array(TRANSITION_SCHEMA).default([]),
});

/** IssueBean, every property read strictly (see {@link ISSUE_SCHEMA} for the lenient one). */
export const ISSUE_OBJECT_SCHEMA = z.looseObject({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: ISSUE_FIELDS_SCHEMA.default({}),
  names: z.record(z.string(), z.string()).optional(),
  renderedFields: z.record(z.string(), z.unknown()).optional(),
  transitions: z.array(TRANSITION_SCHEMA).optional(),
});

/**
 * IssueBean, read per field: a field of an unexpected type (`"updated": 1`
 * in Atlassian's own example) is left out and named in `unreadableFields`
 * instead of failing the issue or the search page. Only a missing `id` or
 * `key` still fails.
 */
export const ISSUE_SCHEMA = lenientObject(ISSUE_OBJECT_SCHEMA, {
  required: ['id', 'key'],
  nested: { name: 'fields', schema: ISSUE_FIELDS_SCHEMA },
});
export type JiraIssue = z.infer<typeof ISSUE_SCHEMA>;

/** SearchAndReconcileResults. */
export const SEARCH_RESULTS_SCHEMA = z.looseObject({
  issues: z.array(ISSUE_SCHEMA).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/**
 * Visibility: the role (by name) or group (by name, `identifier` = group id)
 * a restricted comment is shown to.
 */
export const VISIBILITY_SCHEMA = z.looseObject({
  type: z.string(),
  value: z.string().optional(),
  identifier: z.string().nullish(),
});
export type JiraVisibility = z.infer<typeof VISIBILITY_SCHEMA>;

/**
 * Comment, read per property like an issue. `visibility` restricts it to a
 * role or group; `jsdPublic: false` marks a Jira Service Management internal
 * note (not shown to customers).
 */
export const COMMENT_SCHEMA = lenientObject(
  z.looseObject({
    id: z.string(),
    author: AUTHOR_SCHEMA.optional(),
    updateAuthor: AUTHOR_SCHEMA.optional(),
    body: z.unknown().optional(),
    created: z.string().optional(),
    updated: z.string().optional(),
    visibility: VISIBILITY_SCHEMA.nullish(),
    jsdPublic: z.boolean().optional(),
  }),
  { required: ['id'] },
);
export type JiraComment = z.infer<typeof COMMENT_SCHEMA>;

/** PageOfComments. */
export const COMMENT_PAGE_SCHEMA = z.looseObject({
  comments: z.array(COMMENT_SCHEMA).default([]),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});
export type JiraCommentPage = z.infer<typeof COMMENT_PAGE_SCHEMA>;

/** IssueTypeIssueCreateMetadata. */
export const CREATE_META_ISSUE_TYPE_SCHEMA = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  subtask: z.boolean().optional(),
  hierarchyLevel: z.number().optional(),
});
export type JiraCreateMetaIssueType = z.infer<typeof CREATE_META_ISSUE_TYPE_SCHEMA>;

/** PageOfCreateMetaIssueTypes (`issueTypes`; older sites say `createMetaIssueType`). */
export const CREATE_META_ISSUE_TYPES_PAGE_SCHEMA = z.looseObject({
  issueTypes: z.array(CREATE_META_ISSUE_TYPE_SCHEMA).optional(),
  createMetaIssueType: z.array(CREATE_META_ISSUE_TYPE_SCHEMA).optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

/** PageOfCreateMetaIssueTypeWithField (`fields`; older sites say `results`). */
export const CREATE_META_FIELDS_PAGE_SCHEMA = z.looseObject({
  fields: z.array(FIELD_META_SCHEMA).optional(),
  results: z.array(FIELD_META_SCHEMA).optional(),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});

export const USERS_SCHEMA = z.array(USER_SCHEMA);

/** CreatedIssue. */
export const CREATED_ISSUE_SCHEMA = z.looseObject({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
});
export type JiraCreatedIssue = z.infer<typeof CREATED_ISSUE_SCHEMA>;

/** Worklog. */
export const WORKLOG_SCHEMA = z.looseObject({
  id: z.string(),
  issueId: z.string().optional(),
  author: AUTHOR_SCHEMA.optional(),
  comment: z.unknown().optional(),
  started: z.string().optional(),
  timeSpent: z.string().optional(),
  timeSpentSeconds: z.number().optional(),
});
export type JiraWorklog = z.infer<typeof WORKLOG_SCHEMA>;

/** IssueLinkType. */
export const ISSUE_LINK_TYPE_SCHEMA = z.looseObject({
  id: z.string(),
  name: z.string(),
  inward: z.string(),
  outward: z.string(),
});
export type JiraIssueLinkType = z.infer<typeof ISSUE_LINK_TYPE_SCHEMA>;

export const ISSUE_LINK_TYPES_SCHEMA = z.looseObject({
  issueLinkTypes: z.array(ISSUE_LINK_TYPE_SCHEMA).default([]),
});
