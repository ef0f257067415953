/**
 * zod schemas for attachments, issue history and worklog pages, lenient
 * like schemas.ts: real Jira sends `null` where Atlassian's OpenAPI says
 * "string" (change items), and the attachment id is a string in an
 * issue's `attachment` field but a number in GET /attachment/{id}.
 * @see Jira Cloud platform REST API v3 (Attachment, AttachmentMetadata, PageBeanChangelog, PageOfWorklogs)
 */
import { z } from 'zod';
import { WORKLOG_SCHEMA } from './schemas.js';

const PERSON_SCHEMA = z.looseObject({
  accountId: z.string().optional(),
  displayName: z.string().optional(),
});

const text = z.string().nullish();

/** Attachment (an issue's `attachment` field) and AttachmentMetadata alike. */
export const ATTACHMENT_SCHEMA = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  filename: z.string(),
  mimeType: z.string().optional(),
  size: z.number().optional(),
  created: z.string().optional(),
  author: PERSON_SCHEMA.nullish(),
  content: z.string().optional(),
});
export type JiraAttachment = z.infer<typeof ATTACHMENT_SCHEMA>;

/** An issue read for its attachments: key, project, `attachment` field. */
export const ISSUE_ATTACHMENTS_SCHEMA = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    project: z.looseObject({ key: z.string() }).optional(),
    attachment: z.array(ATTACHMENT_SCHEMA).nullish(),
  }),
});

/** The answer to POST …/attachments: the attachments created. */
export const CREATED_ATTACHMENTS_SCHEMA = z.array(ATTACHMENT_SCHEMA);

/** ChangeDetails. */
export const CHANGE_ITEM_SCHEMA = z.looseObject({
  field: z.string(),
  fieldtype: z.string().nullish(),
  fieldId: z.string().nullish(),
  from: text,
  fromString: text,
  to: text,
  toString: text,
});
export type JiraChangeItem = z.infer<typeof CHANGE_ITEM_SCHEMA>;

/** Changelog. */
export const CHANGELOG_SCHEMA = z.looseObject({
  id: z.string(),
  author: PERSON_SCHEMA.nullish(),
  created: z.string(),
  items: z.array(CHANGE_ITEM_SCHEMA),
});
export type JiraChangelog = z.infer<typeof CHANGELOG_SCHEMA>;

/** PageBeanChangelog. */
export const CHANGELOG_PAGE_SCHEMA = z.looseObject({
  values: z.array(CHANGELOG_SCHEMA),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
});
export type JiraChangelogPage = z.infer<typeof CHANGELOG_PAGE_SCHEMA>;

/** PageOfWorklogs. */
export const WORKLOG_PAGE_SCHEMA = z.looseObject({
  worklogs: z.array(WORKLOG_SCHEMA),
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
});
export type JiraWorklogPage = z.infer<typeof WORKLOG_PAGE_SCHEMA>;
