/**
 * The sandbox's Jira Software agile API (/rest/agile/1.0): boards, sprints,
 * backlog and moves, each answer validated against Atlassian's Jira
 * Software OpenAPI description, with Jira's rules on sprint states.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateRequestBody, validateSchema } from '../helpers/openapi-validator.js';
import {
  ALICE_ID,
  arr,
  jiraErrorBody,
  NOW,
  obj,
  specErrors,
  useTestSandbox,
  type JsonResponse,
} from './sandbox-fixture.js';

const A = '/rest/agile/1.0';

function keysOf(response: JsonResponse): string[] {
  return arr(obj(response.body)['issues']).map((i) => String(obj(i)['key']));
}

function sprintErrors(value: unknown): string[] {
  return validateSchema('SprintBean', value, 'software').errors;
}

describe('sandbox agile API: boards', () => {
  const sb = useTestSandbox();

  it('GET /board lists the boards the caller may see, conforming to the description', async () => {
    const alice = await sb.call('GET', `${A}/board`);
    expect(alice.status).toBe(200);
    expect(specErrors('GET', `${A}/board`, alice)).toEqual([]);
    const body = obj(alice.body);
    expect(body).toMatchObject({ startAt: 0, maxResults: 50, total: 3, isLast: true });
    expect(arr(body['values']).map((b) => obj(b)['name'])).toEqual([
      'DEMO board',
      'OPS board',
      "Alice's work",
    ]);
    expect(obj(arr(body['values'])[0])).toMatchObject({
      id: 1,
      type: 'scrum',
      self: `${sb.url}${A}/board/1`,
      location: { projectId: 10000, projectKey: 'DEMO', projectName: 'Demo Project' },
    });
    expect(obj(arr(body['values'])[2])['location']).toEqual({
      userAccountId: ALICE_ID,
      displayName: 'Alice Admin',
      name: 'Alice Admin',
    });
    // Bob browses DEMO only: OPS's board does not exist for him.
    const bob = await sb.call('GET', `${A}/board`, undefined, 'bob');
    expect(arr(obj(bob.body)['values']).map((b) => obj(b)['id'])).toEqual([1, 3]);
    expect((await sb.call('GET', `${A}/board/2`, undefined, 'bob')).body).toEqual(
      jiraErrorBody(['Board does not exist or you do not have permission to see it.']),
    );
  });

  it('GET /board filters by project, type and name, and pages', async () => {
    const byProject = await sb.call('GET', `${A}/board?projectKeyOrId=OPS`);
    expect(arr(obj(byProject.body)['values']).map((b) => obj(b)['id'])).toEqual([2]);
    const byType = await sb.call('GET', `${A}/board?type=kanban`);
    expect(arr(obj(byType.body)['values']).map((b) => obj(b)['id'])).toEqual([2, 3]);
    const byName = await sb.call('GET', `${A}/board?name=demo`);
    expect(arr(obj(byName.body)['values']).map((b) => obj(b)['id'])).toEqual([1]);
    const paged = await sb.call('GET', `${A}/board?startAt=1&maxResults=1`);
    expect(obj(paged.body)).toMatchObject({ startAt: 1, maxResults: 1, total: 3, isLast: false });
    const unknown = await sb.call('GET', `${A}/board?projectKeyOrId=NOPE`);
    expect(unknown.status).toBe(400);
    expect(specErrors('GET', `${A}/board`, unknown)).toEqual([]);
    expect((await sb.call('GET', `${A}/board?type=weird`)).status).toBe(400);
  });

  it('GET /board/{id}/sprint orders closed, active, future and filters by state', async () => {
    const all = await sb.call('GET', `${A}/board/1/sprint`);
    expect(all.status).toBe(200);
    const sprints = arr(obj(all.body)['values']).map(obj);
    expect(sprints.map((s) => [s['id'], s['state']])).toEqual([
      [1, 'closed'],
      [2, 'active'],
      [3, 'future'],
    ]);
    for (const sprint of sprints) expect(sprintErrors(sprint)).toEqual([]);
    expect(sprints[1]).toEqual({
      id: 2,
      self: `${sb.url}${A}/sprint/2`,
      state: 'active',
      name: 'DEMO Sprint 2',
      startDate: new Date(NOW - 13 * 86_400_000).toISOString(),
      endDate: new Date(NOW + 86_400_000).toISOString(),
      createdDate: new Date(NOW - 15 * 86_400_000).toISOString(),
      originBoardId: 1,
      goal: 'Saved cards and the Safari checkout fix',
    });
    const open = await sb.call('GET', `${A}/board/1/sprint?state=active,future`);
    expect(arr(obj(open.body)['values']).map((s) => obj(s)['id'])).toEqual([2, 3]);
    const kanban = await sb.call('GET', `${A}/board/2/sprint`);
    expect(kanban.status).toBe(400);
    expect(kanban.body).toEqual(jiraErrorBody(['The board does not support sprints.']));
    expect(specErrors('GET', `${A}/board/{boardId}/sprint`, kanban)).toEqual([]);
  });

  it('GET /board/{id}/backlog holds incomplete issues in no open sprint, narrowed by jql', async () => {
    const backlog = await sb.call(
      'GET',
      `${A}/board/1/backlog?fields=summary,status,customfield_10020`,
    );
    expect(backlog.status).toBe(200);
    expect(specErrors('GET', `${A}/board/{boardId}/backlog`, backlog)).toEqual([]);
    const keys = keysOf(backlog);
    expect(keys).toEqual([
      'DEMO-10',
      'DEMO-12',
      'DEMO-15',
      'DEMO-19',
      'DEMO-20',
      'DEMO-26',
      'DEMO-27',
    ]);
    const narrowed = await sb.call(
      'GET',
      `${A}/board/1/backlog?jql=${encodeURIComponent('priority = Low')}`,
    );
    expect(keysOf(narrowed)).toEqual(['DEMO-10', 'DEMO-12', 'DEMO-26', 'DEMO-27']);
    const first = obj(arr(obj(narrowed.body)['issues'])[0]);
    expect(first['self']).toBe(`${sb.url}${A}/issue/${String(first['id'])}`);
    expect(obj(first['fields'])).toMatchObject({ sprint: null, closedSprints: [], flagged: false });
    const bad = await sb.call('GET', `${A}/board/1/backlog?jql=${encodeURIComponent('nope = 1')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(
      jiraErrorBody(["Field 'nope' does not exist or you do not have permission to view it."]),
    );
  });
});

describe('sandbox agile API: sprints', () => {
  const sb = useTestSandbox();

  it('shows the Sprint field (customfield_10020) on issues as Jira Cloud does', async () => {
    const carried = await sb.call('GET', '/rest/api/3/issue/DEMO-3?fields=customfield_10020');
    const field = arr(obj(obj(carried.body)['fields'])['customfield_10020']).map(obj);
    expect(field.map((s) => [s['id'], s['name'], s['state'], s['boardId']])).toEqual([
      [1, 'DEMO Sprint 1', 'closed', 1],
      [2, 'DEMO Sprint 2', 'active', 1],
    ]);
    expect(Object.keys(field[0] ?? {})).toEqual([
      'id',
      'name',
      'state',
      'boardId',
      'goal',
      'startDate',
      'endDate',
      'completeDate',
    ]);
    const none = await sb.call('GET', '/rest/api/3/issue/DEMO-12?fields=customfield_10020');
    expect(obj(obj(none.body)['fields'])['customfield_10020']).toBeNull();
  });

  it('searches by sprint in JQL: id, name, EMPTY, openSprints() and closedSprints()', async () => {
    const search = async (jql: string, who = 'alice'): Promise<JsonResponse> =>
      sb.call(
        'GET',
        `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=summary&maxResults=100`,
        undefined,
        who,
      );
    const sorted = (response: JsonResponse): string[] =>
      keysOf(response).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    expect(sorted(await search('sprint = 1'))).toEqual([
      'DEMO-3',
      'DEMO-4',
      'DEMO-5',
      'DEMO-7',
      'DEMO-11',
      'DEMO-17',
      'DEMO-21',
      'DEMO-22',
    ]);
    expect(sorted(await search('sprint = "demo sprint 3"'))).toEqual(['DEMO-9', 'DEMO-23']);
    const open = sorted(await search('sprint in openSprints()'));
    expect(open).toEqual(expect.arrayContaining(['DEMO-6', 'DEMO-9', 'DEMO-25']));
    expect(open).not.toContain('DEMO-7');
    expect(
      sorted(await search('sprint in closedSprints() AND sprint not in openSprints()')),
    ).toEqual(['DEMO-7', 'DEMO-11', 'DEMO-17', 'DEMO-21', 'DEMO-22']);
    expect(
      sorted(await search('project = DEMO AND sprint is EMPTY AND statusCategory != Done')),
    ).toContain('DEMO-12');
    const unknown = await search('sprint = 99');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      jiraErrorBody(["The value '99' does not exist for the field 'sprint'."]),
    );
    expect((await search('sprint = openSprints()')).body).toEqual(
      jiraErrorBody(["The operator '=' is not supported by the 'openSprints' function."]),
    );
  });

  it('creates a future sprint (201) and refuses what Jira refuses', async () => {
    const body = { name: '  Sprint 4 ', originBoardId: 1, goal: 'Ship it' };
    expect(validateRequestBody('POST', `${A}/sprint`, body).errors).toEqual([]);
    const created = await sb.call('POST', `${A}/sprint`, body);
    expect(created.status).toBe(201);
    expect(sprintErrors(created.body)).toEqual([]);
    expect(obj(created.body)).toMatchObject({
      name: 'Sprint 4',
      state: 'future',
      goal: 'Ship it',
      originBoardId: 1,
    });
    expect((await sb.call('POST', `${A}/sprint`, { name: 'x', originBoardId: 2 })).body).toEqual(
      jiraErrorBody(['The board does not support sprints.']),
    );
    const nameless = await sb.call('POST', `${A}/sprint`, { originBoardId: 1 });
    expect(nameless.status).toBe(400);
    expect(nameless.body).toEqual(
      jiraErrorBody([], { name: 'The sprint name must not be empty.' }),
    );
    const missingBoard = await sb.call('POST', `${A}/sprint`, { name: 'x', originBoardId: 99 });
    expect(missingBoard.status).toBe(404);
    expect(specErrors('POST', `${A}/sprint`, missingBoard)).toEqual([]);
    const badDate = await sb.call('POST', `${A}/sprint`, {
      name: 'x',
      originBoardId: 1,
      startDate: 'soon',
    });
    expect(badDate.body).toEqual(
      jiraErrorBody([], { startDate: "The date 'soon' is not a valid ISO 8601 date." }),
    );
  });

  it('starts only with dates and no other active sprint, closes once, never reopens', async () => {
    const created = obj(
      (await sb.call('POST', `${A}/sprint`, { name: 'Next', originBoardId: 1 })).body,
    );
    const path = `${A}/sprint/${String(created['id'])}`;
    const noDates = await sb.call('POST', path, { state: 'active' });
    expect(noDates.status).toBe(400);
    expect(noDates.body).toEqual(
      jiraErrorBody(['A sprint must have a start date and an end date before it can be started.']),
    );
    const dates = { startDate: '2026-02-01T09:00:00.000Z', endDate: '2026-02-14T17:00:00.000Z' };
    const busy = await sb.call('POST', path, { state: 'active', ...dates });
    expect(busy.body).toEqual(
      jiraErrorBody([
        "Sprint 'DEMO Sprint 2' is already active on this board: only one sprint can be active at a time.",
      ]),
    );
    // Close the active one (completeDate = now), then start the new one.
    const closed = await sb.call('POST', `${A}/sprint/2`, { state: 'closed' });
    expect(closed.status).toBe(200);
    expect(sprintErrors(closed.body)).toEqual([]);
    expect(obj(closed.body)).toMatchObject({
      state: 'closed',
      completeDate: new Date(NOW).toISOString(),
    });
    const started = await sb.call('POST', path, { state: 'active', ...dates });
    expect(obj(started.body)).toMatchObject({ state: 'active', ...dates });
    // A closed sprint: no reopening; dates ignored; name and goal still change.
    expect((await sb.call('POST', `${A}/sprint/2`, { state: 'active' })).body).toEqual(
      jiraErrorBody(['A closed sprint cannot be reopened.']),
    );
    const renamed = await sb.call('POST', `${A}/sprint/2`, {
      name: 'Sprint 2 (done)',
      startDate: '2020-01-01T00:00:00.000Z',
    });
    expect(obj(renamed.body)).toMatchObject({
      name: 'Sprint 2 (done)',
      startDate: new Date(NOW - 13 * 86_400_000).toISOString(),
    });
    // Its unfinished issues are back in the backlog; DEMO-16 (done) is not.
    const backlog = keysOf(await sb.call('GET', `${A}/board/1/backlog?maxResults=100`));
    expect(backlog).toEqual(expect.arrayContaining(['DEMO-3', 'DEMO-6', 'DEMO-8']));
    expect(backlog).not.toContain('DEMO-16');
    // A future sprint cannot be closed.
    const future = await sb.call('POST', `${A}/sprint/3`, { state: 'closed' });
    expect(future.body).toEqual(
      jiraErrorBody(["A sprint cannot change from 'future' to 'closed'."]),
    );
  });
});

describe('sandbox agile API: moving issues', () => {
  const sb = useTestSandbox();

  it('moves issues into a sprint (sub-tasks follow) and back, recording Sprint history', async () => {
    const body = { issues: ['DEMO-12', 'DEMO-24'] };
    expect(validateRequestBody('POST', `${A}/sprint/{sprintId}/issue`, body).errors).toEqual([]);
    const moved = await sb.call('POST', `${A}/sprint/3/issue`, body);
    expect(moved.status).toBe(204);
    const inSprint = await sb.call('GET', `${A}/sprint/3/issue?fields=summary`);
    expect(specErrors('GET', `${A}/sprint/{sprintId}/issue`, inSprint)).toEqual([]);
    expect(keysOf(inSprint)).toEqual(['DEMO-9', 'DEMO-12', 'DEMO-23', 'DEMO-24', 'DEMO-25']);
    // DEMO-24 left the active sprint 2 for sprint 3.
    expect(keysOf(await sb.call('GET', `${A}/sprint/2/issue`))).not.toContain('DEMO-24');
    const jql = await sb.call(
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('sprint = 3')}&fields=summary`,
    );
    expect(keysOf(jql).sort()).toEqual(['DEMO-12', 'DEMO-23', 'DEMO-24', 'DEMO-25', 'DEMO-9']);
    const history = await sb.call('GET', '/rest/api/3/issue/DEMO-24/changelog');
    const items = arr(obj(history.body)['values']).flatMap((e) => arr(obj(e)['items']).map(obj));
    expect(items.at(-1)).toEqual({
      field: 'Sprint',
      fieldtype: 'custom',
      fieldId: 'customfield_10020',
      from: '2',
      fromString: 'DEMO Sprint 2',
      to: '3',
      toString: 'DEMO Sprint 3',
    });
    const back = await sb.call('POST', `${A}/backlog/issue`, { issues: ['DEMO-12'] });
    expect(back.status).toBe(204);
    expect(keysOf(await sb.call('GET', `${A}/board/1/backlog`))).toContain('DEMO-12');
  });

  it('refuses closed sprints, more than 50 issues, sub-tasks and invisible issues', async () => {
    const closed = await sb.call('POST', `${A}/sprint/1/issue`, { issues: ['DEMO-12'] });
    expect(closed.status).toBe(400);
    expect(closed.body).toEqual(
      jiraErrorBody(['Issues can only be moved to open or active sprints.']),
    );
    expect(specErrors('POST', `${A}/sprint/{sprintId}/issue`, closed)).toEqual([]);
    const many = Array.from({ length: 51 }, (_, i) => `DEMO-${i + 1}`);
    expect((await sb.call('POST', `${A}/backlog/issue`, { issues: many })).body).toEqual(
      jiraErrorBody(['At most 50 issues can be moved in one operation.']),
    );
    expect((await sb.call('POST', `${A}/sprint/3/issue`, { issues: ['DEMO-25'] })).status).toBe(
      400,
    );
    const hidden = await sb.call('POST', `${A}/sprint/3/issue`, { issues: ['OPS-1'] }, 'bob');
    expect(hidden.status).toBe(400);
    const noSprint = await sb.call('GET', `${A}/sprint/99`);
    expect(noSprint.status).toBe(404);
    expect(noSprint.body).toEqual(
      jiraErrorBody(['Sprint does not exist or you do not have permission to see it.']),
    );
  });

  it('needs Manage Sprints (Administrators or Developers) to create, change or fill sprints', async () => {
    sb.sandbox.addUser({ name: 'viewer', projects: [{ key: 'DEMO', roles: ['Users'] }] });
    const denied = jiraErrorBody(['You do not have permission to manage sprints on this board.']);
    const create = await sb.call('POST', `${A}/sprint`, { name: 'x', originBoardId: 1 }, 'viewer');
    expect(create.status).toBe(403);
    expect(create.body).toEqual(denied);
    expect(specErrors('POST', `${A}/sprint`, create)).toEqual([]);
    expect((await sb.call('POST', `${A}/sprint/3`, { name: 'y' }, 'viewer')).status).toBe(403);
    const move = await sb.call('POST', `${A}/sprint/3/issue`, { issues: ['DEMO-12'] }, 'viewer');
    expect(move.status).toBe(403);
    // Reading is browsing: the board and its sprints are visible.
    expect((await sb.call('GET', `${A}/board/1/sprint`, undefined, 'viewer')).status).toBe(200);
  });

  it('answers a sprint issue page shaped like a real Cloud one (go-jira sample)', async () => {
    const sample = JSON.parse(
      readFileSync(
        new URL(
          '../fixtures/software-cloud/samples/go-jira-issues_in_sprint.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as unknown;
    // The validator accepts the real page and rejects a broken one, so "conforms" means something.
    expect(validateSchema('SearchResults', sample, 'software').errors).toEqual([]);
    expect(
      validateSchema('SearchResults', { ...obj(sample), total: 'ten' }, 'software').errors,
    ).toEqual(['/total must be integer']);
    const page = await sb.call('GET', `${A}/sprint/2/issue`);
    expect(page.status).toBe(200);
    expect(validateSchema('SearchResults', page.body, 'software').errors).toEqual([]);
    expect(Object.keys(obj(page.body))).toEqual(Object.keys(obj(sample)));
    const issue = obj(arr(obj(page.body)['issues'])[0]);
    expect(Object.keys(issue)).toEqual(
      expect.arrayContaining(['expand', 'id', 'self', 'key', 'fields']),
    );
  });

  it('serves the agile API to Bearer tokens under the /ex/jira gateway prefix too', async () => {
    // Basic auth does not reach the 3LO prefix: the route exists, the credential does not fit.
    const response = await sb.call('GET', '/ex/jira/anything/rest/agile/1.0/board');
    expect(response.status).not.toBe(404);
  });
});
