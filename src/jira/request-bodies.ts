/**
 * The JSON bodies the client sends, built by pure functions so that tests
 * can check them against Atlassian's OpenAPI description.
 * @see Jira Cloud platform REST API v3 (IssueUpdateDetails, Comment, Worklog, LinkIssueRequestJsonBean)
 */
import type { AdfDoc } from './adf/types.js';
import { JIRA_ERROR, JiraError } from './errors.js';
import { normalizeIssueKey, numericId } from './paths.js';

/** `{id}` for a numeric issue id, `{key}` for an issue key (LinkedIssue, parent). */
function issueRef(keyOrId: string): { id: string } | { key: string } {
  const value = normalizeIssueKey(keyOrId);
  return /^\d+$/.test(value) ? { id: value } : { key: value };
}

function invalid(message: string): JiraError {
  return new JiraError(JIRA_ERROR.invalidRequest, message);
}

/** `{id}` for a numeric reference, `{name}` otherwise (issue type, priority, link type). */
function idOrName(value: string, what: string): { id: string } | { name: string } {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(`The ${what} must not be empty.`);
  return /^\d+$/.test(trimmed) ? { id: trimmed } : { name: trimmed };
}

function summaryField(summary: string): string {
  const trimmed = summary.trim();
  if (trimmed === '') throw invalid('The summary must not be empty.');
  // Jira's summary is a single line of at most 255 characters.
  if (trimmed.length > 255 || /[\r\n]/.test(trimmed)) {
    throw invalid('The summary must be a single line of at most 255 characters.');
  }
  return trimmed;
}

function accountIdValue(accountId: string): string {
  const trimmed = accountId.trim();
  if (trimmed === '' || trimmed.length > 128) throw invalid('The accountId is not valid.');
  return trimmed;
}

export interface SearchIssuesInput {
  jql: string;
  fields?: readonly string[];
  maxResults?: number;
  nextPageToken?: string;
}

/** The fields a search returns when the caller names none (Jira would return only ids). */
export const DEFAULT_SEARCH_FIELDS: readonly string[] = [
  'summary',
  'status',
  'issuetype',
  'priority',
  'assignee',
  'project',
  'parent',
  'labels',
  'created',
  'updated',
];

/**
 * SearchAndReconcileRequestBean.
 * @see Jira Cloud platform REST API v3, searchAndReconsileIssuesUsingJqlPost
 */
export function searchIssuesBody(input: SearchIssuesInput): Record<string, unknown> {
  if (input.jql.trim() === '') throw invalid('The JQL query must not be empty.');
  const body: Record<string, unknown> = {
    jql: input.jql,
    fields: [...(input.fields ?? DEFAULT_SEARCH_FIELDS)],
  };
  if (input.maxResults !== undefined) body['maxResults'] = input.maxResults;
  if (input.nextPageToken !== undefined) body['nextPageToken'] = input.nextPageToken;
  return body;
}

export interface IssueFieldsInput {
  summary?: string;
  description?: AdfDoc;
  /** A priority name (`High`) or id. */
  priority?: string;
  labels?: readonly string[];
  /** Raw Jira field values by field id (`customfield_10010`); named inputs win on a clash. */
  extraFields?: Readonly<Record<string, unknown>>;
}

export interface CreateIssueInput extends IssueFieldsInput {
  projectKey: string;
  /** An issue type name (`Bug`) or id. */
  issueType: string;
  summary: string;
  assigneeAccountId?: string;
  parentKey?: string;
}

function commonFields(input: IssueFieldsInput): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...input.extraFields };
  if (input.summary !== undefined) fields['summary'] = summaryField(input.summary);
  if (input.description !== undefined) fields['description'] = input.description;
  if (input.priority !== undefined) fields['priority'] = idOrName(input.priority, 'priority');
  if (input.labels !== undefined) fields['labels'] = [...input.labels];
  return fields;
}

/**
 * IssueUpdateDetails for POST /rest/api/3/issue.
 * @see Jira Cloud platform REST API v3, createIssue
 */
export function createIssueBody(input: CreateIssueInput): { fields: Record<string, unknown> } {
  const projectKey = input.projectKey.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_]+$/.test(projectKey)) {
    throw invalid('The project key is not valid (like DEMO).');
  }
  const fields = commonFields(input);
  fields['project'] = { key: projectKey };
  fields['issuetype'] = idOrName(input.issueType, 'issue type');
  if (input.assigneeAccountId !== undefined) {
    fields['assignee'] = { accountId: accountIdValue(input.assigneeAccountId) };
  }
  if (input.parentKey !== undefined) fields['parent'] = issueRef(input.parentKey);
  return { fields };
}

/**
 * IssueUpdateDetails for PUT /rest/api/3/issue/{key}.
 * @see Jira Cloud platform REST API v3, editIssue
 */
export function updateIssueBody(input: IssueFieldsInput): { fields: Record<string, unknown> } {
  const fields = commonFields(input);
  if (Object.keys(fields).length === 0)
    throw invalid('Nothing to update: give at least one field.');
  return { fields };
}

/** Who a new comment is shown to: members of a project role, or of a group (by name). */
export interface CommentVisibilityInput {
  type: 'role' | 'group';
  value: string;
}

/**
 * Comment for POST /rest/api/3/issue/{key}/comment, restricted to a role or
 * group when `visibility` is given (Jira refuses one the author is not in).
 * @see Jira Cloud platform REST API v3, addComment, Visibility
 */
export function commentBody(
  body: AdfDoc,
  visibility?: CommentVisibilityInput,
): { body: AdfDoc; visibility?: CommentVisibilityInput } {
  if (visibility === undefined) return { body };
  const value = visibility.value.trim();
  if (value === '' || value.length > 255) {
    throw invalid('The visibility value must name a role or group (1-255 characters).');
  }
  return { body, visibility: { type: visibility.type, value } };
}

export interface TransitionInput {
  fields?: Readonly<Record<string, unknown>>;
  comment?: AdfDoc;
}

/**
 * IssueUpdateDetails for POST /rest/api/3/issue/{key}/transitions.
 * @see Jira Cloud platform REST API v3, doTransition
 */
export function transitionBody(
  transitionId: string,
  input: TransitionInput,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    transition: { id: numericId(transitionId, 'transition') },
  };
  if (input.fields !== undefined) body['fields'] = { ...input.fields };
  if (input.comment !== undefined) body['update'] = { comment: [{ add: { body: input.comment } }] };
  return body;
}

/**
 * User for PUT /rest/api/3/issue/{key}/assignee. `null` unassigns (Jira's
 * documented meaning, though its schema types accountId as a string).
 * @see Jira Cloud platform REST API v3, assignIssue
 */
export function assigneeBody(accountId: string | null): { accountId: string | null } {
  return { accountId: accountId === null ? null : accountIdValue(accountId) };
}

export interface WorklogInput {
  timeSpentSeconds: number;
  /** When the work started; Jira wants `2021-01-17T12:34:00.000+0000`. */
  started?: Date | string;
  comment?: AdfDoc;
}

const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/;

/**
 * Formats a moment the way Jira's worklog `started` requires, in UTC.
 * @see Jira Cloud platform REST API v3, Worklog.started
 */
export function jiraDateTime(value: Date | string): string {
  if (typeof value === 'string' && JIRA_DATE_TIME.test(value)) return value;
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) throw invalid('The start time is not a valid date-time.');
  return `${new Date(ms).toISOString().slice(0, 23)}+0000`;
}

/**
 * Worklog for POST /rest/api/3/issue/{key}/worklog.
 * @see Jira Cloud platform REST API v3, addWorklog
 */
export function worklogBody(input: WorklogInput): Record<string, unknown> {
  const seconds = input.timeSpentSeconds;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw invalid('timeSpentSeconds must be a positive whole number of seconds.');
  }
  const body: Record<string, unknown> = { timeSpentSeconds: seconds };
  if (input.started !== undefined) body['started'] = jiraDateTime(input.started);
  if (input.comment !== undefined) body['comment'] = input.comment;
  return body;
}

export interface LinkIssuesInput {
  /** A link type name (`Blocks`) or id. */
  type: string;
  inwardKey: string;
  outwardKey: string;
  comment?: AdfDoc;
}

/**
 * LinkIssueRequestJsonBean for POST /rest/api/3/issueLink.
 * @see Jira Cloud platform REST API v3, linkIssues
 */
export function linkIssuesBody(input: LinkIssuesInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: idOrName(input.type, 'link type'),
    inwardIssue: issueRef(input.inwardKey),
    outwardIssue: issueRef(input.outwardKey),
  };
  if (input.comment !== undefined) body['comment'] = { body: input.comment };
  return body;
}
