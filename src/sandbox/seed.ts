/**
 * The one-time load of demo data, and the seeded accounts' documented API
 * tokens (the accounts themselves and their permissions are in
 * directory.ts).
 */
import type { Clock } from '../clock.js';
import { SANDBOX_USERS, sandboxToken, type SandboxUser } from './directory.js';
import {
  DEMO_ISSUES,
  DEMO_LINKS,
  DEMO_RESTRICTED_COMMENTS,
  type DemoIssue,
} from './seed-issues.js';
import { seedAgile } from './seed-agile.js';
import { DEMO_CUSTOM_VALUES } from './seed-custom-fields.js';
import type { SandboxStore } from './store.js';

export { SANDBOX_USERS, type SandboxUser };

/** The seeded accounts' API tokens (`sandbox-token-<name>`). They only ever unlock the local sandbox. */
export const SANDBOX_API_TOKENS = {
  alice: sandboxToken('alice'),
  bob: sandboxToken('bob'),
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Loads the demo projects' issues, comments, worklogs and links once.
 * Dates are relative to the clock at seeding time and stored absolute, so
 * a reopened database keeps its history. Does nothing if already seeded.
 */
export function seedIfEmpty(store: SandboxStore, clock: Clock): void {
  if (store.isSeeded()) return;
  const now = clock.now();
  store.transaction(() => {
    const idsByRef = new Map<string, number>();
    for (const demo of DEMO_ISSUES) insertDemoIssue(store, demo, now, idsByRef);
    for (const link of DEMO_LINKS) {
      const source = idsByRef.get(link.from);
      const destination = idsByRef.get(link.to);
      if (source === undefined || destination === undefined) {
        throw new Error(`demo link ${link.from} -> ${link.to} names an unknown issue`);
      }
      store.insertLink({
        typeId: link.typeId,
        sourceIssueId: source,
        destinationIssueId: destination,
      });
    }
    for (const [ref, values] of Object.entries(DEMO_CUSTOM_VALUES)) {
      const issueId = idsByRef.get(ref);
      if (issueId === undefined) throw new Error(`custom field values name ${ref}`);
      store.setCustomFieldValues(issueId, values);
    }
    // Last, so the unrestricted comments keep the ids they always had.
    for (const restricted of DEMO_RESTRICTED_COMMENTS) {
      const issueId = idsByRef.get(restricted.issue);
      if (issueId === undefined) throw new Error(`restricted comment names ${restricted.issue}`);
      const at = now - Math.round(restricted.hoursAgo * HOUR_MS);
      store.insertComment({
        issueId,
        authorId: restricted.authorId,
        body: restricted.body,
        visibility: restricted.visibility,
        ...(restricted.jsdPublic === false ? { jsdPublic: false } : {}),
        created: at,
        updated: at,
      });
    }
    // Boards and sprints (AG) need the issues in place.
    seedAgile(store, now);
    store.markSeeded(now);
  });
}

function insertDemoIssue(
  store: SandboxStore,
  demo: DemoIssue,
  now: number,
  idsByRef: Map<string, number>,
): void {
  const created = now - demo.createdDaysAgo * DAY_MS;
  const updated = now - Math.round(demo.updatedHoursAgo * HOUR_MS);
  const parentId = demo.parent === undefined ? null : idsByRef.get(demo.parent);
  if (parentId === undefined) throw new Error(`demo issue ${demo.ref} has an unknown parent`);
  const isDone = demo.statusId === '10001';
  const issue = store.insertIssue({
    projectKey: demo.projectKey,
    issueTypeId: demo.issueTypeId,
    statusId: demo.statusId,
    priorityId: demo.priorityId,
    summary: demo.summary,
    description: demo.description ?? null,
    assigneeId: demo.assigneeId,
    reporterId: demo.reporterId,
    creatorId: demo.reporterId,
    labels: demo.labels,
    parentId,
    dueDate: demo.dueDate ?? null,
    originalEstimateSeconds: demo.originalEstimateSeconds ?? null,
    remainingEstimateSeconds: demo.originalEstimateSeconds ?? null,
    created,
    updated,
    statusCategoryChanged: updated,
    resolutionDate: isDone ? updated : null,
  });
  const expectedKey = `${demo.projectKey}-${issue.number}`;
  if (expectedKey !== demo.ref) throw new Error(`demo issue ${demo.ref} became ${expectedKey}`);
  idsByRef.set(demo.ref, issue.id);
  for (const comment of demo.comments ?? []) {
    const at = now - Math.round(comment.hoursAgo * HOUR_MS);
    store.insertComment({
      issueId: issue.id,
      authorId: comment.authorId,
      body: comment.body,
      visibility: null,
      created: at,
      updated: at,
    });
  }
  let spent = 0;
  for (const worklog of demo.worklogs ?? []) {
    const started = now - Math.round(worklog.hoursAgo * HOUR_MS);
    spent += worklog.timeSpentSeconds;
    store.insertWorklog({
      issueId: issue.id,
      authorId: worklog.authorId,
      comment: worklog.comment ?? null,
      started,
      timeSpentSeconds: worklog.timeSpentSeconds,
      created: started,
      updated: started,
    });
  }
  if (spent > 0 && demo.originalEstimateSeconds !== undefined) {
    store.updateIssue(issue.id, {
      remainingEstimateSeconds: Math.max(0, demo.originalEstimateSeconds - spent),
    });
  }
}
