/**
 * ORDER BY. Deterministic by construction:
 * - no ORDER BY means `ORDER BY created DESC` (newest first);
 * - a term without a direction sorts ascending;
 * - empty values sort after every value ascending (so first descending);
 * - ties are always broken by issue id, newest first.
 * Keys sort by project key, then number; priorities by urgency (Lowest <
 * Highest); statuses by workflow position; users by display name.
 */
import { issueTypeById, priorityById, statusById } from '../catalog.js';
import type { SandboxUser } from '../directory.js';
import type { SortTerm } from './ast.js';
import type { JqlIssue } from './fields.js';

export type IssueComparator = (a: JqlIssue, b: JqlIssue) => number;

type SortValue = string | number | null;

const MAX_SORT_FIELDS = 7;

type SortKey = (issue: JqlIssue) => SortValue | [string, number];

function sortKeys(users: readonly SandboxUser[]): Record<string, SortKey> {
  const userName = (accountId: string | null): SortValue =>
    accountId === null
      ? null
      : (users.find((u) => u.accountId === accountId)?.displayName.toLowerCase() ?? accountId);
  return {
    key: (issue) => [issue.record.projectKey, issue.record.number],
    created: (issue) => issue.record.created,
    updated: (issue) => issue.record.updated,
    resolved: (issue) => issue.record.resolutionDate,
    duedate: (issue) => issue.record.dueDate,
    priority: (issue) =>
      issue.record.priorityId === null ? null : priorityById(issue.record.priorityId).rank,
    status: (issue) => statusById(issue.record.statusId).sequence,
    summary: (issue) => issue.record.summary.toLowerCase(),
    assignee: (issue) => userName(issue.record.assigneeId),
    reporter: (issue) => userName(issue.record.reporterId),
    creator: (issue) => userName(issue.record.creatorId),
    issuetype: (issue) => issueTypeById(issue.record.issueTypeId).name.toLowerCase(),
    project: (issue) => issue.record.projectKey,
  };
}

const ALIASES: Record<string, string> = {
  issuekey: 'key',
  id: 'key',
  type: 'issuetype',
  createddate: 'created',
  updateddate: 'updated',
  resolutiondate: 'resolved',
  due: 'duedate',
};

// Fields JQL can filter on but not sort by.
const UNSORTABLE = new Set([
  'text',
  'description',
  'comment',
  'labels',
  'parent',
  'statuscategory',
  'resolution',
]);

/**
 * Builds the comparator for an ORDER BY clause, pushing Jira-worded errors
 * for unknown or unsortable fields. Users sort by the display names in `users`.
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-keywords/#Order-by
 */
export function compileOrder(
  terms: readonly SortTerm[],
  errors: string[],
  users: readonly SandboxUser[],
): IssueComparator {
  const keys = sortKeys(users);
  if (terms.length > MAX_SORT_FIELDS) {
    errors.push(`The ORDER BY clause can contain a maximum of ${MAX_SORT_FIELDS} fields.`);
  }
  const effective: SortTerm[] =
    terms.length === 0 ? [{ field: 'created', start: 0, direction: 'desc' }] : [...terms];
  const comparators: IssueComparator[] = [];
  for (const term of effective) {
    const lower = term.field.toLowerCase();
    const key = keys[ALIASES[lower] ?? lower];
    if (key === undefined) {
      errors.push(
        UNSORTABLE.has(lower)
          ? `Not able to sort using field '${term.field}'.`
          : `Field '${term.field}' does not exist or you do not have permission to view it.`,
      );
      continue;
    }
    const sign = term.direction === 'desc' ? -1 : 1;
    comparators.push((a, b) => sign * compareValues(key(a), key(b)));
  }
  comparators.push((a, b) => b.record.id - a.record.id);
  return (a, b) => {
    for (const compare of comparators) {
      const order = compare(a, b);
      if (order !== 0) return order;
    }
    return 0;
  };
}

function compareValues(a: SortValue | [string, number], b: SortValue | [string, number]): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    return compareValues(a[0], b[0]) || compareValues(a[1], b[1]);
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
