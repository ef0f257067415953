import { describe, expect, it } from 'vitest';
import { arr, jiraErrorBody, obj, specErrors, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const TYPES = '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes';
const FIELDS = '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}';

describe('GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', () => {
  it('lists the issue types a project offers', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/createmeta/DEMO/issuetypes');
    expect(res.status).toBe(200);
    expect(specErrors('GET', TYPES, res)).toEqual([]);
    expect(res.body).toMatchObject({ startAt: 0, maxResults: 50, total: 5 });
    expect(
      arr(obj(res.body)['issueTypes']).map((type) => [
        obj(type)['id'],
        obj(type)['name'],
        obj(type)['subtask'],
      ]),
    ).toEqual([
      ['10000', 'Epic', false],
      ['10001', 'Task', false],
      ['10002', 'Bug', false],
      ['10003', 'Story', false],
      ['10004', 'Sub-task', true],
    ]);
  });

  it('pages and answers 400 for an unknown project', async () => {
    const page = await t.call(
      'GET',
      '/rest/api/3/issue/createmeta/10001/issuetypes?startAt=4&maxResults=10',
    );
    expect(arr(obj(page.body)['issueTypes'])).toHaveLength(1);
    const missing = await t.call('GET', '/rest/api/3/issue/createmeta/NOPE/issuetypes');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(jiraErrorBody(["No project could be found with key 'NOPE'."]));
  });
});

describe('GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', () => {
  const required = (body: unknown): Record<string, unknown> => {
    const flags: Record<string, unknown> = {};
    for (const field of arr(obj(body)['fields']).map(obj))
      flags[String(field['fieldId'])] = field['required'];
    return flags;
  };

  it('lists the create fields with their required flags', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/createmeta/DEMO/issuetypes/10001');
    expect(res.status).toBe(200);
    expect(specErrors('GET', FIELDS, res)).toEqual([]);
    expect(required(res.body)).toEqual({
      issuetype: true,
      project: true,
      summary: true,
      description: false,
      priority: false,
      assignee: false,
      reporter: true,
      labels: false,
      duedate: false,
      timetracking: false,
      parent: false,
      customfield_10030: false,
      customfield_10031: false,
      customfield_10032: false,
    });
  });

  it('requires a parent for sub-tasks and offers none for epics', async () => {
    const subtask = await t.call('GET', '/rest/api/3/issue/createmeta/DEMO/issuetypes/10004');
    expect(required(subtask.body)['parent']).toBe(true);
    const epic = await t.call('GET', '/rest/api/3/issue/createmeta/DEMO/issuetypes/10000');
    expect(required(epic.body)['parent']).toBeUndefined();
  });

  it('gives allowed and default values for priority', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/createmeta/OPS/issuetypes/10002');
    const priority = obj(
      arr(obj(res.body)['fields'])
        .map(obj)
        .find((f) => f['key'] === 'priority'),
    );
    expect(arr(priority['allowedValues']).map((p) => obj(p)['name'])).toEqual([
      'Highest',
      'High',
      'Medium',
      'Low',
      'Lowest',
    ]);
    expect(priority['hasDefaultValue']).toBe(true);
    expect(obj(priority['defaultValue'])['name']).toBe('Medium');
  });

  it('answers 400 for an unknown issue type', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/createmeta/DEMO/issuetypes/99');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([
        "The issue type with id '99' does not exist or is not available in this project.",
      ]),
    );
  });
});
