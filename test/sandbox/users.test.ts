import { describe, expect, it } from 'vitest';
import {
  ALICE_ID,
  arr,
  BOB_ID,
  jiraErrorBody,
  obj,
  specErrors,
  useTestSandbox,
} from './sandbox-fixture.js';

const t = useTestSandbox();

const ids = (body: unknown): unknown[] => arr(body).map((user) => obj(user)['accountId']);

describe('GET /rest/api/3/myself', () => {
  it('returns the authenticated user as a User', async () => {
    const res = await t.call('GET', '/rest/api/3/myself');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/myself', res)).toEqual([]);
    expect(res.body).toMatchObject({
      self: `${t.url}/rest/api/3/user?accountId=${encodeURIComponent(ALICE_ID)}`,
      accountId: ALICE_ID,
      accountType: 'atlassian',
      emailAddress: 'alice@example.com',
      displayName: 'Alice Admin',
      active: true,
      timeZone: 'UTC',
      groups: { size: 3, items: [] },
    });
  });

  it('lists groups with expand=groups', async () => {
    const res = await t.call('GET', '/rest/api/3/myself?expand=groups', undefined, 'bob');
    expect(specErrors('GET', '/rest/api/3/myself', res)).toEqual([]);
    expect(obj(res.body)['accountId']).toBe(BOB_ID);
    expect(obj(obj(res.body)['groups'])['items']).toEqual([
      expect.objectContaining({ name: 'jira-software-users' }),
    ]);
  });
});

describe('GET /rest/api/3/user/search', () => {
  it('matches display-name words and email prefixes', async () => {
    for (const [query, expected] of [
      ['builder', [BOB_ID]],
      ['ali', [ALICE_ID]],
      ['bob@ex', [BOB_ID]],
      ['', [ALICE_ID, BOB_ID]],
      ['zed', []],
    ] as const) {
      const res = await t.call('GET', `/rest/api/3/user/search?query=${encodeURIComponent(query)}`);
      expect(res.status).toBe(200);
      expect(specErrors('GET', '/rest/api/3/user/search', res)).toEqual([]);
      expect(ids(res.body)).toEqual(expected);
    }
  });

  it('matches accountId exactly and pages with startAt/maxResults', async () => {
    const exact = await t.call(
      'GET',
      `/rest/api/3/user/search?accountId=${encodeURIComponent(BOB_ID)}`,
    );
    expect(ids(exact.body)).toEqual([BOB_ID]);
    const page = await t.call('GET', '/rest/api/3/user/search?query=&startAt=1&maxResults=1');
    expect(ids(page.body)).toEqual([BOB_ID]);
  });

  it('answers 400 without query or accountId, or with both', async () => {
    const none = await t.call('GET', '/rest/api/3/user/search');
    expect(none.status).toBe(400);
    expect(none.body).toEqual(jiraErrorBody(["One of 'query' or 'accountId' must be provided."]));
    const both = await t.call('GET', `/rest/api/3/user/search?query=a&accountId=${BOB_ID}`);
    expect(both.status).toBe(400);
    expect(both.body).toEqual(
      jiraErrorBody(["Only one of 'query' or 'accountId' can be provided."]),
    );
  });
});

describe('GET /rest/api/3/user/assignable/search', () => {
  it('lists users assignable in a project or on an issue', async () => {
    const byProject = await t.call('GET', '/rest/api/3/user/assignable/search?project=DEMO&query=');
    expect(byProject.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/user/assignable/search', byProject)).toEqual([]);
    expect(ids(byProject.body)).toEqual([ALICE_ID, BOB_ID]);
    const byIssue = await t.call(
      'GET',
      '/rest/api/3/user/assignable/search?issueKey=DEMO-1&query=bob',
    );
    expect(ids(byIssue.body)).toEqual([BOB_ID]);
    // Bob holds no role in OPS, so he cannot be assigned there.
    const ops = await t.call('GET', '/rest/api/3/user/assignable/search?issueKey=OPS-1&query=');
    expect(ids(ops.body)).toEqual([ALICE_ID]);
  });

  it('answers 400 without a project or issue, 404 for unknown ones', async () => {
    const none = await t.call('GET', '/rest/api/3/user/assignable/search?query=a');
    expect(none.status).toBe(400);
    expect(none.body).toEqual(
      jiraErrorBody(["One of 'issueKey', 'issueId' or 'project' must be provided."]),
    );
    const project = await t.call('GET', '/rest/api/3/user/assignable/search?project=NOPE&query=');
    expect(project.status).toBe(404);
    expect(project.body).toEqual(jiraErrorBody(["No project could be found with key 'NOPE'."]));
    const issue = await t.call(
      'GET',
      '/rest/api/3/user/assignable/search?issueKey=DEMO-999&query=',
    );
    expect(issue.status).toBe(404);
    expect(issue.body).toEqual(
      jiraErrorBody(['Issue does not exist or you do not have permission to see it.']),
    );
    expect(specErrors('GET', '/rest/api/3/user/assignable/search', issue)).toEqual([]);
  });
});
