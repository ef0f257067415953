/**
 * Demo agile data: a scrum board on DEMO with a closed sprint, an active
 * sprint and a future one, a kanban board on OPS, and Alice's personal
 * kanban board (located on her, not on a project; its filter spans
 * projects). DEMO issues in no open sprint form the backlog.
 */
import { ALICE_ACCOUNT_ID } from './catalog.js';
import type { SandboxStore } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface DemoSprint {
  name: string;
  goal: string;
  state: 'future' | 'active' | 'closed';
  /** Days from seeding time (negative: past). */
  start?: number;
  end?: number;
  complete?: number;
  created: number;
  issues: readonly string[];
}

/** DEMO-3 did not finish in Sprint 1 and was carried over into Sprint 2, as happens. */
const DEMO_SPRINTS: readonly DemoSprint[] = [
  {
    name: 'DEMO Sprint 1',
    goal: 'Guest checkout and the Node.js upgrade',
    state: 'closed',
    start: -28,
    end: -14,
    complete: -14,
    created: -30,
    issues: ['DEMO-3', 'DEMO-7', 'DEMO-11', 'DEMO-17', 'DEMO-21', 'DEMO-22'],
  },
  {
    name: 'DEMO Sprint 2',
    goal: 'Saved cards and the Safari checkout fix',
    state: 'active',
    start: -13,
    end: 1,
    created: -15,
    issues: ['DEMO-3', 'DEMO-6', 'DEMO-8', 'DEMO-13', 'DEMO-16', 'DEMO-18', 'DEMO-24'],
  },
  {
    name: 'DEMO Sprint 3',
    goal: '',
    state: 'future',
    created: -2,
    issues: ['DEMO-9', 'DEMO-23'],
  },
];

/**
 * Loads the demo boards and sprints; issues must be seeded already.
 * Sub-tasks join their parents' sprints, as on a Jira board.
 */
export function seedAgile(store: SandboxStore, now: number): void {
  const demoBoard = store.agile.insertBoard({
    name: 'DEMO board',
    type: 'scrum',
    projectKey: 'DEMO',
    ownerAccountId: null,
  });
  store.agile.insertBoard({
    name: 'OPS board',
    type: 'kanban',
    projectKey: 'OPS',
    ownerAccountId: null,
  });
  store.agile.insertBoard({
    name: "Alice's work",
    type: 'kanban',
    projectKey: null,
    ownerAccountId: ALICE_ACCOUNT_ID,
  });
  const at = (days: number | undefined): number | null =>
    days === undefined ? null : now + days * DAY_MS;
  const all = store.listIssues();
  for (const demo of DEMO_SPRINTS) {
    const sprint = store.agile.insertSprint({
      boardId: demoBoard.id,
      name: demo.name,
      goal: demo.goal,
      state: demo.state === 'closed' ? 'closed' : 'future',
      startDate: at(demo.start),
      endDate: at(demo.end),
      completeDate: at(demo.complete),
      createdDate: now + demo.created * DAY_MS,
    });
    const ids = demo.issues.flatMap((key) => {
      const issue = store.getIssue(key);
      if (issue === undefined) throw new Error(`demo sprint names unknown issue ${key}`);
      return [
        issue.id,
        ...all
          .filter((child) => child.parentId === issue.id && child.issueTypeId === '10004')
          .map((child) => child.id),
      ];
    });
    // Joined while open, then the state is set: closed sprints keep their issues as history.
    store.agile.moveIssues(ids, sprint.id);
    if (demo.state === 'active') store.agile.updateSprint(sprint.id, { state: 'active' });
  }
}
