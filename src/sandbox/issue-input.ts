/**
 * Validates the `fields` / `update` of create-issue and edit-issue requests
 * and turns them into store writes. Every problem is reported per field in
 * Jira's `errors` map, with Jira's wording, and nothing is written unless
 * the whole request is valid.
 */
import { z } from 'zod';
import { NOT_ADF_MESSAGE, parseAdfDoc, type AdfDoc } from './adf.js';
import {
  findIssueType,
  findPriority,
  findProject,
  issueTypeById,
  type IssueTypeDef,
} from './catalog.js';
import { COMMENT_LEVEL, resolveVisibility } from './comment-visibility.js';
import { findCustomField, parseCustomFieldValue, screenCustomFields } from './custom-fields.js';
import type { SandboxDirectory, SandboxUser } from './directory.js';
import { INVALID_PAYLOAD } from './jira-errors.js';
import { parseDuration } from './jira-time.js';
import { canBrowseProject, type CommentVisibility } from './permissions.js';
import type { IssuePatch, IssueRecord, SandboxStore } from './store.js';

/** Who is acting, and what they act on: permissions shape what is valid. */
export interface InputContext {
  store: SandboxStore;
  directory: SandboxDirectory;
  viewer: SandboxUser;
}

/** A comment an edit or transition adds (`update.comment` `add`). */
export interface PlannedComment {
  body: AdfDoc;
  visibility: CommentVisibility | null;
}

export const IssueUpdateSchema = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
});

export type IssueUpdateBody = z.infer<typeof IssueUpdateSchema>;

export type FieldErrors = Record<string, string>;

const RefSchema = z.looseObject({
  id: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
});
const AccountSchema = z.looseObject({ accountId: z.string().nullable() });
const LabelsSchema = z.array(z.string());
const TimeTrackingSchema = z.looseObject({
  originalEstimate: z.string().optional(),
  remainingEstimate: z.string().optional(),
});

const cannotSet = (field: string): string =>
  `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** Fields settable through `fields` or an `update` `set` operation, shared by create and edit. */
const SETTABLE = new Set([
  'summary',
  'description',
  'assignee',
  'reporter',
  'priority',
  'labels',
  'duedate',
  'parent',
  'timetracking',
]);

interface Draft {
  patch: IssuePatch;
  /** Custom field values to store (custom-fields.ts), null clears. */
  custom: Record<string, unknown>;
  errors: FieldErrors;
  comments: PlannedComment[];
  /** A malformed `visibility`: the whole body is refused, as Jira does. */
  invalidPayload?: boolean;
  projectKey: string;
}

/** Applies one field value (a `set`) to the draft, or records Jira's error. */
function setField(
  draft: Draft,
  field: string,
  value: unknown,
  ctx: InputContext,
  type: IssueTypeDef,
): void {
  const { patch, errors } = draft;
  switch (field) {
    case 'summary':
      if (typeof value !== 'string' || value.trim() === '')
        errors[field] = 'You must specify a summary of the issue.';
      else if (value.length > 255) errors[field] = 'Summary must be less than 255 characters.';
      else if (/[\r\n]/.test(value))
        errors[field] = 'The summary is invalid because it contains newline characters.';
      else patch.summary = value;
      return;
    case 'description': {
      const doc = value === null ? null : parseAdfDoc(value);
      if (doc === undefined) errors[field] = NOT_ADF_MESSAGE;
      else patch.description = doc;
      return;
    }
    case 'assignee':
    case 'reporter': {
      const account = value === null ? { accountId: null } : AccountSchema.safeParse(value).data;
      // "-1" asks for the project's default assignee, which is "unassigned" here.
      const accountId =
        account?.accountId === '-1' && field === 'assignee' ? null : account?.accountId;
      if (field === 'reporter' && accountId === null) {
        errors[field] = 'Reporter is required.';
      } else if (
        accountId === undefined ||
        (accountId !== null && !isValidUser(ctx, field, accountId, draft.projectKey))
      ) {
        errors[field] =
          field === 'assignee'
            ? `User '${account?.accountId ?? JSON.stringify(value)}' cannot be assigned issues.`
            : 'The reporter specified is not a user.';
      } else if (field === 'assignee') patch.assigneeId = accountId;
      else patch.reporterId = accountId;
      return;
    }
    case 'priority': {
      const ref = RefSchema.safeParse(value).data;
      const priority = findPriority(ref?.id ?? ref?.name ?? '');
      if (priority === undefined) errors[field] = 'The priority selected is invalid.';
      else patch.priorityId = priority.id;
      return;
    }
    case 'labels': {
      const labels = LabelsSchema.safeParse(value).data;
      const bad = labels?.find(
        (label) => /\s/.test(label) || label.length === 0 || label.length > 255,
      );
      if (labels === undefined) errors[field] = 'Labels must be a list of strings.';
      else if (bad !== undefined)
        errors[field] = `The label '${bad}' contains spaces which is invalid.`;
      else patch.labels = [...new Set(labels)];
      return;
    }
    case 'duedate':
      if (value === null) patch.dueDate = null;
      else if (typeof value === 'string' && isIsoDate(value)) patch.dueDate = value;
      else errors[field] = `Error parsing date string: ${JSON.stringify(value)}`;
      return;
    case 'parent':
      setParent(draft, value, ctx, type);
      return;
    case 'timetracking': {
      const tracking = TimeTrackingSchema.safeParse(value).data;
      const original =
        tracking?.originalEstimate === undefined
          ? undefined
          : parseDuration(tracking.originalEstimate);
      const remaining =
        tracking?.remainingEstimate === undefined
          ? undefined
          : parseDuration(tracking.remainingEstimate);
      if (
        tracking === undefined ||
        (tracking.originalEstimate !== undefined && original === undefined) ||
        (tracking.remainingEstimate !== undefined && remaining === undefined)
      ) {
        errors[field] = 'Invalid time duration entered.';
        return;
      }
      if (original !== undefined) patch.originalEstimateSeconds = original;
      const rest = remaining ?? original;
      if (rest !== undefined) patch.remainingEstimateSeconds = rest;
      return;
    }
    default: {
      // Custom fields (CF): only those on this issue type's screen in this project.
      const onScreen = screenCustomFields(draft.projectKey, type).find((s) => s.field.id === field);
      if (onScreen === undefined) {
        errors[field] = cannotSet(field);
        return;
      }
      const parsed = parseCustomFieldValue(onScreen.field, value, ctx.directory);
      if ('error' in parsed) errors[field] = parsed.error;
      else if (parsed.stored === null && onScreen.required)
        errors[field] = `${onScreen.field.name} is required.`;
      else draft.custom[field] = parsed.stored;
    }
  }
}

/**
 * A reporter must be an account; an assignee must also be assignable in the
 * issue's project (here: hold a role there), else Jira refuses the user.
 */
function isValidUser(
  ctx: InputContext,
  field: 'assignee' | 'reporter',
  accountId: string,
  projectKey: string,
): boolean {
  const user = ctx.directory.findUser(accountId);
  if (user === undefined) return false;
  return field === 'reporter' || canBrowseProject(user, projectKey);
}

function setParent(draft: Draft, value: unknown, ctx: InputContext, type: IssueTypeDef): void {
  if (value === null && !type.subtask) {
    draft.patch.parentId = null;
    return;
  }
  const ref = RefSchema.safeParse(value).data;
  const parent = ctx.store.getIssue(ref?.key ?? ref?.id ?? '');
  // A parent the caller cannot see does not exist for them.
  if (parent === undefined || !canBrowseProject(ctx.viewer, parent.projectKey)) {
    draft.errors['parent'] = 'Could not find issue by id or key.';
    return;
  }
  // Sub-tasks sit under a standard issue; standard issues under an epic.
  if (issueTypeById(parent.issueTypeId).hierarchyLevel !== type.hierarchyLevel + 1) {
    draft.errors['parent'] = 'Given parent issue does not belong to appropriate hierarchy.';
    return;
  }
  draft.patch.parentId = parent.id;
}

function isIsoDate(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

/** Applies `update` operations: `set` for settable fields, `add`/`remove` for labels, `add` for comment. */
function applyUpdate(
  draft: Draft,
  body: IssueUpdateBody,
  current: string[],
  ctx: InputContext,
  type: IssueTypeDef,
  allowComment: boolean,
): void {
  for (const [field, operations] of Object.entries(body.update ?? {})) {
    if (body.fields?.[field] !== undefined) {
      draft.errors[field] = `Field '${field}' cannot be set in both 'fields' and 'update'.`;
      continue;
    }
    for (const operation of operations) {
      const [verb, value] = Object.entries(operation)[0] ?? ['', undefined];
      if (field === 'labels' && (verb === 'add' || verb === 'remove')) {
        const labels = draft.patch.labels ?? current;
        if (typeof value !== 'string') draft.errors[field] = 'Labels must be a list of strings.';
        else if (verb === 'add') setField(draft, field, [...labels, value], ctx, type);
        else draft.patch.labels = labels.filter((label) => label !== value);
      } else if (field === 'comment' && verb === 'add' && allowComment) {
        addComment(draft, value, ctx);
      } else if (verb === 'set' && (SETTABLE.has(field) || findCustomField(field) !== undefined)) {
        setField(draft, field, value, ctx, type);
      } else if (SETTABLE.has(field) || field === 'comment') {
        draft.errors[field] = `Operation '${verb}' is not supported for field '${field}'.`;
      } else {
        draft.errors[field] = cannotSet(field);
      }
    }
  }
}

const CommentAddSchema = z.looseObject({ body: z.unknown(), visibility: z.unknown().optional() });

/** An `update.comment` `add`: an ADF body and an optional visibility the author must belong to. */
function addComment(draft: Draft, value: unknown, ctx: InputContext): void {
  const add = CommentAddSchema.safeParse(value).data;
  const doc = parseAdfDoc(add?.body);
  if (doc === undefined) {
    draft.errors['comment'] = NOT_ADF_MESSAGE;
    return;
  }
  const resolved = resolveVisibility(ctx.directory, ctx.viewer, draft.projectKey, add?.visibility);
  if ('invalid' in resolved) draft.invalidPayload = true;
  else if ('error' in resolved) draft.errors[COMMENT_LEVEL] = resolved.error;
  else draft.comments.push({ body: doc, visibility: resolved.visibility });
}

export interface CreatePlan {
  projectKey: string;
  issueTypeId: string;
  patch: IssuePatch;
  custom: Record<string, unknown>;
}

/**
 * Validates a create-issue body: project, issue type and summary are
 * required; a sub-task needs a parent. A project the caller cannot browse
 * is answered like one that does not exist, as Jira does.
 * @see Jira Cloud REST v3 POST /rest/api/3/issue
 */
export function planCreate(
  body: IssueUpdateBody,
  ctx: InputContext,
): CreatePlan | { errors: FieldErrors } {
  const fields = body.fields ?? {};
  const errors: FieldErrors = {};
  const projectRef = RefSchema.safeParse(fields['project']).data;
  const found = findProject(projectRef?.key ?? projectRef?.id ?? '');
  const project =
    found !== undefined && canBrowseProject(ctx.viewer, found.key) ? found : undefined;
  if (project === undefined) errors['project'] = 'Specify a valid project ID or key';
  const typeRef = RefSchema.safeParse(fields['issuetype']).data;
  const typeName = typeRef?.id ?? typeRef?.name;
  const type = typeName === undefined ? undefined : findIssueType(typeName);
  if (typeName === undefined) errors['issuetype'] = 'Specify an issue type';
  else if (type === undefined) errors['issuetype'] = 'The issue type selected is invalid.';
  if (fields['summary'] === undefined && body.update?.['summary'] === undefined) {
    errors['summary'] = 'You must specify a summary of the issue.';
  }
  if (type?.subtask === true && fields['parent'] === undefined) {
    errors['parent'] = 'Issue type is a sub-task but parent issue key or id not specified.';
  }
  if (project === undefined || type === undefined) return { errors };
  const draft: Draft = { patch: {}, custom: {}, errors, comments: [], projectKey: project.key };
  for (const [field, value] of Object.entries(fields)) {
    if (field !== 'project' && field !== 'issuetype') setField(draft, field, value, ctx, type);
  }
  applyUpdate(draft, body, [], ctx, type, false);
  for (const { field, required } of screenCustomFields(project.key, type)) {
    if (required && errors[field.id] === undefined && (draft.custom[field.id] ?? null) === null) {
      errors[field.id] = `${field.name} is required.`;
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    projectKey: project.key,
    issueTypeId: type.id,
    patch: draft.patch,
    custom: draft.custom,
  };
}

/**
 * Validates an edit-issue body against the issue; `update.comment` `add`
 * operations come back as comments to create.
 * @see Jira Cloud REST v3 PUT /rest/api/3/issue/{issueIdOrKey}
 */
export function planEdit(
  issue: IssueRecord,
  body: IssueUpdateBody,
  ctx: InputContext,
):
  | { patch: IssuePatch; custom: Record<string, unknown>; comments: PlannedComment[] }
  | { errors: FieldErrors }
  | { errorMessages: string[] } {
  const type = issueTypeById(issue.issueTypeId);
  const draft: Draft = {
    patch: {},
    custom: {},
    errors: {},
    comments: [],
    projectKey: issue.projectKey,
  };
  for (const [field, value] of Object.entries(body.fields ?? {})) {
    setField(draft, field, value, ctx, type);
  }
  applyUpdate(draft, body, issue.labels, ctx, type, true);
  if (draft.invalidPayload === true) return { errorMessages: [INVALID_PAYLOAD] };
  if (Object.keys(draft.errors).length > 0) return { errors: draft.errors };
  return { patch: draft.patch, custom: draft.custom, comments: draft.comments };
}
