/**
 * The sandbox's users and the one-time load of demo data. Users are fixed:
 * exactly two, each with a fixed API token, so the gateway can use Alice's
 * credential by default and tests can act as either person.
 */
import type { Clock } from '../clock.js';
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID } from './catalog.js';
import { DEMO_ISSUES, DEMO_LINKS, type DemoIssue } from './seed-issues.js';
import type { SandboxStore } from './store.js';

export interface SandboxUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  /** The API token for Basic auth (`email:apiToken`). Demo-only; never a real secret. */
  apiToken: string;
  timeZone: string;
  locale: string;
}

/** The fixed API tokens, by user. They only ever unlock the local sandbox. */
export const SANDBOX_API_TOKENS = {
  alice: 'sandbox-alice-4f1c2a9e7b3d4e8f9a0b1c2d3e4f5a6b',
  bob: 'sandbox-bob-8e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b',
} as const;

export const ALICE: SandboxUser = {
  accountId: ALICE_ACCOUNT_ID,
  displayName: 'Alice Admin',
  emailAddress: 'alice@example.com',
  apiToken: SANDBOX_API_TOKENS.alice,
  timeZone: 'UTC',
  locale: 'en_US',
};

export const BOB: SandboxUser = {
  accountId: BOB_ACCOUNT_ID,
  displayName: 'Bob Builder',
  emailAddress: 'bob@example.com',
  apiToken: SANDBOX_API_TOKENS.bob,
  timeZone: 'UTC',
  locale: 'en_US',
};

export const SANDBOX_USERS: readonly SandboxUser[] = [ALICE, BOB];

/** The user with this account id, if any. */
export function findUser(accountId: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.accountId === accountId);
}

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
