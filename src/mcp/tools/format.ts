/**
 * Shared formatting of Jira data for tool results: one structured shape per
 * concept (issue summary, user, comment) and its concise Markdown line.
 * Text from Jira is data, not instructions, so it is kept inside clearly
 * delimited Markdown and trimmed to sizes a model can use.
 */
import { z } from 'zod';
import type { JiraComment, JiraIssue, JiraUser } from '../../jira/schemas.js';
import { adfToMarkdown } from '../../jira/adf/index.js';

/** Longest description or comment body returned before trimming. */
export const MAX_BODY_CHARS = 8_000;

/** Cuts `text` to `max` characters, saying so, so the model knows it saw a part. */
export function trimText(text: string, max = MAX_BODY_CHARS): { text: string; trimmed: boolean } {
  if (text.length <= max) return { text, trimmed: false };
  return {
    text: `${text.slice(0, max)}\n\n… [trimmed: ${text.length - max} more characters not shown]`,
    trimmed: true,
  };
}

/** A person as tools show them. */
export const PERSON_SCHEMA = z.object({
  accountId: z.string().nullable(),
  displayName: z.string().nullable(),
});
export type Person = z.infer<typeof PERSON_SCHEMA>;

interface PersonLike {
  accountId?: string | undefined;
  displayName?: string | undefined;
}

/** A Jira user or author as tools show it; deleted or anonymous authors have no accountId. */
export function toPerson(user: PersonLike | null | undefined): Person | null {
  if (user === null || user === undefined) return null;
  return { accountId: user.accountId ?? null, displayName: user.displayName ?? null };
}

/** The display name of a person for Markdown, or `none` when there is nobody. */
export function personText(person: Person | null, none = 'Unassigned'): string {
  if (person === null) return none;
  return person.displayName ?? person.accountId ?? 'Unknown user';
}

/** The fields every issue listing shows. */
export const ISSUE_SUMMARY_SCHEMA = z.object({
  key: z.string(),
  summary: z.string().nullable(),
  project: z.string().nullable(),
  issueType: z.string().nullable(),
  status: z.string().nullable(),
  statusCategory: z.string().nullable(),
  priority: z.string().nullable(),
  assignee: PERSON_SCHEMA.nullable(),
  labels: z.array(z.string()),
  parent: z.string().nullable(),
  created: z.string().nullable(),
  updated: z.string().nullable(),
});
export type IssueSummary = z.infer<typeof ISSUE_SUMMARY_SCHEMA>;

/** The project key of an issue as Jira reports it (falls back to its key). */
export function issueProject(issue: JiraIssue): string {
  return issue.fields.project?.key ?? issue.key.slice(0, issue.key.lastIndexOf('-'));
}

/**
 * The listing shape of an issue, from the fields a search returns.
 * @see Jira Cloud platform REST API v3, IssueBean
 */
export function toIssueSummary(issue: JiraIssue): IssueSummary {
  const f = issue.fields;
  return {
    key: issue.key,
    summary: f.summary ?? null,
    project: f.project?.key ?? null,
    issueType: f.issuetype?.name ?? null,
    status: f.status?.name ?? null,
    statusCategory: f.status?.statusCategory?.name ?? null,
    priority: f.priority?.name ?? null,
    assignee: toPerson(f.assignee),
    labels: f.labels ?? [],
    parent: f.parent?.key ?? null,
    created: f.created ?? null,
    updated: f.updated ?? null,
  };
}

/** `- **DEMO-1** Fix login · Bug · In Progress · High · Alice Admin` */
export function issueLine(issue: IssueSummary): string {
  const facts = [issue.issueType, issue.status, issue.priority, personText(issue.assignee)]
    .filter((v): v is string => v !== null)
    .join(' · ');
  const labels = issue.labels.length > 0 ? ` · labels: ${issue.labels.join(', ')}` : '';
  return `- **${issue.key}** ${oneLine(issue.summary ?? '(no summary)')} — ${facts}${labels}`;
}

/** Collapses whitespace so a value cannot break the surrounding Markdown list. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export const USER_SCHEMA = z.object({
  accountId: z.string(),
  displayName: z.string().nullable(),
  emailAddress: z.string().nullable(),
  active: z.boolean().nullable(),
});
export type UserView = z.infer<typeof USER_SCHEMA>;

/** @see Jira Cloud platform REST API v3, User */
export function toUserView(user: JiraUser): UserView {
  return {
    accountId: user.accountId,
    displayName: user.displayName ?? null,
    emailAddress: user.emailAddress ?? null,
    active: user.active ?? null,
  };
}

export const COMMENT_VIEW_SCHEMA = z.object({
  id: z.string(),
  author: PERSON_SCHEMA.nullable(),
  created: z.string().nullable(),
  body: z.string(),
  bodyTrimmed: z.boolean(),
});
export type CommentView = z.infer<typeof COMMENT_VIEW_SCHEMA>;

/**
 * A comment with its ADF body rendered as Markdown and trimmed.
 * @see Jira Cloud platform REST API v3, Comment
 */
export function toCommentView(comment: JiraComment, maxChars = MAX_BODY_CHARS): CommentView {
  const body = trimText(adfToMarkdown(comment.body), maxChars);
  return {
    id: comment.id,
    author: toPerson(comment.author),
    created: comment.created ?? null,
    body: body.text,
    bodyTrimmed: body.trimmed,
  };
}

/** A comment as a Markdown block: a heading line, then its body quoted. */
export function commentBlock(comment: CommentView): string {
  const quoted = comment.body === '' ? '> (empty)' : comment.body.replace(/^/gm, '> ');
  return `**${personText(comment.author, 'Unknown user')}** · ${comment.created ?? 'unknown time'} · comment ${comment.id}\n${quoted}`;
}
