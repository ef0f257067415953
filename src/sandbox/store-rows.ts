/**
 * Row decoding for the sandbox store: each SQLite row is parsed with zod
 * (the database is a boundary too: a file may come from an older build)
 * and mapped to the camelCase record the rest of the sandbox uses.
 */
import { z } from 'zod';
import { parseAdfDoc } from './adf.js';
import type { CommentRecord, IssueRecord, LinkRecord, WorklogRecord } from './store.js';

const IssueRowSchema = z.object({
  id: z.number(),
  project_key: z.string(),
  number: z.number(),
  issue_type_id: z.string(),
  status_id: z.string(),
  priority_id: z.string().nullable(),
  summary: z.string(),
  description: z.string().nullable(),
  assignee_id: z.string().nullable(),
  reporter_id: z.string().nullable(),
  creator_id: z.string(),
  labels: z.string(),
  parent_id: z.number().nullable(),
  due_date: z.string().nullable(),
  original_estimate_seconds: z.number().nullable(),
  remaining_estimate_seconds: z.number().nullable(),
  created: z.number(),
  updated: z.number(),
  status_category_changed: z.number(),
  resolution_date: z.number().nullable(),
});

const CommentRowSchema = z.object({
  id: z.number(),
  issue_id: z.number(),
  author_id: z.string(),
  body: z.string(),
  created: z.number(),
  updated: z.number(),
  visibility_type: z.enum(['role', 'group']).nullable(),
  visibility_value: z.string().nullable(),
  jsd_public: z.number().nullable(),
});

const WorklogRowSchema = z.object({
  id: z.number(),
  issue_id: z.number(),
  author_id: z.string(),
  comment: z.string().nullable(),
  started: z.number(),
  time_spent_seconds: z.number(),
  created: z.number(),
  updated: z.number(),
});

const LinkRowSchema = z.object({
  id: z.number(),
  type_id: z.string(),
  source_issue_id: z.number(),
  destination_issue_id: z.number(),
});

const LabelsSchema = z.array(z.string());

/** Decodes one row of its table. */
export function toIssue(raw: unknown): IssueRecord {
  const row = IssueRowSchema.parse(raw);
  return {
    id: row.id,
    projectKey: row.project_key,
    number: row.number,
    issueTypeId: row.issue_type_id,
    statusId: row.status_id,
    priorityId: row.priority_id,
    summary: row.summary,
    description:
      row.description === null ? null : (parseAdfDoc(JSON.parse(row.description)) ?? null),
    assigneeId: row.assignee_id,
    reporterId: row.reporter_id,
    creatorId: row.creator_id,
    labels: LabelsSchema.parse(JSON.parse(row.labels)),
    parentId: row.parent_id,
    dueDate: row.due_date,
    originalEstimateSeconds: row.original_estimate_seconds,
    remainingEstimateSeconds: row.remaining_estimate_seconds,
    created: row.created,
    updated: row.updated,
    statusCategoryChanged: row.status_category_changed,
    resolutionDate: row.resolution_date,
  };
}

/** Decodes one row of its table. */
export function toComment(raw: unknown): CommentRecord {
  const row = CommentRowSchema.parse(raw);
  return {
    id: row.id,
    issueId: row.issue_id,
    authorId: row.author_id,
    body: parseAdfDoc(JSON.parse(row.body)) ?? { type: 'doc', version: 1, content: [] },
    visibility:
      row.visibility_type === null || row.visibility_value === null
        ? null
        : { type: row.visibility_type, value: row.visibility_value },
    ...(row.jsd_public === 0 ? { jsdPublic: false } : {}),
    created: row.created,
    updated: row.updated,
  };
}

/** Decodes one row of its table. */
export function toWorklog(raw: unknown): WorklogRecord {
  const row = WorklogRowSchema.parse(raw);
  return {
    id: row.id,
    issueId: row.issue_id,
    authorId: row.author_id,
    comment: row.comment === null ? null : (parseAdfDoc(JSON.parse(row.comment)) ?? null),
    started: row.started,
    timeSpentSeconds: row.time_spent_seconds,
    created: row.created,
    updated: row.updated,
  };
}

/** Decodes one row of its table. */
export function toLink(raw: unknown): LinkRecord {
  const row = LinkRowSchema.parse(raw);
  return {
    id: row.id,
    typeId: row.type_id,
    sourceIssueId: row.source_issue_id,
    destinationIssueId: row.destination_issue_id,
  };
}
