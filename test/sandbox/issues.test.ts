import { describe, expect, it } from 'vitest';
import { validateRequestBody, validateSchema } from '../helpers/openapi-validator.js';
import {
  ALICE_ID,
  arr,
  BOB_ID,
  jiraErrorBody,
  NOW,
  obj,
  specErrors,
  useTestSandbox,
} from './sandbox-fixture.js';

const t = useTestSandbox();

const ISSUE = '/rest/api/3/issue/{issueIdOrKey}';
const NOT_FOUND = jiraErrorBody(['Issue does not exist or you do not have permission to see it.']);
const adf = (text: string): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

async function fields(key: string): Promise<Record<string, unknown>> {
  const res = await t.call('GET', `/rest/api/3/issue/${key}`);
  expect(res.status).toBe(200);
  return obj(obj(res.body)['fields']);
}

describe('GET /rest/api/3/issue/{issueIdOrKey}', () => {
  it('returns every field by default, each in its component shape', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-3');
    expect(res.status).toBe(200);
    expect(specErrors('GET', ISSUE, res)).toEqual([]);
    expect(res.body).toMatchObject({
      id: '10003',
      key: 'DEMO-3',
      self: `${t.url}/rest/api/3/issue/10003`,
    });
    const f = obj(obj(res.body)['fields']);
    expect(f['summary']).toBe('As a shopper I can pay with a saved card');
    expect(f['labels']).toEqual(['checkout', 'payments']);
    expect(f['created']).toBe('2025-12-07T12:00:00.000+0000');
    expect(f['updated']).toBe('2026-01-29T12:00:00.000+0000');
    expect(f['status']).toMatchObject({
      name: 'In Progress',
      id: '3',
      statusCategory: { key: 'indeterminate', name: 'In Progress' },
    });
    expect(f['issuetype']).toMatchObject({ name: 'Story', id: '10003', subtask: false });
    expect(f['priority']).toMatchObject({ name: 'High', id: '2' });
    expect(f['assignee']).toMatchObject({ accountId: ALICE_ID, displayName: 'Alice Admin' });
    expect(f['reporter']).toMatchObject({ accountId: ALICE_ID });
    expect(f['project']).toMatchObject({ key: 'DEMO', id: '10000', name: 'Demo Project' });
    expect(f['parent']).toMatchObject({ key: 'DEMO-1', fields: { summary: 'Checkout revamp' } });
    expect(arr(f['subtasks']).map((s) => obj(s)['key'])).toEqual(['DEMO-4', 'DEMO-5']);
    expect(f['resolution']).toBeNull();
    for (const [field, schema] of [
      ['status', 'StatusDetails'],
      ['issuetype', 'IssueTypeDetails'],
      ['priority', 'Priority'],
      ['assignee', 'UserDetails'],
      ['reporter', 'UserDetails'],
      ['creator', 'UserDetails'],
      ['project', 'ProjectDetails'],
      ['parent', 'LinkedIssue'],
      ['comment', 'PageOfComments'],
      ['worklog', 'PageOfWorklogs'],
      ['timetracking', 'TimeTrackingDetails'],
    ] as const) {
      expect({ field, errors: validateSchema(schema, f[field]).errors }).toEqual({
        field,
        errors: [],
      });
    }
    for (const subtask of arr(f['subtasks']))
      expect(validateSchema('LinkedIssue', subtask).errors).toEqual([]);
  });

  it('returns the description in ADF with headings, lists, a table and a mention', async () => {
    const description = obj((await fields('DEMO-3'))['description']);
    expect(description).toMatchObject({ type: 'doc', version: 1 });
    const types = JSON.stringify(description);
    for (const node of [
      '"heading"',
      '"orderedList"',
      '"table"',
      '"tableHeader"',
      '"mention"',
      '"strong"',
    ]) {
      expect(types).toContain(node);
    }
  });

  it('returns comments as a page and links from both sides', async () => {
    const f = await fields('DEMO-3');
    expect(obj(f['comment'])).toMatchObject({ total: 2, startAt: 0, maxResults: 2 });
    const links = arr(f['issuelinks']).map(obj);
    expect(links).toHaveLength(1);
    // DEMO-16 blocks DEMO-3, so from DEMO-3 the other issue sits in inwardIssue.
    expect(links[0]).toMatchObject({
      type: { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      inwardIssue: { key: 'DEMO-16' },
    });
    expect(validateSchema('IssueLinkType', links[0]?.['type']).errors).toEqual([]);
    expect(validateSchema('LinkedIssue', links[0]?.['inwardIssue']).errors).toEqual([]);
    const other = arr((await fields('DEMO-16'))['issuelinks']).map(obj);
    expect(other[0]).toMatchObject({ outwardIssue: { key: 'DEMO-3' } });
  });

  it('reports time tracking from the estimate and worklogs', async () => {
    const f = await fields('DEMO-4');
    expect(f['timetracking']).toEqual({
      originalEstimate: '1d',
      remainingEstimate: '30m',
      timeSpent: '7h 30m',
      originalEstimateSeconds: 28800,
      remainingEstimateSeconds: 1800,
      timeSpentSeconds: 27000,
    });
    expect(f['timespent']).toBe(27000);
    expect(obj(f['worklog'])['total']).toBe(2);
  });

  it('narrows with fields and adds names, schema and renderedFields on expand', async () => {
    const res = await t.call(
      'GET',
      '/rest/api/3/issue/DEMO-6?fields=summary,description&expand=names,renderedFields,schema',
    );
    expect(specErrors('GET', ISSUE, res)).toEqual([]);
    const body = obj(res.body);
    expect(Object.keys(obj(body['fields']))).toEqual(['summary', 'description']);
    expect(body['names']).toEqual({ summary: 'Summary', description: 'Description' });
    expect(obj(body['schema'])['description']).toEqual({ type: 'string', system: 'description' });
    const html = String(obj(body['renderedFields'])['description']);
    expect(html).toContain('<h3>Steps to reproduce</h3>');
    expect(html).toContain(
      '<pre><code>TypeError: undefined is not an object (evaluating &#39;window.PaymentRequest.prototype&#39;)</code></pre>',
    );
  });

  it('finds the issue by id and by lower-case key', async () => {
    expect(obj((await t.call('GET', '/rest/api/3/issue/10029')).body)['key']).toBe('OPS-1');
    expect(obj((await t.call('GET', '/rest/api/3/issue/ops-1')).body)['key']).toBe('OPS-1');
  });

  it("answers 404 with Jira's body for an unknown issue", async () => {
    for (const ref of ['DEMO-999', '99999', 'NOT-A-KEY!']) {
      const res = await t.call('GET', `/rest/api/3/issue/${encodeURIComponent(ref)}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    }
  });
});

describe('POST /rest/api/3/issue', () => {
  it('creates an issue with defaults and answers 201 with id, key and self', async () => {
    const request = {
      fields: {
        project: { key: 'OPS' },
        issuetype: { name: 'Bug' },
        summary: 'Disk almost full on db-2',
        customfield_10033: 'Checkout may fail when the database is full.',
        description: adf('92% used.'),
        labels: ['disk', 'db'],
        assignee: { accountId: ALICE_ID },
      },
    };
    expect(validateRequestBody('POST', '/rest/api/3/issue', request).errors).toEqual([]);
    t.clock.advance(60_000);
    const res = await t.call('POST', '/rest/api/3/issue', request);
    expect(res.status).toBe(201);
    expect(specErrors('POST', '/rest/api/3/issue', res)).toEqual([]);
    expect(res.body).toEqual({
      id: '10032',
      key: 'OPS-4',
      self: `${t.url}/rest/api/3/issue/10032`,
    });
    const f = await fields('OPS-4');
    expect(f).toMatchObject({
      summary: 'Disk almost full on db-2',
      description: adf('92% used.'),
      labels: ['disk', 'db'],
      status: { name: 'To Do' },
      priority: { name: 'Medium' },
      issuetype: { name: 'Bug' },
      assignee: { accountId: ALICE_ID },
      reporter: { accountId: ALICE_ID },
      creator: { accountId: ALICE_ID },
      created: new Date(NOW + 60_000).toISOString().replace('Z', '+0000'),
    });
  });

  it('creates a sub-task under a story and an issue under an epic', async () => {
    const subtask = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { id: '10000' },
        issuetype: { id: '10004' },
        summary: 'Write tests',
        parent: { key: 'DEMO-9' },
      },
    });
    expect(subtask.status).toBe(201);
    const key = String(obj(subtask.body)['key']);
    expect(obj((await fields(key))['parent'])['key']).toBe('DEMO-9');
    const story = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'DEMO' },
        issuetype: { name: 'Story' },
        summary: 'PayPal',
        parent: { key: 'DEMO-1' },
      },
    });
    expect(story.status).toBe(201);
  });

  it('answers 400 naming every missing required field', async () => {
    const res = await t.call('POST', '/rest/api/3/issue', { fields: {} });
    expect(res.status).toBe(400);
    expect(specErrors('POST', '/rest/api/3/issue', res)).toEqual([]);
    expect(res.body).toEqual(
      jiraErrorBody([], {
        project: 'Specify a valid project ID or key',
        issuetype: 'Specify an issue type',
        summary: 'You must specify a summary of the issue.',
      }),
    );
  });

  it('answers 400 for an unknown issue type or project', async () => {
    const type = await t.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'DEMO' }, issuetype: { name: 'Incident' }, summary: 'x' },
    });
    expect(type.status).toBe(400);
    expect(type.body).toEqual(
      jiraErrorBody([], { issuetype: 'The issue type selected is invalid.' }),
    );
    const project = await t.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'NOPE' }, issuetype: { name: 'Task' }, summary: 'x' },
    });
    expect(project.body).toEqual(
      jiraErrorBody([], { project: 'Specify a valid project ID or key' }),
    );
  });

  it("answers 400 for invalid field values, each with Jira's message", async () => {
    const res = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'DEMO' },
        issuetype: { name: 'Task' },
        summary: 'x'.repeat(256),
        description: 'plain text is v2, not v3',
        priority: { name: 'Urgent' },
        labels: ['two words'],
        assignee: { accountId: 'nobody' },
        duedate: '31/12/2026',
        customfield_10010: 'x',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([], {
        summary: 'Summary must be less than 255 characters.',
        description:
          'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
        priority: 'The priority selected is invalid.',
        labels: "The label 'two words' contains spaces which is invalid.",
        assignee: "User 'nobody' cannot be assigned issues.",
        duedate: 'Error parsing date string: "31/12/2026"',
        customfield_10010:
          "Field 'customfield_10010' cannot be set. It is not on the appropriate screen, or unknown.",
      }),
    );
  });

  it('enforces the hierarchy: sub-tasks need a parent, which must be a standard issue', async () => {
    const orphan = await t.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'DEMO' }, issuetype: { name: 'Sub-task' }, summary: 'x' },
    });
    expect(orphan.body).toEqual(
      jiraErrorBody([], {
        parent: 'Issue type is a sub-task but parent issue key or id not specified.',
      }),
    );
    const wrongLevel = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'DEMO' },
        issuetype: { name: 'Sub-task' },
        summary: 'x',
        parent: { key: 'DEMO-1' },
      },
    });
    expect(wrongLevel.body).toEqual(
      jiraErrorBody([], { parent: 'Given parent issue does not belong to appropriate hierarchy.' }),
    );
    const missing = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'DEMO' },
        issuetype: { name: 'Task' },
        summary: 'x',
        parent: { key: 'DEMO-999' },
      },
    });
    expect(missing.body).toEqual(
      jiraErrorBody([], { parent: 'Could not find issue by id or key.' }),
    );
  });
});

describe('PUT /rest/api/3/issue/{issueIdOrKey}', () => {
  it('edits fields, answers 204, and moves updated', async () => {
    t.clock.advance(60_000);
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-12', {
      fields: {
        summary: 'Export order history as CSV or JSON',
        priority: { id: '2' },
        duedate: '2026-02-20',
      },
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const f = await fields('DEMO-12');
    expect(f).toMatchObject({
      summary: 'Export order history as CSV or JSON',
      priority: { name: 'High' },
      duedate: '2026-02-20',
      updated: new Date(t.clock.now()).toISOString().replace('Z', '+0000'),
    });
  });

  it('applies update operations: labels add/remove/set and comment add', async () => {
    const body = {
      update: {
        labels: [{ add: 'export' }, { remove: 'frontend' }],
        comment: [{ add: { body: adf('Scoped during refinement.') } }],
      },
    };
    expect(validateRequestBody('PUT', ISSUE, body).errors).toEqual([]);
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-9', body);
    expect(res.status).toBe(204);
    const f = await fields('DEMO-9');
    expect(f['labels']).toEqual(['export']);
    const comments = arr(obj(f['comment'])['comments']).map(obj);
    expect(comments.at(-1)?.['body']).toEqual(adf('Scoped during refinement.'));
    await t.call('PUT', '/rest/api/3/issue/DEMO-9', { update: { labels: [{ set: ['a', 'b'] }] } });
    expect((await fields('DEMO-9'))['labels']).toEqual(['a', 'b']);
  });

  it('returns the issue with returnIssue=true', async () => {
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-19?returnIssue=true', {
      fields: { assignee: { accountId: BOB_ID } },
    });
    expect(res.status).toBe(200);
    expect(obj(obj(res.body)['fields'])['assignee']).toMatchObject({ accountId: BOB_ID });
  });

  it('answers 400 for fields that cannot be edited and for fields set twice', async () => {
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-19', {
      fields: { status: { name: 'Done' }, summary: 'a' },
      update: { summary: [{ set: 'b' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([], {
        status: "Field 'status' cannot be set. It is not on the appropriate screen, or unknown.",
        summary: "Field 'summary' cannot be set in both 'fields' and 'update'.",
      }),
    );
    expect((await fields('DEMO-19'))['summary']).toBe('Remove legacy coupon service');
  });

  it('answers 404 for an unknown issue and 400 for a missing body', async () => {
    expect((await t.call('PUT', '/rest/api/3/issue/DEMO-999', { fields: {} })).body).toEqual(
      NOT_FOUND,
    );
    const missing = await t.call('PUT', '/rest/api/3/issue/DEMO-19');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(jiraErrorBody(['The request body is missing.']));
  });
});

describe('PUT /rest/api/3/issue/{issueIdOrKey}/assignee', () => {
  it('assigns, unassigns with null, and treats -1 as the project default (unassigned)', async () => {
    const assign = await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', { accountId: ALICE_ID });
    expect(assign.status).toBe(204);
    expect(specErrors('PUT', '/rest/api/3/issue/{issueIdOrKey}/assignee', assign)).toEqual([]);
    expect((await fields('OPS-3'))['assignee']).toMatchObject({ accountId: ALICE_ID });
    expect(
      (await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', { accountId: null })).status,
    ).toBe(204);
    expect((await fields('OPS-3'))['assignee']).toBeNull();
    await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', { accountId: BOB_ID });
    expect(
      (await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', { accountId: '-1' })).status,
    ).toBe(204);
    expect((await fields('OPS-3'))['assignee']).toBeNull();
  });

  it('answers 400 for an unknown user or a body without accountId, 404 for an unknown issue', async () => {
    const unknown = await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', {
      accountId: 'nobody',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      jiraErrorBody([], { assignee: "User 'nobody' cannot be assigned issues." }),
    );
    const empty = await t.call('PUT', '/rest/api/3/issue/OPS-3/assignee', {});
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual(
      jiraErrorBody(["The 'accountId' of the assignee must be provided."]),
    );
    const missing = await t.call('PUT', '/rest/api/3/issue/OPS-99/assignee', { accountId: null });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(NOT_FOUND);
  });
});
