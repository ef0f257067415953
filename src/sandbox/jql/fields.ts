/**
 * The JQL fields the sandbox supports: their aliases, the operators each
 * accepts (Jira's own lists), and how a literal operand resolves to the
 * value stored on an issue. Values resolve as Jira resolves them: by id or
 * by name, case-insensitively; unknown values are errors, not empty results.
 */
import { adfToText } from '../adf.js';
import {
  findIssueType,
  findPriority,
  findStatus,
  priorityById,
  STATUS_CATEGORIES,
  statusById,
  type ProjectDef,
} from '../catalog.js';
import type { SandboxUser } from '../directory.js';
import type { CommentRecord, IssueRecord } from '../store.js';
import type { Operator } from './ast.js';

/** An issue as the evaluator sees it: the row plus its searchable text. */
export interface JqlIssue {
  record: IssueRecord;
  key: string;
  parentKey: string | null;
  statusCategoryKey: string;
  descriptionText: string;
  commentText: string;
  /** Ids of the sprints the issue is or was in (Jira Software's Sprint field). */
  sprintIds: readonly number[];
}

/** Prepares an issue for evaluation: its key, parent's key and searchable text. */
export function toJqlIssue(
  record: IssueRecord,
  parent: IssueRecord | undefined,
  comments: readonly CommentRecord[],
  sprintIds: readonly number[] = [],
): JqlIssue {
  return {
    record,
    key: `${record.projectKey}-${record.number}`,
    parentKey: parent === undefined ? null : `${parent.projectKey}-${parent.number}`,
    statusCategoryKey: statusById(record.statusId).category.key,
    descriptionText: record.description === null ? '' : adfToText(record.description),
    commentText: comments.map((c) => adfToText(c.body)).join('\n'),
    sprintIds,
  };
}

export interface JqlContext {
  now: number;
  currentAccountId: string;
  /** Looks an issue up by key or id, for `key = …` and `parent = …`; only issues the searcher may see. */
  findIssue(keyOrId: string): IssueRecord | undefined;
  /** The projects the searcher may browse: any other is unknown to the query, as in Jira. */
  projects: readonly ProjectDef[];
  /** The accounts user fields resolve against. */
  users: readonly SandboxUser[];
  /** The sprints `sprint = …` resolves against (by id or name): those on boards the searcher may see. */
  sprints?: readonly { id: number; name: string; state: string }[];
}

export type Scalar = string | number;

/** A resolved value, EMPTY (e.g. resolution "Unresolved"), or Jira's error message. */
export type Resolved =
  | { value: Scalar }
  | { empty: true }
  | { error: string }
  /** A list function's values (`openSprints()`), for `in` and `not in`. */
  | { values: Scalar[] };

export type FieldKind = 'equality' | 'text' | 'date';

export interface JqlField {
  kind: FieldKind;
  operators: readonly Operator[];
  /** The issue's values for the field; empty means EMPTY. */
  values: (issue: JqlIssue) => Scalar[];
  /** Resolves a literal operand. */
  resolve: (value: string, field: string, ctx: JqlContext) => Resolved;
  /** Orders two resolved values, for `<`, `>` and friends; undefined when not comparable. */
  compare?: (a: Scalar, b: Scalar) => number | undefined;
  /** Accepts `currentUser()` (user fields). */
  userFunction?: boolean;
  /** Accepts `openSprints()` and `closedSprints()` (the Sprint field). */
  sprintFunctions?: boolean;
}

const EQUALITY: readonly Operator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const ORDERED: readonly Operator[] = [...EQUALITY, '<', '<=', '>', '>='];
const TEXT: readonly Operator[] = ['~', '!~', 'is', 'is not'];

const unknownValue = (value: string, field: string): Resolved => ({
  error: `The value '${value}' does not exist for the field '${field}'.`,
});

function byKey(ctx: JqlContext, value: string, field: string): Resolved {
  if (!/^(\d+|[A-Za-z][A-Za-z0-9_]*-\d+)$/.test(value)) {
    return { error: `The issue key '${value}' for field '${field}' is invalid.` };
  }
  const issue = ctx.findIssue(value);
  if (issue === undefined) {
    return { error: `An issue with key '${value}' does not exist for field '${field}'.` };
  }
  return { value: `${issue.projectKey}-${issue.number}` };
}

/** Keys compare only within one project, by number, as Jira does. */
function compareKeys(a: Scalar, b: Scalar): number | undefined {
  const [projectA, numberA] = String(a).split('-');
  const [projectB, numberB] = String(b).split('-');
  return projectA === projectB ? Number(numberA) - Number(numberB) : undefined;
}

function user(get: (issue: IssueRecord) => string | null): JqlField {
  return {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => {
      const id = get(issue.record);
      return id === null ? [] : [id];
    },
    resolve: (value, field, ctx) => {
      const wanted = value.toLowerCase();
      const found = ctx.users.find(
        (u) =>
          u.accountId === value ||
          u.emailAddress.toLowerCase() === wanted ||
          u.displayName.toLowerCase() === wanted,
      );
      return found === undefined ? unknownValue(value, field) : { value: found.accountId };
    },
    userFunction: true,
  };
}

function date(get: (issue: IssueRecord) => number | null): JqlField {
  return {
    kind: 'date',
    operators: ORDERED,
    values: (issue) => {
      const at = get(issue.record);
      return at === null ? [] : [at];
    },
    // Dates resolve in the evaluator, which knows the clock and the functions.
    resolve: (value) => ({ value }),
    compare: (a, b) => Number(a) - Number(b),
  };
}

function text(get: (issue: JqlIssue) => string): JqlField {
  return {
    kind: 'text',
    operators: TEXT,
    values: (issue) => {
      const value = get(issue);
      return value.trim() === '' ? [] : [value];
    },
    resolve: (value) => ({ value }),
  };
}

const KEY: JqlField = {
  kind: 'equality',
  operators: ORDERED.filter((op) => op !== 'is' && op !== 'is not'),
  values: (issue) => [issue.key],
  resolve: (value, field, ctx) => byKey(ctx, value, field),
  compare: compareKeys,
};

const ISSUE_TYPE_FIELD: JqlField = {
  kind: 'equality',
  operators: EQUALITY,
  values: (issue) => [issue.record.issueTypeId],
  resolve: (value, field) => {
    const type = findIssueType(value);
    return type === undefined ? unknownValue(value, field) : { value: type.id };
  },
};

const DUE_DATE = date((issue) => (issue.dueDate === null ? null : Date.parse(issue.dueDate)));

const FIELDS: Record<string, JqlField> = {
  project: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => [issue.record.projectKey],
    resolve: (value, field, ctx) => {
      const project = findVisibleProject(ctx, value);
      return project === undefined ? unknownValue(value, field) : { value: project.key };
    },
  },
  key: KEY,
  issuekey: KEY,
  id: KEY,
  parent: {
    ...KEY,
    operators: EQUALITY,
    values: (issue) => (issue.parentKey === null ? [] : [issue.parentKey]),
  },
  status: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => [issue.record.statusId],
    resolve: (value, field) => {
      const status = findStatus(value);
      return status === undefined ? unknownValue(value, field) : { value: status.id };
    },
  },
  statuscategory: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => [issue.statusCategoryKey],
    resolve: (value, field) => {
      const wanted = value.toLowerCase();
      const category = Object.values(STATUS_CATEGORIES).find(
        (c) => c.key === wanted || c.name.toLowerCase() === wanted || String(c.id) === value,
      );
      return category === undefined ? unknownValue(value, field) : { value: category.key };
    },
  },
  issuetype: ISSUE_TYPE_FIELD,
  type: ISSUE_TYPE_FIELD,
  priority: {
    kind: 'equality',
    operators: ORDERED,
    values: (issue) => (issue.record.priorityId === null ? [] : [issue.record.priorityId]),
    resolve: (value, field) => {
      const priority = findPriority(value);
      return priority === undefined ? unknownValue(value, field) : { value: priority.id };
    },
    compare: (a, b) => priorityById(String(a)).rank - priorityById(String(b)).rank,
  },
  resolution: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => (issue.record.resolutionDate === null ? [] : ['done']),
    // "Unresolved" is Jira's name for the empty resolution.
    resolve: (value, field) => {
      const wanted = value.toLowerCase();
      if (wanted === 'done' || value === '10000') return { value: 'done' };
      return wanted === 'unresolved' ? { empty: true } : unknownValue(value, field);
    },
  },
  assignee: user((issue) => issue.assigneeId),
  reporter: user((issue) => issue.reporterId),
  creator: user((issue) => issue.creatorId),
  labels: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => issue.record.labels.map((label) => label.toLowerCase()),
    resolve: (value) => ({ value: value.toLowerCase() }),
  },
  summary: text((issue) => issue.record.summary),
  description: text((issue) => issue.descriptionText),
  comment: text((issue) => issue.commentText),
  text: {
    ...text((issue) => `${issue.record.summary}\n${issue.descriptionText}\n${issue.commentText}`),
    operators: ['~', '!~'],
  },
  created: date((issue) => issue.created),
  createddate: date((issue) => issue.created),
  updated: date((issue) => issue.updated),
  updateddate: date((issue) => issue.updated),
  resolved: date((issue) => issue.resolutionDate),
  resolutiondate: date((issue) => issue.resolutionDate),
  due: DUE_DATE,
  duedate: DUE_DATE,
  // Jira Software's Sprint field (AG), by sprint id or name.
  sprint: {
    kind: 'equality',
    operators: EQUALITY,
    values: (issue) => [...issue.sprintIds],
    resolve: (value, field, ctx) => {
      const wanted = value.toLowerCase();
      const sprints = ctx.sprints ?? [];
      const found =
        sprints.find((s) => String(s.id) === value) ??
        sprints.find((s) => s.name.toLowerCase() === wanted);
      return found === undefined ? unknownValue(value, field) : { value: found.id };
    },
    sprintFunctions: true,
  },
};

// By id, key or name (case-insensitive), among the projects the searcher may see.
function findVisibleProject(ctx: JqlContext, value: string): ProjectDef | undefined {
  const wanted = value.toLowerCase();
  return (
    ctx.projects.find((p) => p.id === value || p.key.toLowerCase() === wanted) ??
    ctx.projects.find((p) => p.name.toLowerCase() === wanted)
  );
}

/** The field named `name` (case-insensitive), or undefined if the sandbox has none. */
export function findJqlField(name: string): JqlField | undefined {
  return FIELDS[name.toLowerCase()];
}
