/**
 * The sandbox's fixed configuration: what a Jira admin would set up once
 * (statuses, workflow, issue types, priorities, link types, projects). It
 * never changes at runtime, so it lives in code; only issues, comments,
 * worklogs and links live in SQLite.
 *
 * Ids follow Jira Cloud's own defaults where Jira has them (status
 * categories 2/4/3, link types 10000/10002/10003, priorities 1–5) so a
 * client written against the sandbox meets familiar values in production.
 */

/** @see Jira Cloud REST v3 `StatusCategory` */
export interface StatusCategoryDef {
  id: number;
  key: 'new' | 'indeterminate' | 'done';
  name: string;
  colorName: string;
}

export const STATUS_CATEGORIES = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const satisfies Record<string, StatusCategoryDef>;

export interface StatusDef {
  id: string;
  name: string;
  description: string;
  category: StatusCategoryDef;
  /** Position in the workflow; sorting by status follows it, as Jira does. */
  sequence: number;
}

export const STATUS_TODO: StatusDef = {
  id: '10000',
  name: 'To Do',
  description: 'Work that has not been started.',
  category: STATUS_CATEGORIES.new,
  sequence: 1,
};
export const STATUS_IN_PROGRESS: StatusDef = {
  id: '3',
  name: 'In Progress',
  description: 'This issue is being actively worked on at the moment by the assignee.',
  category: STATUS_CATEGORIES.indeterminate,
  sequence: 2,
};
export const STATUS_DONE: StatusDef = {
  id: '10001',
  name: 'Done',
  description: 'Work that has been completed.',
  category: STATUS_CATEGORIES.done,
  sequence: 3,
};
export const STATUSES: readonly StatusDef[] = [STATUS_TODO, STATUS_IN_PROGRESS, STATUS_DONE];

export interface TransitionDef {
  id: string;
  name: string;
  from: string;
  to: string;
}

/**
 * The workflow. Ids are stable and part of the sandbox's contract:
 * 21 Start Progress, 31 Done, 11 Stop Progress, 41 Reopen.
 */
export const TRANSITIONS: readonly TransitionDef[] = [
  { id: '11', name: 'Stop Progress', from: STATUS_IN_PROGRESS.id, to: STATUS_TODO.id },
  { id: '21', name: 'Start Progress', from: STATUS_TODO.id, to: STATUS_IN_PROGRESS.id },
  { id: '31', name: 'Done', from: STATUS_IN_PROGRESS.id, to: STATUS_DONE.id },
  { id: '41', name: 'Reopen', from: STATUS_DONE.id, to: STATUS_TODO.id },
];

export interface IssueTypeDef {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  /** Jira's hierarchy: Epic 1, standard 0, Sub-task -1. */
  hierarchyLevel: number;
  iconName: string;
}

export const ISSUE_TYPES: readonly IssueTypeDef[] = [
  {
    id: '10000',
    name: 'Epic',
    description: 'A big user story that needs to be broken down.',
    subtask: false,
    hierarchyLevel: 1,
    iconName: 'epic',
  },
  {
    id: '10001',
    name: 'Task',
    description: 'A small, distinct piece of work.',
    subtask: false,
    hierarchyLevel: 0,
    iconName: 'task',
  },
  {
    id: '10002',
    name: 'Bug',
    description: 'A problem or error.',
    subtask: false,
    hierarchyLevel: 0,
    iconName: 'bug',
  },
  {
    id: '10003',
    name: 'Story',
    description: 'Functionality or a feature expressed as a user goal.',
    subtask: false,
    hierarchyLevel: 0,
    iconName: 'story',
  },
  {
    id: '10004',
    name: 'Sub-task',
    description: 'A small piece of work that is part of a larger task.',
    subtask: true,
    hierarchyLevel: -1,
    iconName: 'subtask',
  },
];

export interface PriorityDef {
  id: string;
  name: string;
  statusColor: string;
  /** Higher is more urgent; `priority > Low` and `ORDER BY priority` use it. */
  rank: number;
  isDefault: boolean;
}

export const PRIORITIES: readonly PriorityDef[] = [
  { id: '1', name: 'Highest', statusColor: '#d04437', rank: 5, isDefault: false },
  { id: '2', name: 'High', statusColor: '#f15C75', rank: 4, isDefault: false },
  { id: '3', name: 'Medium', statusColor: '#f79232', rank: 3, isDefault: true },
  { id: '4', name: 'Low', statusColor: '#707070', rank: 2, isDefault: false },
  { id: '5', name: 'Lowest', statusColor: '#999999', rank: 1, isDefault: false },
];

export const DEFAULT_PRIORITY_ID = '3';

export interface LinkTypeDef {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export const LINK_TYPES: readonly LinkTypeDef[] = [
  { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
];

export interface ProjectDef {
  id: string;
  key: string;
  name: string;
  description: string;
  leadAccountId: string;
  /** Uuid shown as `uuid`; fixed so responses are reproducible. */
  uuid: string;
}

export const ALICE_ACCOUNT_ID = '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const BOB_ACCOUNT_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

export const PROJECTS: readonly ProjectDef[] = [
  {
    id: '10000',
    key: 'DEMO',
    name: 'Demo Project',
    description: 'The web shop team: checkout, payments and observability.',
    leadAccountId: ALICE_ACCOUNT_ID,
    uuid: '5b6f1d2e-0c57-4c1a-9d3e-3f0d6c1a0001',
  },
  {
    id: '10001',
    key: 'OPS',
    name: 'Operations',
    description: 'Infrastructure chores and incidents.',
    leadAccountId: BOB_ACCOUNT_ID,
    uuid: '5b6f1d2e-0c57-4c1a-9d3e-3f0d6c1a0002',
  },
];

/** Finds a status by id or name (case-insensitive), as Jira's lookups do. */
export function findStatus(idOrName: string): StatusDef | undefined {
  const wanted = idOrName.toLowerCase();
  return STATUSES.find((s) => s.id === idOrName || s.name.toLowerCase() === wanted);
}

/** Finds an issue type by id or name (case-insensitive). */
export function findIssueType(idOrName: string): IssueTypeDef | undefined {
  const wanted = idOrName.toLowerCase();
  return ISSUE_TYPES.find((t) => t.id === idOrName || t.name.toLowerCase() === wanted);
}

/** Finds a priority by id or name (case-insensitive). */
export function findPriority(idOrName: string): PriorityDef | undefined {
  const wanted = idOrName.toLowerCase();
  return PRIORITIES.find((p) => p.id === idOrName || p.name.toLowerCase() === wanted);
}

/** Finds a project by id or key; keys match case-insensitively like Jira's URLs. */
export function findProject(idOrKey: string): ProjectDef | undefined {
  const wanted = idOrKey.toUpperCase();
  return PROJECTS.find((p) => p.id === idOrKey || p.key === wanted);
}

/** Finds a link type by id or name (case-insensitive). */
export function findLinkType(ref: { id?: string; name?: string }): LinkTypeDef | undefined {
  if (ref.id !== undefined) return LINK_TYPES.find((t) => t.id === ref.id);
  const wanted = ref.name?.toLowerCase();
  return LINK_TYPES.find((t) => t.name.toLowerCase() === wanted);
}

/** The status with this id; the store only ever holds catalog ids. */
export function statusById(id: string): StatusDef {
  const status = STATUSES.find((s) => s.id === id);
  if (status === undefined) throw new Error(`unknown status id ${id}`);
  return status;
}

/** The priority with this id; the store only ever holds catalog ids. */
export function priorityById(id: string): PriorityDef {
  const priority = PRIORITIES.find((p) => p.id === id);
  if (priority === undefined) throw new Error(`unknown priority id ${id}`);
  return priority;
}

/** The issue type with this id; the store only ever holds catalog ids. */
export function issueTypeById(id: string): IssueTypeDef {
  const type = ISSUE_TYPES.find((t) => t.id === id);
  if (type === undefined) throw new Error(`unknown issue type id ${id}`);
  return type;
}
