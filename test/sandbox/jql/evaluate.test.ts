/**
 * The evaluator against the real seeded data (a SQLite store in memory),
 * with the clock at NOW. Expected keys are read off the seed table in
 * src/sandbox/seed-issues.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { PROJECTS } from '../../../src/sandbox/catalog.js';
import { SANDBOX_USERS } from '../../../src/sandbox/directory.js';
import { JqlError } from '../../../src/sandbox/jql/errors.js';
import { compileJql } from '../../../src/sandbox/jql/evaluate.js';
import { toJqlIssue } from '../../../src/sandbox/jql/fields.js';
import { parseJql } from '../../../src/sandbox/jql/parser.js';
import { seedIfEmpty } from '../../../src/sandbox/seed.js';
import { SandboxStore } from '../../../src/sandbox/store.js';
import { ALICE_ID, BOB_ID, NOW } from '../sandbox-fixture.js';

const store = new SandboxStore(':memory:');
seedIfEmpty(store, new ManualClock(NOW));
afterAll(() => {
  store.close();
});

/** Issue keys matching `jql`, in the query's order. */
function run(jql: string, me = ALICE_ID): string[] {
  const records = store.listIssues();
  const byId = new Map(records.map((r) => [r.id, r]));
  const comments = store.listAllComments();
  const compiled = compileJql(parseJql(jql), {
    now: NOW,
    currentAccountId: me,
    findIssue: (keyOrId) => store.getIssue(keyOrId),
    projects: PROJECTS,
    users: SANDBOX_USERS,
  });
  return records
    .map((r) =>
      toJqlIssue(
        r,
        r.parentId === null ? undefined : byId.get(r.parentId),
        comments.filter((c) => c.issueId === r.id),
      ),
    )
    .filter(compiled.matches)
    .sort(compiled.compare)
    .map((issue) => issue.key);
}

/** Matching keys as a set, in key order, for membership assertions. */
function keys(jql: string, me = ALICE_ID): string[] {
  return run(`${jql} ORDER BY key`, me);
}

const demo = (...numbers: number[]): string[] => numbers.map((n) => `DEMO-${n}`);

function errorsOf(jql: string): readonly string[] {
  try {
    run(jql);
  } catch (error) {
    if (error instanceof JqlError) return error.messages;
    throw error;
  }
  throw new Error(`expected "${jql}" to be rejected`);
}

describe('JQL fields', () => {
  it('project by key, id and name; NOT IN', () => {
    expect(keys('project = OPS')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(keys('project = 10001')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(keys('project = "Demo Project"')).toHaveLength(28);
    expect(keys('project not in (DEMO)')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
  });

  it('key and issuekey: equality, lists, and ordering within one project', () => {
    expect(keys('key = DEMO-5')).toEqual(demo(5));
    expect(keys('issuekey in (DEMO-1, OPS-2, 10003)')).toEqual([...demo(1, 3), 'OPS-2']);
    expect(keys('key > DEMO-25')).toEqual(demo(26, 27, 28));
    expect(keys('key <= OPS-1')).toEqual(['OPS-1']);
    expect(keys('key != DEMO-1 AND project = OPS')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
  });

  it('parent matches children of an epic or a story', () => {
    expect(keys('parent = DEMO-1')).toEqual(demo(3, 17, 20, 24));
    expect(keys('parent in (DEMO-3, DEMO-24)')).toEqual(demo(4, 5, 25));
  });

  it('status by name or id, and statusCategory by key or name', () => {
    expect(keys('project = DEMO AND status = "In Progress"')).toEqual(
      demo(1, 3, 5, 8, 13, 18, 24, 26),
    );
    expect(keys('project = DEMO AND status = 10001')).toEqual(demo(4, 7, 11, 16, 17, 21, 22, 28));
    expect(keys('status in ("To Do", Done) AND project = OPS')).toEqual(['OPS-1', 'OPS-3']);
    expect(keys('statusCategory = done AND project = OPS')).toEqual(['OPS-3']);
    expect(keys('statusCategory = "In Progress"')).toEqual([
      ...demo(1, 3, 5, 8, 13, 18, 24, 26),
      'OPS-2',
    ]);
  });

  it('issuetype and type by name or id', () => {
    expect(keys('type = Sub-task')).toEqual(demo(4, 5, 14, 25));
    expect(keys('issuetype in (Epic, Story)')).toEqual(demo(1, 2, 3, 9, 12, 17, 20, 24));
    expect(keys('issuetype = 10002 AND project = OPS')).toEqual(['OPS-2']);
  });

  it('priority by name, and compared by urgency', () => {
    expect(keys('priority = Highest')).toEqual([...demo(6, 16, 21), 'OPS-2']);
    expect(keys('priority >= High')).toEqual([
      ...demo(1, 3, 6, 8, 11, 16, 17, 21, 23),
      'OPS-1',
      'OPS-2',
    ]);
    expect(keys('priority < Medium')).toEqual([...demo(10, 12, 18, 19, 26, 27), 'OPS-3']);
    expect(keys('priority <= 5')).toEqual(demo(19));
  });

  it('assignee with currentUser(), account id, email, display name and EMPTY', () => {
    expect(keys('project = DEMO AND assignee = currentUser()')).toEqual(
      demo(1, 3, 5, 8, 11, 15, 16, 17, 24, 26),
    );
    expect(keys('project = OPS AND assignee = currentUser()', BOB_ID)).toEqual(['OPS-1', 'OPS-3']);
    expect(keys(`project = OPS AND assignee = "${BOB_ID}"`)).toEqual(['OPS-1', 'OPS-3']);
    expect(keys('project = OPS AND assignee = "alice@example.com"')).toEqual(['OPS-2']);
    expect(keys('assignee is EMPTY')).toEqual(demo(9, 12, 19, 20, 22, 25));
    expect(keys('assignee = NULL')).toEqual(demo(9, 12, 19, 20, 22, 25));
  });

  it('!= and NOT IN never match an empty field, as in Jira', () => {
    expect(keys('project = DEMO AND assignee != "Alice Admin"')).toEqual(
      demo(2, 4, 6, 7, 10, 13, 14, 18, 21, 23, 27, 28),
    );
    expect(keys('labels not in (checkout) AND project = OPS')).toEqual(['OPS-1', 'OPS-2']);
  });

  it('IN with EMPTY matches empty fields too; IS NOT EMPTY the rest', () => {
    expect(keys('project = DEMO AND assignee in (EMPTY, currentUser())', BOB_ID)).toEqual(
      demo(2, 4, 6, 7, 9, 10, 12, 13, 14, 18, 19, 20, 21, 22, 23, 25, 27, 28),
    );
    expect(keys('project = OPS AND assignee is not EMPTY')).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
  });

  it('reporter and creator', () => {
    expect(keys('project = OPS AND reporter = currentUser()', BOB_ID)).toEqual([
      'OPS-1',
      'OPS-2',
      'OPS-3',
    ]);
    expect(keys('project = OPS AND creator != currentUser()', BOB_ID)).toEqual([]);
  });

  it('labels: =, IN, and IS EMPTY', () => {
    expect(keys('labels = checkout')).toEqual(demo(1, 3, 6, 17, 20, 21, 22));
    expect(keys('labels in (ops, security)')).toEqual(demo(2, 10, 13, 16, 23, 28));
    expect(keys('labels is EMPTY')).toEqual([...demo(12), 'OPS-3']);
    expect(keys('labels = CHECKOUT AND labels = safari')).toEqual(demo(6));
  });

  it('summary ~ matches words, stems, prefixes and phrases', () => {
    expect(keys('summary ~ checkout')).toEqual(demo(1, 5, 6, 14, 17, 24, 27));
    expect(keys('summary ~ card')).toEqual(demo(3, 4, 5));
    expect(keys('summary ~ "check*"')).toEqual(demo(1, 5, 6, 14, 17, 24, 27));
    expect(keys('summary ~ "\\"saved card\\""')).toEqual(demo(3, 5));
    expect(keys('summary ~ "checkout form"')).toEqual(demo(5, 24));
    expect(keys('project = OPS AND summary !~ backup')).toEqual(['OPS-1', 'OPS-3']);
  });

  it('text ~ searches summary, description (including mentions) and comments', () => {
    expect(keys('text ~ idempotent')).toEqual(demo(8));
    expect(keys('text ~ dedupe')).toEqual(demo(8));
    expect(keys('text ~ Builder')).toEqual(demo(3));
    expect(keys('description ~ WCAG')).toEqual(demo(24));
    expect(keys('comment ~ regression')).toEqual(demo(21));
  });

  it('resolution: Unresolved is EMPTY, Done is set by the workflow', () => {
    expect(keys('project = OPS AND resolution = Unresolved')).toEqual(['OPS-1', 'OPS-2']);
    expect(keys('project = OPS AND resolution is not EMPTY')).toEqual(['OPS-3']);
    expect(keys('project = OPS AND resolution = Done')).toEqual(['OPS-3']);
  });
});

describe('JQL dates', () => {
  it('relative periods in days, weeks and hours, inclusive at the boundary', () => {
    expect(keys('created >= -7d')).toEqual([...demo(15, 18, 27), 'OPS-2']);
    expect(keys('created >= -2w')).toEqual([
      ...demo(6, 8, 15, 18, 22, 23, 26, 27),
      'OPS-1',
      'OPS-2',
    ]);
    expect(keys('updated >= -12h')).toEqual(demo(6, 26));
    expect(keys('updated > -12h')).toEqual(demo(26));
    expect(keys('updated >= "-1d"')).toEqual(demo(5, 6, 13, 18, 26));
  });

  it('absolute dates are UTC midnight, optionally with a time', () => {
    expect(keys('created >= "2026-01-27"')).toEqual([...demo(18, 27), 'OPS-2']);
    expect(keys('created < "2025/12/05"')).toEqual(demo(1, 2, 28));
    expect(keys('created >= "2026-01-27 12:01"')).toEqual([...demo(27), 'OPS-2']);
    expect(keys('created = "2026-01-29 12:00"')).toEqual(demo(27));
  });

  it('startOfDay, startOfWeek (Monday), startOfMonth and now()', () => {
    expect(keys('updated > startOfDay()')).toEqual(demo(26));
    expect(keys('updated >= startOfDay()')).toEqual(demo(6, 26));
    expect(keys('created >= startOfWeek()')).toEqual([...demo(18, 27), 'OPS-2']);
    expect(keys('project = OPS AND created >= startOfMonth()')).toEqual(['OPS-1', 'OPS-2']);
    expect(keys('created > now()')).toEqual([]);
    expect(keys('updated >= startOfDay(-1)')).toEqual([...demo(5, 6, 13, 18, 26), 'OPS-2']);
  });

  it('resolved and due dates, and IS EMPTY on dates', () => {
    expect(keys('resolved >= -10d')).toEqual(demo(11, 17));
    expect(keys('resolved < -10d AND resolved >= -14d')).toEqual(demo(21, 22));
    expect(keys('due <= "2026-03-31"')).toEqual([...demo(10), 'OPS-1']);
    expect(keys('project = OPS AND duedate is EMPTY')).toEqual(['OPS-2', 'OPS-3']);
  });
});

describe('JQL logic', () => {
  it('AND binds tighter than OR', () => {
    expect(keys('project = OPS OR project = DEMO AND priority = Highest')).toEqual([
      ...demo(6, 16, 21),
      'OPS-1',
      'OPS-2',
      'OPS-3',
    ]);
  });

  it('parentheses regroup', () => {
    expect(keys('(project = OPS OR project = DEMO) AND priority = Highest')).toEqual([
      ...demo(6, 16, 21),
      'OPS-2',
    ]);
  });

  it('NOT negates a clause or a group', () => {
    expect(keys('project = OPS AND NOT status = Done')).toEqual(['OPS-1', 'OPS-2']);
    expect(keys('project = OPS AND NOT (status = Done OR priority = Highest)')).toEqual(['OPS-1']);
    expect(keys('project = OPS && !(status = Done || priority = Highest)')).toEqual(['OPS-1']);
  });

  it('is case-insensitive in keywords and field names', () => {
    expect(run('Project = ops and STATUS != done order by KEY desc')).toEqual(['OPS-2', 'OPS-1']);
  });
});

describe('JQL ORDER BY', () => {
  it('defaults to created DESC', () => {
    expect(run('project = DEMO').slice(0, 3)).toEqual(demo(27, 18, 15));
  });

  it('sorts by several fields and directions', () => {
    expect(run('project = OPS ORDER BY priority DESC')).toEqual(['OPS-2', 'OPS-1', 'OPS-3']);
    expect(run('priority = Highest ORDER BY project DESC, key ASC')).toEqual([
      'OPS-2',
      ...demo(6, 16, 21),
    ]);
    expect(run('project = DEMO AND status != Done ORDER BY status, key').slice(-2)).toEqual(
      demo(24, 26),
    );
  });

  it('puts empty values last ascending and first descending', () => {
    expect(run('key in (DEMO-9, DEMO-8, DEMO-7) ORDER BY assignee')).toEqual(demo(8, 7, 9));
    expect(run('key in (DEMO-9, DEMO-8, DEMO-7) ORDER BY assignee DESC')).toEqual(demo(9, 7, 8));
  });

  it('breaks ties by newest id', () => {
    expect(run('project = OPS ORDER BY project')).toEqual(['OPS-3', 'OPS-2', 'OPS-1']);
  });

  it('rejects unsortable and unknown fields', () => {
    expect(errorsOf('project = OPS ORDER BY description, nope')).toEqual([
      "Not able to sort using field 'description'.",
      "Field 'nope' does not exist or you do not have permission to view it.",
    ]);
  });
});

describe('JQL validation errors', () => {
  it('reports every problem of the query together', () => {
    expect(errorsOf('universe = 42 AND status ~ Done AND project = NOPE')).toEqual([
      "Field 'universe' does not exist or you do not have permission to view it.",
      "The operator '~' is not supported by the 'status' field.",
      "The value 'NOPE' does not exist for the field 'project'.",
    ]);
  });

  it('rejects values that do not exist, keeping the field as written', () => {
    expect(errorsOf('Assignee = nobody')).toEqual([
      "The value 'nobody' does not exist for the field 'Assignee'.",
    ]);
    expect(errorsOf('priority = Urgent')).toEqual([
      "The value 'Urgent' does not exist for the field 'priority'.",
    ]);
    expect(errorsOf('key = DEMO-999')).toEqual([
      "An issue with key 'DEMO-999' does not exist for field 'key'.",
    ]);
    expect(errorsOf('key = nonsense')).toEqual([
      "The issue key 'nonsense' for field 'key' is invalid.",
    ]);
  });

  it('rejects an operand of the wrong shape for the operator', () => {
    expect(errorsOf('status in Done')).toEqual([
      "Operator 'in' does not support the non-list value 'Done' for field 'status'.",
    ]);
    expect(errorsOf('summary in "test"')).toEqual([
      "The operator 'in' is not supported by the 'summary' field.",
    ]);
    expect(errorsOf('status = (Done, "To Do")')).toEqual([
      `Operator '=' does not support the list value '(Done, "To Do")' for field 'status'.`,
    ]);
    expect(errorsOf('assignee is bob')).toEqual([
      "Operator 'is' only supports the values 'EMPTY' and 'NULL' for field 'assignee'.",
    ]);
    expect(errorsOf('summary = test')).toEqual([
      "The operator '=' is not supported by the 'summary' field.",
    ]);
  });

  it('rejects bad dates, misplaced and unknown functions, and empty text', () => {
    expect(errorsOf('created > "2026-02-30"')).toEqual([
      "Date value '2026-02-30' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
    ]);
    expect(errorsOf('created > currentUser()')).toEqual([
      "Function 'currentUser' is not supported by the 'created' field.",
    ]);
    expect(errorsOf('assignee = whoever()')).toEqual(["Unable to find JQL function 'whoever()'."]);
    expect(errorsOf('summary ~ ""')).toEqual([
      "The field 'summary' does not support searching for an empty string.",
    ]);
  });

  it('reports an unbounded query as not bounded rather than as an error', () => {
    const compiled = compileJql(parseJql('ORDER BY key'), {
      now: NOW,
      currentAccountId: ALICE_ID,
      findIssue: () => undefined,
      projects: PROJECTS,
      users: SANDBOX_USERS,
    });
    expect(compiled.bounded).toBe(false);
  });
});
