/**
 * Shared formatting of Jira data for tool results: one structured shape per
 * concept (issue summary, user, comment) and its concise Markdown line.
 * Text from Jira is data, not instructions, so it is kept inside clearly
 * delimited Markdown and trimmed to sizes a model can use.
 */
import { z } from 'zod';
import type { JiraComment, JiraIssue, JiraUser, JiraVisibility } from '../../jira/schemas.js';
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
  unreadableFields: z
    .array(z.string())
    .optional()
    .describe(
      'Fields Jira sent in a shape the gateway could not read; left out, the rest is intact.',
    ),
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
    ...(issue.unreadableFields === undefined || issue.unreadableFields.length === 0
      ? {}
      : { unreadableFields: issue.unreadableFields }),
  };
}

/** ``field `priority` unreadable`` for each field Jira sent in a shape the gateway could not read. */
export function unreadableNote(fields: readonly string[] | undefined): string {
  if (fields === undefined || fields.length === 0) return '';
  return fields.map((f) => `field \`${oneLine(f).slice(0, 100)}\` unreadable`).join(', ');
}

/** `- **DEMO-1** Fix login · Bug · In Progress · High · Alice Admin` */
export function issueLine(issue: IssueSummary): string {
  const facts = [issue.issueType, issue.status, issue.priority, personText(issue.assignee)]
    .filter((v): v is string => v !== null)
    .join(' · ');
  const labels = issue.labels.length > 0 ? ` · labels: ${issue.labels.join(', ')}` : '';
  const note = unreadableNote(issue.unreadableFields);
  return `- **${issue.key}** ${oneLine(issue.summary ?? '(no summary)')} — ${facts}${labels}${note === '' ? '' : ` · ${note}`}`;
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

/** Who a restricted comment is shown to; `unknown` when Jira's `visibility` was unreadable. */
export const COMMENT_VISIBILITY_SCHEMA = z.object({
  type: z.enum(['role', 'group', 'unknown']),
  /** The role's or group's name (a group's id when Jira gave no name). */
  name: z.string().nullable(),
});
export type CommentVisibilityView = z.infer<typeof COMMENT_VISIBILITY_SCHEMA>;

export const COMMENT_VIEW_SCHEMA = z.object({
  id: z.string(),
  author: PERSON_SCHEMA.nullable(),
  created: z.string().nullable(),
  body: z.string(),
  bodyTrimmed: z.boolean(),
  restrictedTo: COMMENT_VISIBILITY_SCHEMA.nullable().describe(
    'Null for a comment everyone who can see the issue sees; else the role or group it is restricted to.',
  ),
  internal: z
    .boolean()
    .describe(
      'True for a Jira Service Management internal note (jsdPublic false): not shown to customers.',
    ),
  unreadableFields: z.array(z.string()).optional(),
});
export type CommentView = z.infer<typeof COMMENT_VIEW_SCHEMA>;

/**
 * A comment with its ADF body rendered as Markdown and trimmed.
 * @see Jira Cloud platform REST API v3, Comment
 */
export function toCommentView(comment: JiraComment, maxChars = MAX_BODY_CHARS): CommentView {
  const body = trimText(adfToMarkdown(comment.body), maxChars);
  const unreadable = comment.unreadableFields ?? [];
  return {
    id: comment.id,
    author: toPerson(comment.author),
    created: comment.created ?? null,
    body: body.text,
    bodyTrimmed: body.trimmed,
    restrictedTo: restrictionOf(comment.visibility, unreadable.includes('visibility')),
    // Only an explicit false: Jira says true, or nothing, for every comment outside JSM.
    internal: comment.jsdPublic === false || unreadable.includes('jsdPublic'),
    ...(unreadable.length === 0 ? {} : { unreadableFields: unreadable }),
  };
}

/**
 * A comment's restriction; an unreadable `visibility` counts as restricted
 * (to someone unknown), never as public, so a model does not quote it widely.
 * @see Jira Cloud platform REST API v3, Visibility
 */
function restrictionOf(
  visibility: JiraVisibility | null | undefined,
  unreadable: boolean,
): CommentVisibilityView | null {
  if (unreadable) return { type: 'unknown', name: null };
  if (visibility === null || visibility === undefined) return null;
  const type =
    visibility.type === 'role' || visibility.type === 'group' ? visibility.type : 'unknown';
  return { type, name: visibility.value ?? visibility.identifier ?? null };
}

/** `🔒 Restricted to role Administrators` / `🔒 Internal note (not shown to customers)`. */
export function commentMarks(comment: Pick<CommentView, 'restrictedTo' | 'internal'>): string[] {
  const marks: string[] = [];
  const r = comment.restrictedTo;
  if (r !== null) {
    const name = r.name === null ? '' : ` ${oneLine(r.name).slice(0, 200)}`;
    marks.push(
      r.type === 'unknown'
        ? '🔒 Restricted (to an audience Jira did not say in a readable form)'
        : `🔒 Restricted to ${r.type}${name}`,
    );
  }
  if (comment.internal) marks.push('🔒 Internal note (not shown to customers)');
  return marks;
}

/** A comment as a Markdown block: a heading line (with its restrictions), then its body quoted. */
export function commentBlock(comment: CommentView): string {
  const quoted = comment.body === '' ? '> (empty)' : comment.body.replace(/^/gm, '> ');
  const marks = commentMarks(comment)
    .map((m) => ` · ${m}`)
    .join('');
  const note = unreadableNote(comment.unreadableFields);
  return `**${personText(comment.author, 'Unknown user')}** · ${comment.created ?? 'unknown time'} · comment ${comment.id}${marks}${note === '' ? '' : ` · ${note}`}\n${quoted}`;
}
