/**
 * Demo history and attachments: on DEMO-1 an image (a real PNG drawn in
 * code) and a text file, and on several demo issues the changes that
 * brought them to their state (assigned, started, finished, reprioritised).
 * Loaded once, when no history and no attachment exists yet, so a database
 * seeded before history existed gets it on its next start.
 */
import type { Clock } from '../clock.js';
import {
  priorityById,
  statusById,
  STATUS_DONE,
  STATUS_IN_PROGRESS,
  STATUS_TODO,
} from './catalog.js';
import type { ChangeItem } from './changelog.js';
import { demoCheckoutPng } from './demo-png.js';
import { SANDBOX_USERS } from './directory.js';
import { attachmentChangeItem } from './routes/attachments.js';
import type { IssueRecord, SandboxStore } from './store.js';

const HOUR_MS = 60 * 60 * 1000;

/** The demo text attachment's content. */
export const DEMO_TEXT_ATTACHMENT = [
  'Checkout revamp: notes from the design review',
  '',
  '- One page instead of three; address and payment side by side.',
  '- "Pay now" stays visible on mobile (sticky footer).',
  '- Card errors are shown inline, never in a modal.',
  '',
].join('\n');

function nameOf(accountId: string | null): string | null {
  if (accountId === null) return null;
  return SANDBOX_USERS.find((u) => u.accountId === accountId)?.displayName ?? accountId;
}

function statusItem(from: string, to: string): ChangeItem {
  return {
    field: 'status',
    fieldtype: 'jira',
    fieldId: 'status',
    from,
    fromString: statusById(from).name,
    to,
    toString: statusById(to).name,
  };
}

/** The history that explains an issue's seeded state, oldest first. */
function historyOf(issue: IssueRecord): { at: number; authorId: string; items: ChangeItem[] }[] {
  const entries: { at: number; authorId: string; items: ChangeItem[] }[] = [];
  const actor = issue.assigneeId ?? issue.reporterId ?? issue.creatorId;
  const span = Math.max(issue.updated - issue.created, 4 * HOUR_MS);
  if (issue.assigneeId !== null) {
    entries.push({
      at: issue.created + Math.round(span * 0.1),
      authorId: issue.reporterId ?? actor,
      items: [
        {
          field: 'assignee',
          fieldtype: 'jira',
          fieldId: 'assignee',
          from: null,
          fromString: null,
          to: issue.assigneeId,
          toString: nameOf(issue.assigneeId),
        },
      ],
    });
  }
  if (issue.statusId !== STATUS_TODO.id) {
    entries.push({
      at: issue.created + Math.round(span * 0.3),
      authorId: actor,
      items: [statusItem(STATUS_TODO.id, STATUS_IN_PROGRESS.id)],
    });
  }
  if (issue.statusId === STATUS_DONE.id) {
    entries.push({
      at: issue.updated,
      authorId: actor,
      items: [
        statusItem(STATUS_IN_PROGRESS.id, STATUS_DONE.id),
        {
          field: 'resolution',
          fieldtype: 'jira',
          fieldId: 'resolution',
          from: null,
          fromString: null,
          to: '10000',
          toString: 'Done',
        },
      ],
    });
  }
  return entries;
}

/**
 * Loads demo history and attachments once (see the file comment).
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
 */
export function seedHistoryIfEmpty(store: SandboxStore, clock: Clock): void {
  if (store.history.hasAny()) return;
  const now = clock.now();
  store.transaction(() => {
    const demo = store.listIssues().filter((i) => i.projectKey === 'DEMO');
    // Several issues, not all: history is told where it says something.
    for (const issue of demo.slice(0, 10)) {
      for (const entry of historyOf(issue)) {
        store.recordChange(issue.id, entry.authorId, entry.items, entry.at);
      }
    }
    const epic = store.getIssue('DEMO-1');
    if (epic === undefined) return;
    // A reprioritisation, so history shows more than the workflow.
    if (epic.priorityId !== null && epic.priorityId !== '3') {
      store.recordChange(
        epic.id,
        epic.reporterId,
        [
          {
            field: 'priority',
            fieldtype: 'jira',
            fieldId: 'priority',
            from: '3',
            fromString: priorityById('3').name,
            to: epic.priorityId,
            toString: priorityById(epic.priorityId).name,
          },
        ],
        epic.created + 2 * HOUR_MS,
      );
    }
    const attachedAt = Math.min(now - 24 * HOUR_MS, epic.updated);
    const author = epic.assigneeId ?? epic.creatorId;
    const files = [
      { filename: 'checkout-button.png', mimeType: 'image/png', content: demoCheckoutPng() },
      {
        filename: 'design-review-notes.txt',
        mimeType: 'text/plain',
        content: new TextEncoder().encode(DEMO_TEXT_ATTACHMENT),
      },
    ];
    const records = files.map((file) =>
      store.history.insertAttachment({
        ...file,
        issueId: epic.id,
        authorId: author,
        created: attachedAt,
      }),
    );
    store.recordChange(
      epic.id,
      author,
      records.map((r) => attachmentChangeItem(r, 'added')),
      attachedAt,
    );
  });
}
