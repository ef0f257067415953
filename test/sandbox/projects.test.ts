import { describe, expect, it } from 'vitest';
import { arr, jiraErrorBody, obj, specErrors, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const keysOf = (body: unknown): unknown[] => arr(obj(body)['values']).map((p) => obj(p)['key']);

describe('GET /rest/api/3/project/search', () => {
  it('returns a PageBeanProject of both projects, ordered by key', async () => {
    const res = await t.call('GET', '/rest/api/3/project/search');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/project/search', res)).toEqual([]);
    expect(res.body).toMatchObject({ startAt: 0, maxResults: 50, total: 2, isLast: true });
    expect(obj(res.body)['nextPage']).toBeUndefined();
    expect(keysOf(res.body)).toEqual(['DEMO', 'OPS']);
    expect(arr(obj(res.body)['values'])[0]).toMatchObject({
      id: '10000',
      key: 'DEMO',
      name: 'Demo Project',
      self: `${t.url}/rest/api/3/project/10000`,
      projectTypeKey: 'software',
    });
  });

  it('pages with startAt/maxResults and links the next page', async () => {
    const first = await t.call('GET', '/rest/api/3/project/search?maxResults=1');
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(keysOf(first.body)).toEqual(['DEMO']);
    const next = String(obj(first.body)['nextPage']);
    expect(next).toBe(`${t.url}/rest/api/3/project/search?startAt=1&maxResults=1`);
    const second = await t.call('GET', next.slice(t.url.length));
    expect(second.body).toMatchObject({ startAt: 1, isLast: true });
    expect(keysOf(second.body)).toEqual(['OPS']);
  });

  it('filters by query (key or name), by keys, and orders by name descending', async () => {
    expect(keysOf((await t.call('GET', '/rest/api/3/project/search?query=operat')).body)).toEqual([
      'OPS',
    ]);
    expect(keysOf((await t.call('GET', '/rest/api/3/project/search?query=dem')).body)).toEqual([
      'DEMO',
    ]);
    expect(
      keysOf((await t.call('GET', '/rest/api/3/project/search?keys=OPS&keys=demo')).body),
    ).toEqual(['DEMO', 'OPS']);
    expect(keysOf((await t.call('GET', '/rest/api/3/project/search?keys=OPS')).body)).toEqual([
      'OPS',
    ]);
    expect(keysOf((await t.call('GET', '/rest/api/3/project/search?orderBy=-name')).body)).toEqual([
      'OPS',
      'DEMO',
    ]);
  });

  it('lowers maxResults above 100 to 100', async () => {
    const res = await t.call('GET', '/rest/api/3/project/search?maxResults=500');
    expect(obj(res.body)['maxResults']).toBe(100);
  });

  it('adds description, lead, issue types and insight on expand', async () => {
    const res = await t.call(
      'GET',
      '/rest/api/3/project/search?keys=OPS&expand=description,lead,issueTypes,insight',
    );
    expect(specErrors('GET', '/rest/api/3/project/search', res)).toEqual([]);
    const project = obj(arr(obj(res.body)['values'])[0]);
    expect(project['description']).toBe('Infrastructure chores and incidents.');
    expect(obj(project['lead'])['displayName']).toBe('Bob Builder');
    expect(arr(project['issueTypes'])).toHaveLength(5);
    expect(obj(project['insight'])['totalIssueCount']).toBe(3);
  });

  it('answers 400 for a malformed startAt', async () => {
    const res = await t.call('GET', '/rest/api/3/project/search?startAt=-1');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody(["The value '-1' of 'startAt' is not a valid non-negative integer."]),
    );
  });
});

describe('GET /rest/api/3/project/{projectIdOrKey}', () => {
  it('returns the full project by key or id', async () => {
    for (const ref of ['DEMO', '10000', 'demo']) {
      const res = await t.call('GET', `/rest/api/3/project/${ref}`);
      expect(res.status).toBe(200);
      expect(specErrors('GET', '/rest/api/3/project/{projectIdOrKey}', res)).toEqual([]);
      expect(res.body).toMatchObject({
        id: '10000',
        key: 'DEMO',
        description: 'The web shop team: checkout, payments and observability.',
        assigneeType: 'UNASSIGNED',
        components: [],
        versions: [],
      });
      expect(obj(obj(res.body)['lead'])['displayName']).toBe('Alice Admin');
    }
  });

  it("answers 404 with Jira's message for an unknown key or id", async () => {
    const byKey = await t.call('GET', '/rest/api/3/project/NOPE');
    expect(byKey.status).toBe(404);
    expect(byKey.body).toEqual(jiraErrorBody(["No project could be found with key 'NOPE'."]));
    const byId = await t.call('GET', '/rest/api/3/project/99999');
    expect(byId.status).toBe(404);
    expect(byId.body).toEqual(jiraErrorBody(["No project could be found with id '99999'."]));
  });
});
