/**
 * The agile tools end to end: a real MCP SDK client calls /mcp, the
 * gateway calls the sandbox's /rest/agile/1.0, and each answer is checked
 * in its Markdown and structured forms, with the sprint rules, the close
 * confirmation and the audit trail.
 */
import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

describe('agile tools over MCP against the Jira sandbox', () => {
  const { bed, call } = useToolTestBed(['jira:read', 'jira:write']);

  const agileRequests = (method: string, path: string): number =>
    bed.sandbox.requests.filter((r) => r.method === method && r.path === path).length;

  it('jira_list_boards lists boards with their project, filtered by project and type', async () => {
    const all = await call('jira_list_boards', {});
    expect(all.result.isError).toBeFalsy();
    expect(all.data).toEqual({
      boards: [
        { id: 1, name: 'DEMO board', type: 'scrum', projectKey: 'DEMO' },
        { id: 2, name: 'OPS board', type: 'kanban', projectKey: 'OPS' },
        { id: 3, name: "Alice's work", type: 'kanban', projectKey: null },
      ],
      startAt: 0,
      total: 3,
      nextStartAt: null,
      withheld: 0,
    });
    expect(all.text).toBe(
      [
        'Boards (3):',
        '- **DEMO board** (board 1) · scrum · project DEMO',
        '- **OPS board** (board 2) · kanban · project OPS',
        "- **Alice's work** (board 3) · kanban · not in a project",
      ].join('\n'),
    );
    const scrum = await call('jira_list_boards', { projectKey: 'demo', type: 'scrum' });
    expect((scrum.data['boards'] as Structured[]).map((b) => b['id'])).toEqual([1]);
    const paged = await call('jira_list_boards', { maxResults: 1 });
    expect(paged.data['nextStartAt']).toBe(1);
    expect(paged.text).toContain('More boards exist: call again with startAt=1.');
  });

  it("jira_list_sprints lists a board's sprints, filtered by state", async () => {
    const all = await call('jira_list_sprints', { boardId: 1 });
    const sprints = all.data['sprints'] as Structured[];
    expect(sprints.map((s) => [s['id'], s['name'], s['state']])).toEqual([
      [1, 'DEMO Sprint 1', 'closed'],
      [2, 'DEMO Sprint 2', 'active'],
      [3, 'DEMO Sprint 3', 'future'],
    ]);
    expect(sprints[2]).toEqual({
      id: 3,
      name: 'DEMO Sprint 3',
      state: 'future',
      goal: null,
      startDate: null,
      endDate: null,
      completeDate: null,
      boardId: 1,
    });
    const active = await call('jira_list_sprints', { boardId: 1, states: ['active'] });
    expect(active.text).toMatch(
      /^Sprints of board 1 \(1\):\n- \*\*DEMO Sprint 2\*\* \(sprint 2\) · active · \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d · goal: Saved cards and the Safari checkout fix$/,
    );
    const kanban = await call('jira_list_sprints', { boardId: 2 });
    expect(kanban.result.isError).toBe(true);
    expect(kanban.text).toContain('The board does not support sprints.');
  });

  it('jira_get_board_backlog lists the backlog in rank order, narrowed by JQL', async () => {
    const backlog = await call('jira_get_board_backlog', { boardId: 1, maxResults: 3 });
    expect((backlog.data['issues'] as Structured[]).map((i) => i['key'])).toEqual([
      'DEMO-10',
      'DEMO-12',
      'DEMO-15',
    ]);
    expect(backlog.data).toMatchObject({
      boardId: 1,
      startAt: 0,
      total: 7,
      nextStartAt: 3,
      withheld: 0,
    });
    expect(backlog.text.split('\n')[0]).toBe('Backlog of board 1: 3 issue(s) of 7:');
    expect(backlog.text).toContain('More issues: call again with startAt=3.');
    const low = await call('jira_get_board_backlog', { boardId: 1, jql: 'priority = Lowest' });
    expect((low.data['issues'] as Structured[]).map((i) => i['key'])).toEqual(['DEMO-19']);
  });

  it('jira_create_sprint and jira_update_sprint rename, date and refuse to start a second active sprint', async () => {
    const created = await call('jira_create_sprint', {
      boardId: 1,
      name: 'Sprint 4',
      goal: 'Apple Pay',
    });
    const sprint = created.data['sprint'] as Structured;
    expect(sprint).toMatchObject({
      name: 'Sprint 4',
      state: 'future',
      goal: 'Apple Pay',
      boardId: 1,
    });
    const id = sprint['id'] as number;
    const renamed = await call('jira_update_sprint', {
      sprintId: id,
      name: 'Sprint 4: payments',
      startDate: '2026-02-02T09:00:00Z',
      endDate: '2026-02-16T17:00:00Z',
    });
    expect(renamed.data).toMatchObject({
      previousState: 'future',
      sprint: {
        name: 'Sprint 4: payments',
        startDate: '2026-02-02T09:00:00.000Z',
        endDate: '2026-02-16T17:00:00.000Z',
      },
    });
    const second = await call('jira_update_sprint', { sprintId: id, action: 'start' });
    expect(second.result.isError).toBe(true);
    expect(second.text).toContain("Sprint 'DEMO Sprint 2' is already active on this board");
    const backwards = await call('jira_create_sprint', {
      boardId: 1,
      name: 'Backwards',
      startDate: '2026-02-10T00:00:00Z',
      endDate: '2026-02-01T00:00:00Z',
    });
    expect(backwards.text).toBe('endDate must not be before startDate.');
    const nothing = await call('jira_update_sprint', { sprintId: id });
    expect(nothing.text).toBe('Nothing to change: give name, goal, startDate, endDate or action.');
  });

  it("jira_update_sprint closes a sprint only with the person's confirmation, then starts the next", async () => {
    const before = agileRequests('POST', '/rest/agile/1.0/sprint/2');
    const unconfirmed = await call('jira_update_sprint', { sprintId: 2, action: 'close' });
    expect(unconfirmed.result.isError).toBe(true);
    expect(unconfirmed.text).toContain(
      'This action needs the person\'s confirmation: Close sprint "DEMO Sprint 2" (sprint 2); this cannot be undone',
    );
    expect(agileRequests('POST', '/rest/agile/1.0/sprint/2')).toBe(before);
    const closed = await call('jira_update_sprint', {
      sprintId: 2,
      action: 'close',
      confirm: true,
    });
    expect(closed.result.isError).toBeFalsy();
    expect(closed.data).toMatchObject({
      previousState: 'active',
      sprint: { id: 2, state: 'closed' },
    });
    expect(closed.text.split('\n')[0]).toBe('Closed sprint 2:');
    const again = await call('jira_update_sprint', { sprintId: 2, action: 'close', confirm: true });
    expect(again.text).toBe('Sprint 2 is closed: only an active sprint can be closed.');
    const undated = await call('jira_update_sprint', { sprintId: 3, action: 'start' });
    expect(undated.text).toBe(
      'Sprint 3 needs a start and an end date to start: pass startDate and endDate.',
    );
    const started = await call('jira_update_sprint', {
      sprintId: 3,
      action: 'start',
      startDate: '2026-01-31T09:00:00Z',
      endDate: '2026-02-14T17:00:00Z',
    });
    expect(started.data).toMatchObject({ previousState: 'future', sprint: { state: 'active' } });
  });

  it('jira_move_to_sprint moves issues into a sprint and back to the backlog', async () => {
    const sprints = (await call('jira_list_sprints', { boardId: 1, states: ['future', 'active'] }))
      .data['sprints'] as Structured[];
    const target = sprints[0] as Structured;
    const moved = await call('jira_move_to_sprint', {
      issueKeys: ['demo-12', 'DEMO-15', 'DEMO-12'],
      sprintId: target['id'],
    });
    expect(moved.data).toEqual({
      issueKeys: ['DEMO-12', 'DEMO-15'],
      sprintId: target['id'],
      sprintName: target['name'],
    });
    expect(moved.text).toBe(
      `Moved into sprint "${String(target['name'])}" (sprint ${String(target['id'])}, ${String(target['state'])}): DEMO-12, DEMO-15.`,
    );
    const found = await call('jira_search_issues', {
      jql: `sprint = ${String(target['id'])} AND key = DEMO-12`,
    });
    expect((found.data['issues'] as Structured[]).map((i) => i['key'])).toEqual(['DEMO-12']);
    const back = await call('jira_move_to_sprint', { issueKeys: ['DEMO-12'], toBacklog: true });
    expect(back.text).toBe('Moved to the backlog: DEMO-12.');
    const backlog = await call('jira_get_board_backlog', { boardId: 1, maxResults: 50 });
    expect((backlog.data['issues'] as Structured[]).map((i) => i['key'])).toContain('DEMO-12');
    const closed = await call('jira_move_to_sprint', { issueKeys: ['DEMO-12'], sprintId: 1 });
    expect(closed.text).toBe(
      'Sprint 1 ("DEMO Sprint 1") is closed: issues can only move into a future or active sprint.',
    );
    const both = await call('jira_move_to_sprint', {
      issueKeys: ['DEMO-12'],
      sprintId: 3,
      toBacklog: true,
    });
    expect(both.text).toBe(
      'Give exactly one target: sprintId (a sprint) or toBacklog: true (the backlog).',
    );
    const tooMany = await call('jira_move_to_sprint', {
      issueKeys: Array.from({ length: 51 }, (_, i) => `DEMO-${i + 1}`),
      toBacklog: true,
    });
    expect(tooMany.result.isError).toBe(true);
  });

  it('declares scopes and true annotations, and audits every agile call', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['jira_list_boards', 'jira_list_sprints', 'jira_get_board_backlog']),
    );
    expect(names).not.toContain('jira_update_sprint');
    await client.close();
    const writer = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
    const tools = new Map((await writer.listTools()).tools.map((t) => [t.name, t]));
    expect(tools.get('jira_list_boards')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(tools.get('jira_update_sprint')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
    });
    expect(tools.get('jira_create_sprint')?.annotations).toMatchObject({
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(tools.get('jira_move_to_sprint')?.outputSchema).toBeDefined();
    await writer.close();
    const audited = new Set((await bed.toolEvents()).map((e) => e.detail?.['tool']));
    for (const tool of [
      'jira_list_boards',
      'jira_list_sprints',
      'jira_get_board_backlog',
      'jira_create_sprint',
      'jira_update_sprint',
      'jira_move_to_sprint',
    ]) {
      expect(audited).toContain(tool);
    }
  });
});

describe('agile tools confined by JIRA_PROJECTS=OPS', () => {
  const { bed, call } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { JIRA_PROJECTS: 'OPS' },
  });
  const writes = (): string[] =>
    bed.sandbox.requests
      .filter((r) => r.method !== 'GET' && r.path.startsWith('/rest/agile/'))
      .map((r) => `${r.method} ${r.path}`);

  it('lists only boards located in allowed projects; a board in no project is withheld', async () => {
    const { data, text } = await call('jira_list_boards', {});
    expect(data['boards']).toEqual([
      { id: 2, name: 'OPS board', type: 'kanban', projectKey: 'OPS' },
    ]);
    expect(data['withheld']).toBe(2);
    expect(text).toContain(
      '2 board(s) outside the allowed projects (or in no project) were withheld.',
    );
    const demo = await call('jira_list_boards', { projectKey: 'DEMO' });
    expect(demo.text).toBe('Project DEMO is outside the projects this gateway may access (OPS).');
  });

  it('refuses boards, sprints and issues outside the list before any write', async () => {
    const expectRefused = async (name: string, args: Record<string, unknown>, what: string) => {
      const { result, text } = await call(name, args);
      expect(result.isError).toBe(true);
      expect(text).toBe(`${what} is outside the projects this gateway may access (OPS).`);
    };
    await expectRefused('jira_list_sprints', { boardId: 1 }, 'Board 1');
    await expectRefused('jira_get_board_backlog', { boardId: 3 }, 'Board 3');
    await expectRefused('jira_create_sprint', { boardId: 1, name: 'Sneaky' }, 'Board 1');
    await expectRefused(
      'jira_update_sprint',
      { sprintId: 2, action: 'close', confirm: true },
      'Sprint 2',
    );
    await expectRefused('jira_move_to_sprint', { issueKeys: ['OPS-1'], sprintId: 3 }, 'Sprint 3');
    await expectRefused(
      'jira_move_to_sprint',
      { issueKeys: ['OPS-1', 'DEMO-1'], toBacklog: true },
      'Issue DEMO-1',
    );
    expect(writes()).toEqual([]);
  });

  it('confines the backlog of an allowed board to allowed projects', async () => {
    const { data } = await call('jira_get_board_backlog', { boardId: 2 });
    const keys = (data['issues'] as Structured[]).map((i) => i['key'] as string);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith('OPS-'))).toBe(true);
    const sent = bed.sandbox.requests
      .filter((r) => r.path === '/rest/agile/1.0/board/2/backlog')
      .at(-1);
    expect(new URLSearchParams(sent?.query ?? '').get('jql')).toBe('project in ("OPS")');
  });
});
