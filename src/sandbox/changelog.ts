/**
 * The sandbox's issue history, as Jira writes it: every change to an issue
 * becomes one changelog entry (author, time) holding one item per field
 * changed, with the raw value (`from`/`to`: ids, account ids, seconds) and
 * its display text (`fromString`/`toString`). Rows live in the store's
 * `changelogs` and `changelog_items` tables; this file turns an issue edit
 * into items and items into Jira's JSON.
 *
 * Other writers (custom fields, sprints, versions, links) build their own
 * {@link ChangeItem}s and call `SandboxStore.recordChange` in the same
 * transaction as their write (see /work/coord/INTERFACES.md §4).
 */
import { adfToText } from './adf.js';
import { issueTypeById, priorityById, statusById } from './catalog.js';
import type { SandboxDirectory } from './directory.js';
import type { IssuePatch, IssueRecord, SandboxStore } from './store.js';

/** One field's change inside a changelog entry. @see Jira Cloud REST v3 `ChangeDetails` */
export interface ChangeItem {
  /** Jira's display name of the field in history: 'status', 'assignee', 'Attachment', 'Link', 'Sprint'. */
  field: string;
  fieldtype: 'jira' | 'custom';
  /** 'status', 'customfield_10031'…; absent where Jira omits it (Link, parent). */
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** A stored changelog entry. */
export interface ChangelogRecord {
  id: number;
  issueId: number;
  /** Null for changes made by the system (Jira shows no author then). */
  authorId: string | null;
  created: number;
  items: ChangeItem[];
}

/** Patch keys that never appear in history: timestamps Jira maintains itself. */
const UNRECORDED = new Set<keyof IssuePatch>([
  'updated',
  'statusCategoryChanged',
  'resolutionDate',
  'creatorId',
]);

function item(
  field: string,
  from: string | null,
  fromString: string | null,
  to: string | null,
  toString: string | null,
  fieldId: string | null = field,
): ChangeItem {
  const change: ChangeItem = { field, fieldtype: 'jira', from, fromString, to, toString };
  if (fieldId !== null) change.fieldId = fieldId;
  return change;
}

const seconds = (value: number | null): string | null => (value === null ? null : String(value));

/**
 * The history items an edit of `before` by `patch` produces: only fields
 * whose value really changes, in Jira's spelling for each.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
 */
export function issueChangeItems(
  before: IssueRecord,
  patch: IssuePatch,
  directory: SandboxDirectory,
  store: SandboxStore,
): ChangeItem[] {
  const userName = (id: string | null): string | null =>
    id === null ? null : (directory.findUser(id)?.displayName ?? id);
  const issueKeyOf = (id: number | null): string | null => {
    if (id === null) return null;
    const issue = store.getIssueById(id);
    return issue === undefined ? String(id) : `${issue.projectKey}-${issue.number}`;
  };
  const items: ChangeItem[] = [];
  for (const key of Object.keys(patch) as (keyof IssuePatch)[]) {
    if (UNRECORDED.has(key)) continue;
    const next = patch[key];
    if (next === undefined || JSON.stringify(next) === JSON.stringify(before[key])) continue;
    switch (key) {
      case 'statusId': {
        const to = patch.statusId ?? before.statusId;
        items.push(
          item(
            'status',
            before.statusId,
            statusById(before.statusId).name,
            to,
            statusById(to).name,
          ),
        );
        // The sandbox resolves an issue exactly when it enters Done (see catalog.ts).
        const wasDone = statusById(before.statusId).category.key === 'done';
        const isDone = statusById(to).category.key === 'done';
        if (wasDone !== isDone) {
          items.push(
            item(
              'resolution',
              wasDone ? '10000' : null,
              wasDone ? 'Done' : null,
              isDone ? '10000' : null,
              isDone ? 'Done' : null,
            ),
          );
        }
        break;
      }
      case 'assigneeId':
      case 'reporterId': {
        const field = key === 'assigneeId' ? 'assignee' : 'reporter';
        const from = before[key];
        const to = patch[key] ?? null;
        items.push(item(field, from, userName(from), to, userName(to)));
        break;
      }
      case 'priorityId': {
        const from = before.priorityId;
        const to = patch.priorityId ?? null;
        items.push(
          item(
            'priority',
            from,
            from === null ? null : priorityById(from).name,
            to,
            to === null ? null : priorityById(to).name,
          ),
        );
        break;
      }
      case 'issueTypeId': {
        const to = patch.issueTypeId ?? before.issueTypeId;
        items.push(
          item(
            'issuetype',
            before.issueTypeId,
            issueTypeById(before.issueTypeId).name,
            to,
            issueTypeById(to).name,
          ),
        );
        break;
      }
      case 'summary':
        items.push(item('summary', null, before.summary, null, patch.summary ?? null));
        break;
      case 'description': {
        const to = patch.description ?? null;
        items.push(
          item(
            'description',
            null,
            before.description === null ? null : adfToText(before.description),
            null,
            to === null ? null : adfToText(to),
          ),
        );
        break;
      }
      case 'labels': {
        const to = patch.labels ?? [];
        items.push(
          item(
            'labels',
            null,
            before.labels.length === 0 ? null : before.labels.join(' '),
            null,
            to.length === 0 ? null : to.join(' '),
          ),
        );
        break;
      }
      case 'parentId': {
        const to = patch.parentId ?? null;
        // Jira's own spelling for a parent change, without a fieldId.
        items.push(
          item(
            'IssueParentAssociation',
            seconds(before.parentId),
            issueKeyOf(before.parentId),
            seconds(to),
            issueKeyOf(to),
            null,
          ),
        );
        break;
      }
      case 'dueDate': {
        const to = patch.dueDate ?? null;
        items.push(item('duedate', before.dueDate, before.dueDate, to, to));
        break;
      }
      case 'originalEstimateSeconds':
      case 'remainingEstimateSeconds': {
        const field = key === 'originalEstimateSeconds' ? 'timeoriginalestimate' : 'timeestimate';
        const from = seconds(before[key]);
        const to = seconds(patch[key] ?? null);
        items.push(item(field, from, from, to, to));
        break;
      }
    }
  }
  return items;
}

/**
 * Writes `patch` to the issue and records its history entry in one
 * transaction; the single way sandbox routes change an issue's fields.
 * @see Jira Cloud REST v3 PUT /rest/api/3/issue/{issueIdOrKey}
 */
export function updateIssueRecorded(
  deps: { store: SandboxStore; directory: SandboxDirectory },
  before: IssueRecord,
  patch: IssuePatch,
  authorId: string | null,
  at: number,
  extraItems: readonly ChangeItem[] = [],
): void {
  const { store } = deps;
  store.transaction(() => {
    const items = [...issueChangeItems(before, patch, deps.directory, store), ...extraItems];
    store.updateIssue(before.id, patch);
    store.recordChange(before.id, authorId, items, at);
  });
}

/**
 * The two history items a link writes, one on each issue, in Jira's
 * wording ("This issue blocks DEMO-2" / "This issue is blocked by DEMO-1").
 * `removed` gives the items of a deleted link.
 * @see Jira Cloud REST v3 POST /rest/api/3/issueLink
 */
export function linkChangeItems(
  type: { inward: string; outward: string },
  source: IssueRecord,
  destination: IssueRecord,
  direction: 'added' | 'removed' = 'added',
): { source: ChangeItem; destination: ChangeItem } {
  const keyOf = (issue: IssueRecord): string => `${issue.projectKey}-${issue.number}`;
  const one = (other: IssueRecord, phrase: string): ChangeItem => {
    const value = keyOf(other);
    const text = `This issue ${phrase} ${value}`;
    return direction === 'added'
      ? {
          field: 'Link',
          fieldtype: 'jira',
          from: null,
          fromString: null,
          to: value,
          toString: text,
        }
      : {
          field: 'Link',
          fieldtype: 'jira',
          from: value,
          fromString: text,
          to: null,
          toString: null,
        };
  };
  return { source: one(destination, type.outward), destination: one(source, type.inward) };
}
