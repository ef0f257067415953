import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markdownToAdf } from '../../src/jira/adf/index.js';
import { JiraError } from '../../src/jira/errors.js';
import { DEFAULT_SEARCH_FIELDS } from '../../src/jira/request-bodies.js';
import { caught, clientFor } from './helpers/client-setup.js';
import { startStubServer, type ReceivedRequest, type StubServer } from './helpers/stub-server.js';

let stub: StubServer;

beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

function only(): ReceivedRequest {
  expect(stub.requests).toHaveLength(1);
  const [request] = stub.requests;
  if (request === undefined) throw new Error('no request');
  return request;
}

function jsonBody(request: ReceivedRequest): unknown {
  return JSON.parse(request.body);
}

const DOC = markdownToAdf('Hello **world**');

describe('Jira paths: issue keys are validated and encoded', () => {
  it('upper-cases a key and puts it in the path', async () => {
    stub.handle(() => ({
      status: 200,
      body: { id: '10001', key: 'DEMO-1', fields: { summary: 's' } },
    }));
    const { client } = clientFor(stub.url);
    const issue = await client.getIssue(' demo-1 ', {
      fields: ['summary', 'status'],
      expand: ['names'],
    });
    expect(issue.fields.summary).toBe('s');
    expect(only().url).toBe('/rest/api/3/issue/DEMO-1?fields=summary%2Cstatus&expand=names');
  });

  it('accepts a numeric issue id', async () => {
    stub.handle(() => ({ status: 200, body: { transitions: [] } }));
    const { client } = clientFor(stub.url);
    await client.getTransitions('10042');
    expect(only().url).toBe('/rest/api/3/issue/10042/transitions');
  });

  it.each([
    '../../admin',
    'DEMO-1/../../x',
    'DEMO-1?expand=x',
    'DEMO-1#x',
    'DEMO-%2e%2e',
    'DEMO-1/comment',
    '//evil.example/DEMO-1',
    '',
    'DEMO',
    '1DEMO-1',
  ])('refuses %j without sending a request', async (key) => {
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.getIssue(key));
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('invalid_request');
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses a project key with path characters', async () => {
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.getCreateMetaIssueTypes('DEMO/../..'));
    expect((error as JiraError).code).toBe('invalid_request');
    expect(stub.requests).toHaveLength(0);
  });

  it('keeps a base URL path prefix (Jira behind a context path)', async () => {
    stub.handle(() => ({ status: 200, body: { accountId: 'a' } }));
    const { client } = clientFor(`${stub.url}/jira/`);
    await client.getMyself();
    expect(only().url).toBe('/jira/rest/api/3/myself');
  });

  it('encodes query values', async () => {
    stub.handle(() => ({ status: 200, body: [{ accountId: 'a1', displayName: 'A&B' }] }));
    const { client } = clientFor(stub.url);
    const users = await client.findUsers('a&b=c d/é', { maxResults: 5 });
    expect(users).toEqual([{ accountId: 'a1', displayName: 'A&B' }]);
    const url = new URL(only().url, 'http://x');
    expect(url.pathname).toBe('/rest/api/3/user/search');
    expect(url.searchParams.get('query')).toBe('a&b=c d/é');
    expect(url.searchParams.get('maxResults')).toBe('5');
    expect([...url.searchParams.keys()]).toEqual(['query', 'maxResults']);
  });
});

describe('Jira read operations (REST v3)', () => {
  it('searchProjects sends repeated keys and returns the page', async () => {
    stub.handle(() => ({
      status: 200,
      body: {
        values: [{ id: '10000', key: 'DEMO', name: 'Demo' }],
        startAt: 0,
        maxResults: 50,
        total: 1,
        isLast: true,
      },
    }));
    const { client } = clientFor(stub.url);
    const page = await client.searchProjects({
      query: 'de',
      keys: ['DEMO', 'OPS'],
      maxResults: 50,
    });
    expect(page.values.map((p) => p.key)).toEqual(['DEMO']);
    expect(page.isLast).toBe(true);
    expect(only().url).toBe('/rest/api/3/project/search?query=de&maxResults=50&keys=DEMO&keys=OPS');
  });

  it('searchIssues POSTs to /search/jql with default fields and returns the page token', async () => {
    stub.handle(() => ({
      status: 200,
      body: {
        issues: [{ id: '1', key: 'DEMO-1', fields: { summary: 'a', assignee: null } }],
        nextPageToken: 'tok-2',
      },
    }));
    const { client } = clientFor(stub.url);
    const result = await client.searchIssues({
      jql: 'project = DEMO',
      maxResults: 10,
      nextPageToken: 'tok-1',
    });
    expect(result).toEqual({
      issues: [{ id: '1', key: 'DEMO-1', fields: { summary: 'a', assignee: null } }],
      nextPageToken: 'tok-2',
      isLast: false,
    });
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/rest/api/3/search/jql');
    expect(jsonBody(request)).toEqual({
      jql: 'project = DEMO',
      fields: [...DEFAULT_SEARCH_FIELDS],
      maxResults: 10,
      nextPageToken: 'tok-1',
    });
  });

  it('searchIssues reports the last page', async () => {
    stub.handle(() => ({ status: 200, body: { issues: [], isLast: true } }));
    const { client } = clientFor(stub.url);
    expect(await client.searchIssues({ jql: 'x = 1', fields: ['summary'] })).toEqual({
      issues: [],
      isLast: true,
    });
    expect(jsonBody(only())).toEqual({ jql: 'x = 1', fields: ['summary'] });
  });

  it('listComments passes paging and order', async () => {
    stub.handle(() => ({
      status: 200,
      body: {
        comments: [{ id: '7', body: DOC, author: { accountId: 'a', displayName: 'A' } }],
        total: 1,
        startAt: 0,
        maxResults: 5,
      },
    }));
    const { client } = clientFor(stub.url);
    const page = await client.listComments('DEMO-1', {
      startAt: 0,
      maxResults: 5,
      orderBy: '-created',
    });
    expect(page.comments[0]?.id).toBe('7');
    expect(only().url).toBe(
      '/rest/api/3/issue/DEMO-1/comment?startAt=0&maxResults=5&orderBy=-created',
    );
  });

  it('getCreateMetaIssueTypes follows pages until total', async () => {
    stub.handle((r) => {
      const startAt = Number(new URL(r.url, 'http://x').searchParams.get('startAt'));
      const all = [
        { id: '1', name: 'Task' },
        { id: '2', name: 'Bug' },
        { id: '3', name: 'Story' },
      ];
      return {
        status: 200,
        body: { issueTypes: all.slice(startAt, startAt + 2), total: 3, startAt, maxResults: 2 },
      };
    });
    const { client } = clientFor(stub.url);
    const types = await client.getCreateMetaIssueTypes('demo');
    expect(types.map((t) => t.name)).toEqual(['Task', 'Bug', 'Story']);
    expect(stub.requests.map((r) => r.url)).toEqual([
      '/rest/api/3/issue/createmeta/DEMO/issuetypes?startAt=0&maxResults=200',
      '/rest/api/3/issue/createmeta/DEMO/issuetypes?startAt=2&maxResults=200',
    ]);
  });

  it('getCreateMetaFields reads `fields` and validates the issue type id', async () => {
    stub.handle(() => ({
      status: 200,
      body: {
        fields: [
          {
            fieldId: 'summary',
            key: 'summary',
            name: 'Summary',
            required: true,
            schema: { type: 'string' },
            operations: ['set'],
          },
        ],
        total: 1,
      },
    }));
    const { client } = clientFor(stub.url);
    const fields = await client.getCreateMetaFields('DEMO', '10001');
    expect(fields.map((f) => [f.fieldId, f.required])).toEqual([['summary', true]]);
    expect(only().url).toBe(
      '/rest/api/3/issue/createmeta/DEMO/issuetypes/10001?startAt=0&maxResults=200',
    );
    const error = await caught(() => client.getCreateMetaFields('DEMO', 'Bug'));
    expect((error as JiraError).code).toBe('invalid_request');
  });

  it('listIssueLinkTypes unwraps the list', async () => {
    stub.handle(() => ({
      status: 200,
      body: {
        issueLinkTypes: [
          { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
        ],
      },
    }));
    const { client } = clientFor(stub.url);
    expect(await client.listIssueLinkTypes()).toEqual([
      { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
    ]);
    expect(only().url).toBe('/rest/api/3/issueLinkType');
  });
});

describe('Jira write operations (REST v3 request bodies)', () => {
  it('createIssue builds IssueUpdateDetails.fields', async () => {
    stub.handle(() => ({ status: 201, body: { id: '10005', key: 'DEMO-5', self: 'x' } }));
    const { client } = clientFor(stub.url);
    const created = await client.createIssue({
      projectKey: 'demo',
      issueType: 'Bug',
      summary: '  Broken login  ',
      description: DOC,
      priority: 'High',
      labels: ['auth'],
      assigneeAccountId: 'acc-2',
      parentKey: 'demo-1',
      extraFields: { customfield_10010: 3, summary: 'ignored' },
    });
    expect(created).toEqual({ id: '10005', key: 'DEMO-5', self: 'x' });
    const request = only();
    expect([request.method, request.url]).toEqual(['POST', '/rest/api/3/issue']);
    expect(jsonBody(request)).toEqual({
      fields: {
        customfield_10010: 3,
        summary: 'Broken login',
        description: DOC,
        priority: { name: 'High' },
        labels: ['auth'],
        project: { key: 'DEMO' },
        issuetype: { name: 'Bug' },
        assignee: { accountId: 'acc-2' },
        parent: { key: 'DEMO-1' },
      },
    });
  });

  it('createIssue uses ids for numeric issue type and priority', async () => {
    stub.handle(() => ({ status: 201, body: { id: '1', key: 'DEMO-6' } }));
    const { client } = clientFor(stub.url);
    await client.createIssue({
      projectKey: 'DEMO',
      issueType: '10001',
      summary: 's',
      priority: '2',
    });
    expect(jsonBody(only())).toEqual({
      fields: {
        summary: 's',
        project: { key: 'DEMO' },
        issuetype: { id: '10001' },
        priority: { id: '2' },
      },
    });
  });

  it('refuses an empty or multi-line summary before calling Jira', async () => {
    const { client } = clientFor(stub.url);
    for (const summary of ['  ', 'a\nb', 'x'.repeat(256)]) {
      const error = await caught(() =>
        client.createIssue({ projectKey: 'DEMO', issueType: 'Task', summary }),
      );
      expect((error as JiraError).code).toBe('invalid_request');
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('updateIssue PUTs only the given fields and accepts 204', async () => {
    stub.handle(() => ({ status: 204 }));
    const { client } = clientFor(stub.url);
    await client.updateIssue('DEMO-1', { summary: 'New', labels: [] });
    const request = only();
    expect([request.method, request.url]).toEqual(['PUT', '/rest/api/3/issue/DEMO-1']);
    expect(jsonBody(request)).toEqual({ fields: { summary: 'New', labels: [] } });
  });

  it('updateIssue with nothing to change is refused locally', async () => {
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.updateIssue('DEMO-1', {}));
    expect((error as JiraError).code).toBe('invalid_request');
    expect(stub.requests).toHaveLength(0);
  });

  it('addComment sends {body: ADF}', async () => {
    stub.handle(() => ({ status: 201, body: { id: '100', body: DOC } }));
    const { client } = clientFor(stub.url);
    const comment = await client.addComment('DEMO-1', DOC);
    expect(comment.id).toBe('100');
    expect(jsonBody(only())).toEqual({ body: DOC });
  });

  it('transitionIssue sends the transition id, fields and a comment update', async () => {
    stub.handle(() => ({ status: 204 }));
    const { client } = clientFor(stub.url);
    await client.transitionIssue('DEMO-1', '31', {
      fields: { resolution: { name: 'Done' } },
      comment: DOC,
    });
    const request = only();
    expect(request.url).toBe('/rest/api/3/issue/DEMO-1/transitions');
    expect(jsonBody(request)).toEqual({
      transition: { id: '31' },
      fields: { resolution: { name: 'Done' } },
      update: { comment: [{ add: { body: DOC } }] },
    });
  });

  it('assignIssue sends an accountId, or null to unassign', async () => {
    stub.handle(() => ({ status: 204 }));
    const { client } = clientFor(stub.url);
    await client.assignIssue('DEMO-1', 'acc-9');
    await client.assignIssue('DEMO-1', null);
    expect(stub.requests.map((r) => [r.method, r.url, jsonBody(r)])).toEqual([
      ['PUT', '/rest/api/3/issue/DEMO-1/assignee', { accountId: 'acc-9' }],
      ['PUT', '/rest/api/3/issue/DEMO-1/assignee', { accountId: null }],
    ]);
  });

  it('addWorklog formats `started` the way Jira requires', async () => {
    stub.handle(() => ({ status: 201, body: { id: '5', timeSpentSeconds: 3600 } }));
    const { client } = clientFor(stub.url);
    const worklog = await client.addWorklog('DEMO-1', {
      timeSpentSeconds: 3600,
      started: new Date(Date.UTC(2026, 0, 2, 9, 30)),
      comment: DOC,
    });
    expect(worklog.id).toBe('5');
    expect(jsonBody(only())).toEqual({
      timeSpentSeconds: 3600,
      started: '2026-01-02T09:30:00.000+0000',
      comment: DOC,
    });
    const error = await caught(() => client.addWorklog('DEMO-1', { timeSpentSeconds: 0 }));
    expect((error as JiraError).code).toBe('invalid_request');
  });

  it('linkIssues sends LinkIssueRequestJsonBean', async () => {
    stub.handle(() => ({ status: 201 }));
    const { client } = clientFor(stub.url);
    await client.linkIssues({
      type: 'Blocks',
      inwardKey: 'demo-1',
      outwardKey: 'DEMO-2',
      comment: DOC,
    });
    const request = only();
    expect(request.url).toBe('/rest/api/3/issueLink');
    expect(jsonBody(request)).toEqual({
      type: { name: 'Blocks' },
      inwardIssue: { key: 'DEMO-1' },
      outwardIssue: { key: 'DEMO-2' },
      comment: { body: DOC },
    });
  });
});
