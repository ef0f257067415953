/**
 * The demo issues: 28 in DEMO (a web shop team) and 3 in OPS. Listed in key
 * order; parents come before their children. Times are relative to the
 * clock when the database is first seeded.
 */
import type { AdfDoc } from './adf.js';
import { ALICE_ACCOUNT_ID as ALICE, BOB_ACCOUNT_ID as BOB } from './catalog.js';
import type { CommentVisibility } from './permissions.js';
import * as text from './seed-descriptions.js';

export interface DemoComment {
  authorId: string;
  hoursAgo: number;
  body: AdfDoc;
}

export interface DemoWorklog {
  authorId: string;
  hoursAgo: number;
  timeSpentSeconds: number;
  comment?: AdfDoc;
}

export interface DemoIssue {
  ref: string;
  projectKey: string;
  issueTypeId: string;
  statusId: string;
  priorityId: string;
  summary: string;
  assigneeId: string | null;
  reporterId: string;
  labels: string[];
  createdDaysAgo: number;
  updatedHoursAgo: number;
  parent?: string;
  description?: AdfDoc;
  dueDate?: string;
  originalEstimateSeconds?: number;
  comments?: DemoComment[];
  worklogs?: DemoWorklog[];
}

/**
 * A comment only members of a project role or group may see, or an internal
 * note (`jsdPublic: false`); seeded after everything else.
 */
export interface DemoRestrictedComment extends DemoComment {
  issue: string;
  visibility: CommentVisibility | null;
  jsdPublic?: false;
}

export interface DemoLink {
  typeId: string;
  /** The "from" issue: `from` blocks / duplicates / relates to `to`. */
  from: string;
  to: string;
}

const EPIC = '10000';
const TASK = '10001';
const BUG = '10002';
const STORY = '10003';
const SUBTASK = '10004';

const TODO = '10000';
const IN_PROGRESS = '3';
const DONE = '10001';

const HIGHEST = '1';
const HIGH = '2';
const MEDIUM = '3';
const LOW = '4';
const LOWEST = '5';

const HOUR = 3600;

type Options = Omit<
  DemoIssue,
  'ref' | 'projectKey' | 'issueTypeId' | 'statusId' | 'priorityId' | 'summary'
>;

function issue(
  ref: string,
  issueTypeId: string,
  statusId: string,
  priorityId: string,
  summary: string,
  options: Options,
): DemoIssue {
  const projectKey = ref.split('-')[0] ?? ref;
  return { ref, projectKey, issueTypeId, statusId, priorityId, summary, ...options };
}

const day = (days: number): number => days * 24;

export const DEMO_ISSUES: readonly DemoIssue[] = [
  issue('DEMO-1', EPIC, IN_PROGRESS, HIGH, 'Checkout revamp', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['checkout'],
    createdDaysAgo: 60,
    updatedHoursAgo: day(3),
    description: text.CHECKOUT_EPIC,
  }),
  issue('DEMO-2', EPIC, TODO, MEDIUM, 'Observability and alerting', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['ops'],
    createdDaysAgo: 58,
    updatedHoursAgo: day(20),
  }),
  issue('DEMO-3', STORY, IN_PROGRESS, HIGH, 'As a shopper I can pay with a saved card', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['checkout', 'payments'],
    createdDaysAgo: 55,
    updatedHoursAgo: 48,
    parent: 'DEMO-1',
    description: text.SAVED_CARD_STORY,
    originalEstimateSeconds: 24 * HOUR,
    comments: [
      {
        authorId: BOB,
        hoursAgo: day(40),
        body: text.commentText('Vault API docs are in the payments wiki.'),
      },
      {
        authorId: ALICE,
        hoursAgo: 50,
        body: text.commentText('Design review done; starting the UI part.'),
      },
    ],
  }),
  issue('DEMO-4', SUBTASK, DONE, MEDIUM, 'Add card vault API client', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['payments'],
    createdDaysAgo: 50,
    updatedHoursAgo: day(20),
    parent: 'DEMO-3',
    originalEstimateSeconds: 8 * HOUR,
    worklogs: [
      {
        authorId: BOB,
        hoursAgo: day(25),
        timeSpentSeconds: 3 * HOUR,
        comment: text.commentText('Client and retries.'),
      },
      { authorId: BOB, hoursAgo: day(21), timeSpentSeconds: 4 * HOUR + 30 * 60 },
    ],
  }),
  issue('DEMO-5', SUBTASK, IN_PROGRESS, MEDIUM, 'Render saved cards in the checkout form', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['frontend'],
    createdDaysAgo: 48,
    updatedHoursAgo: 20,
    parent: 'DEMO-3',
  }),
  issue('DEMO-6', BUG, TODO, HIGHEST, 'Checkout button unresponsive on Safari 17', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['checkout', 'frontend', 'safari'],
    createdDaysAgo: 12,
    updatedHoursAgo: 12,
    description: text.SAFARI_BUG,
    comments: [
      { authorId: BOB, hoursAgo: day(10), body: text.MENTION_COMMENT },
      {
        authorId: ALICE,
        hoursAgo: 12,
        body: text.commentText('Customers on iOS are affected too.'),
      },
    ],
  }),
  issue('DEMO-7', TASK, DONE, MEDIUM, 'Upgrade Node.js runtime to 20 LTS', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: ['tech-debt'],
    createdDaysAgo: 45,
    updatedHoursAgo: day(30),
    originalEstimateSeconds: 16 * HOUR,
    worklogs: [{ authorId: BOB, hoursAgo: day(31), timeSpentSeconds: 2 * 8 * HOUR }],
  }),
  issue('DEMO-8', BUG, IN_PROGRESS, HIGH, 'Order confirmation email sent twice', {
    assigneeId: ALICE,
    reporterId: BOB,
    labels: ['email', 'backend'],
    createdDaysAgo: 9,
    updatedHoursAgo: 40,
    description: text.DOUBLE_EMAIL_BUG,
    comments: [
      {
        authorId: BOB,
        hoursAgo: day(8),
        body: text.commentText('Seen for about 2% of orders since Monday.'),
      },
      { authorId: ALICE, hoursAgo: day(5), body: text.CODE_COMMENT },
      {
        authorId: BOB,
        hoursAgo: 40,
        body: text.commentText('Sounds good, the message id is stable.'),
      },
    ],
  }),
  issue('DEMO-9', STORY, TODO, MEDIUM, 'Show delivery estimate on the product page', {
    assigneeId: null,
    reporterId: BOB,
    labels: ['frontend'],
    createdDaysAgo: 30,
    updatedHoursAgo: day(30),
  }),
  issue('DEMO-10', TASK, TODO, LOW, 'Write runbook for payment provider outage', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['ops', 'docs'],
    createdDaysAgo: 40,
    updatedHoursAgo: day(15),
    parent: 'DEMO-2',
    description: text.RUNBOOK_TASK,
    dueDate: '2026-03-31',
  }),
  issue('DEMO-11', BUG, DONE, HIGH, 'Prices rounded incorrectly for JPY', {
    assigneeId: ALICE,
    reporterId: BOB,
    labels: ['payments', 'i18n'],
    createdDaysAgo: 35,
    updatedHoursAgo: day(10),
    description: text.JPY_BUG,
    originalEstimateSeconds: 4 * HOUR,
    comments: [
      { authorId: ALICE, hoursAgo: day(10), body: text.commentText('Fixed and deployed.') },
    ],
    worklogs: [{ authorId: ALICE, hoursAgo: day(11), timeSpentSeconds: HOUR + 30 * 60 }],
  }),
  issue('DEMO-12', STORY, TODO, LOW, 'Export order history as CSV', {
    assigneeId: null,
    reporterId: ALICE,
    labels: [],
    createdDaysAgo: 25,
    updatedHoursAgo: day(25),
  }),
  issue('DEMO-13', TASK, IN_PROGRESS, MEDIUM, 'Add p95 latency dashboard', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: ['ops', 'observability'],
    createdDaysAgo: 20,
    updatedHoursAgo: 22,
    parent: 'DEMO-2',
    description: text.LATENCY_DASHBOARD_TASK,
  }),
  issue('DEMO-14', SUBTASK, TODO, MEDIUM, 'Instrument checkout service with OpenTelemetry', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: ['observability'],
    createdDaysAgo: 19,
    updatedHoursAgo: day(19),
    parent: 'DEMO-13',
  }),
  issue('DEMO-15', BUG, TODO, MEDIUM, 'Search returns archived products', {
    assigneeId: ALICE,
    reporterId: BOB,
    labels: ['search'],
    createdDaysAgo: 6,
    updatedHoursAgo: day(6),
  }),
  issue('DEMO-16', TASK, DONE, HIGHEST, 'Rotate payment provider API keys', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['security'],
    createdDaysAgo: 33,
    updatedHoursAgo: day(28),
  }),
  issue('DEMO-17', STORY, DONE, HIGH, 'Guest checkout without an account', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['checkout'],
    createdDaysAgo: 52,
    updatedHoursAgo: day(8),
    parent: 'DEMO-1',
  }),
  issue('DEMO-18', BUG, IN_PROGRESS, LOW, 'Cart badge shows stale item count', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['frontend'],
    createdDaysAgo: 4,
    updatedHoursAgo: 18,
  }),
  issue('DEMO-19', TASK, TODO, LOWEST, 'Remove legacy coupon service', {
    assigneeId: null,
    reporterId: BOB,
    labels: ['tech-debt'],
    createdDaysAgo: 57,
    updatedHoursAgo: day(57),
  }),
  issue('DEMO-20', STORY, TODO, MEDIUM, 'Apple Pay support', {
    assigneeId: null,
    reporterId: ALICE,
    labels: ['checkout', 'payments'],
    createdDaysAgo: 18,
    updatedHoursAgo: day(18),
    parent: 'DEMO-1',
  }),
  issue('DEMO-21', BUG, DONE, HIGHEST, '500 error when address line 2 is empty', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['checkout', 'backend'],
    createdDaysAgo: 15,
    updatedHoursAgo: day(13),
    description: text.ADDRESS_BUG,
    comments: [
      {
        authorId: BOB,
        hoursAgo: day(13),
        body: text.commentText('Null check added, regression test too.'),
      },
    ],
  }),
  issue('DEMO-22', BUG, DONE, MEDIUM, 'Address form crashes on empty second line', {
    assigneeId: null,
    reporterId: BOB,
    labels: ['checkout'],
    createdDaysAgo: 14,
    updatedHoursAgo: day(13),
  }),
  issue('DEMO-23', TASK, TODO, HIGH, 'Set up alert for failed payments spike', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['ops', 'payments'],
    createdDaysAgo: 10,
    updatedHoursAgo: day(5),
    parent: 'DEMO-2',
  }),
  issue('DEMO-24', STORY, IN_PROGRESS, MEDIUM, 'Accessible checkout form (WCAG 2.2 AA)', {
    assigneeId: ALICE,
    reporterId: ALICE,
    labels: ['a11y', 'frontend'],
    createdDaysAgo: 22,
    updatedHoursAgo: day(3),
    parent: 'DEMO-1',
    description: text.A11Y_STORY,
  }),
  issue('DEMO-25', SUBTASK, TODO, MEDIUM, 'Keyboard navigation for the payment step', {
    assigneeId: null,
    reporterId: ALICE,
    labels: ['a11y'],
    createdDaysAgo: 21,
    updatedHoursAgo: day(21),
    parent: 'DEMO-24',
  }),
  issue('DEMO-26', TASK, IN_PROGRESS, LOW, 'Document the public REST API', {
    assigneeId: ALICE,
    reporterId: BOB,
    labels: ['docs'],
    createdDaysAgo: 8,
    updatedHoursAgo: 6,
    description: text.API_DOCS_TASK,
  }),
  issue('DEMO-27', BUG, TODO, LOW, 'Flaky end-to-end test checkout.spec.ts', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: ['ci', 'flaky-test'],
    createdDaysAgo: 2,
    updatedHoursAgo: day(2),
  }),
  issue('DEMO-28', TASK, DONE, MEDIUM, 'Quarterly dependency audit', {
    assigneeId: BOB,
    reporterId: ALICE,
    labels: ['security', 'tech-debt'],
    createdDaysAgo: 59,
    updatedHoursAgo: day(40),
  }),
  issue('OPS-1', TASK, TODO, HIGH, 'Renew TLS certificate for shop.example.com', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: ['tls'],
    createdDaysAgo: 8,
    updatedHoursAgo: day(8),
    description: text.PLAIN_TLS_TASK,
    dueDate: '2026-02-15',
  }),
  issue('OPS-2', BUG, IN_PROGRESS, HIGHEST, 'Nightly backup job exceeded its window', {
    assigneeId: ALICE,
    reporterId: BOB,
    labels: ['backup'],
    createdDaysAgo: 3,
    updatedHoursAgo: 30,
    description: text.BACKUP_BUG,
    comments: [
      {
        authorId: ALICE,
        hoursAgo: 30,
        body: text.commentText('Splitting the dump per schema tonight.'),
      },
    ],
  }),
  issue('OPS-3', TASK, DONE, LOW, 'Decommission the old staging cluster', {
    assigneeId: BOB,
    reporterId: BOB,
    labels: [],
    createdDaysAgo: 40,
    updatedHoursAgo: day(20),
  }),
];

const BLOCKS = '10000';
const DUPLICATE = '10002';
const RELATES = '10003';

export const DEMO_LINKS: readonly DemoLink[] = [
  { typeId: BLOCKS, from: 'DEMO-4', to: 'DEMO-5' },
  { typeId: BLOCKS, from: 'DEMO-16', to: 'DEMO-3' },
  { typeId: DUPLICATE, from: 'DEMO-22', to: 'DEMO-21' },
  { typeId: RELATES, from: 'DEMO-13', to: 'DEMO-23' },
  { typeId: RELATES, from: 'OPS-2', to: 'DEMO-10' },
];

/**
 * DEMO-28's audit note is restricted to the Administrators role: Alice
 * (Administrators in every project) sees it, Bob (Developers and Users in
 * DEMO) does not. OPS-2 has an internal note (`jsdPublic: false`) everyone
 * who can browse OPS sees.
 */
export const DEMO_RESTRICTED_COMMENTS: readonly DemoRestrictedComment[] = [
  {
    issue: 'DEMO-28',
    authorId: ALICE,
    hoursAgo: day(40),
    body: text.commentText(
      'Audit note: the payment SDK pins a library with a critical CVE; keep this out of release notes until the vendor ships a fix.',
    ),
    visibility: { type: 'role', value: 'Administrators' },
  },
  // The sandbox has no Service Management project; this note stands for one a
  // JSM agent leaves (internal: jsdPublic false), which the platform API cannot create.
  {
    issue: 'OPS-2',
    authorId: ALICE,
    hoursAgo: 28,
    body: text.commentText(
      'Internal note: the backup vendor owes us an SLA credit; do not give customers a fix date yet.',
    ),
    visibility: null,
    jsdPublic: false,
  },
];
