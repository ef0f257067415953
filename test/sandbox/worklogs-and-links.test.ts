import { describe, expect, it } from 'vitest';
import { validateRequestBody } from '../helpers/openapi-validator.js';
import { arr, BOB_ID, jiraErrorBody, obj, specErrors, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const WORKLOG = '/rest/api/3/issue/{issueIdOrKey}/worklog';

async function fields(key: string, which: string): Promise<Record<string, unknown>> {
  return obj(obj((await t.call('GET', `/rest/api/3/issue/${key}?fields=${which}`)).body)['fields']);
}

describe('POST /rest/api/3/issue/{issueIdOrKey}/worklog', () => {
  it('logs "1h 30m" and answers 201 with the Worklog, reducing the remaining estimate', async () => {
    const request = {
      timeSpent: '1h 30m',
      started: '2026-01-30T09:00:00.000+0000',
      comment: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Pairing' }] }],
      },
    };
    expect(validateRequestBody('POST', WORKLOG, request).errors).toEqual([]);
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-3/worklog', request, 'bob');
    expect(res.status).toBe(201);
    expect(specErrors('POST', WORKLOG, res)).toEqual([]);
    expect(res.body).toMatchObject({
      timeSpent: '1h 30m',
      timeSpentSeconds: 5400,
      started: '2026-01-30T09:00:00.000+0000',
      issueId: '10003',
      author: { accountId: BOB_ID },
    });
    expect((await fields('DEMO-3', 'timetracking'))['timetracking']).toEqual({
      originalEstimate: '3d',
      remainingEstimate: '2d 6h 30m',
      timeSpent: '1h 30m',
      originalEstimateSeconds: 86400,
      remainingEstimateSeconds: 81000,
      timeSpentSeconds: 5400,
    });
  });

  it('takes timeSpentSeconds, defaults started to now, and honours adjustEstimate=leave', async () => {
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-3/worklog?adjustEstimate=leave', {
      timeSpentSeconds: 1800,
    });
    expect(res.status).toBe(201);
    expect(obj(res.body)['started']).toBe('2026-01-31T12:00:00.000+0000');
    const tracking = obj((await fields('DEMO-3', 'timetracking'))['timetracking']);
    expect(tracking['remainingEstimateSeconds']).toBe(81000);
    expect(tracking['timeSpentSeconds']).toBe(7200);
  });

  it('lists worklogs as a PageOfWorklogs', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-3/worklog');
    expect(res.status).toBe(200);
    expect(specErrors('GET', WORKLOG, res)).toEqual([]);
    expect(obj(res.body)['total']).toBe(2);
  });

  it("answers 400 with Jira's messages for missing or malformed time and dates", async () => {
    const none = await t.call('POST', '/rest/api/3/issue/DEMO-3/worklog', {});
    expect(none.status).toBe(400);
    expect(none.body).toEqual(
      jiraErrorBody([], { timeLogged: 'You must indicate the time spent working.' }),
    );
    const bad = await t.call('POST', '/rest/api/3/issue/DEMO-3/worklog', {
      timeSpent: 'a while',
      started: '2026-01-30',
    });
    expect(bad.body).toEqual(
      jiraErrorBody([], {
        timeLogged: 'Invalid time duration entered.',
        started:
          'Invalid date format. Please enter the date in the format "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ".',
      }),
    );
    const missing = await t.call('POST', '/rest/api/3/issue/DEMO-999/worklog', { timeSpent: '1h' });
    expect(missing.status).toBe(404);
  });
});

describe('POST /rest/api/3/issueLink', () => {
  it('links outwardIssue → inwardIssue (outward blocks inward) and answers 201 with no body', async () => {
    const request = {
      type: { name: 'Blocks' },
      outwardIssue: { key: 'DEMO-15' },
      inwardIssue: { key: 'DEMO-9' },
      comment: { body: { type: 'doc', version: 1, content: [] } },
    };
    expect(validateRequestBody('POST', '/rest/api/3/issueLink', request).errors).toEqual([]);
    const res = await t.call('POST', '/rest/api/3/issueLink', request);
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    const outward = arr((await fields('DEMO-15', 'issuelinks,comment'))['issuelinks']).map(obj);
    expect(outward).toHaveLength(1);
    expect(outward[0]).toMatchObject({ type: { name: 'Blocks' }, outwardIssue: { key: 'DEMO-9' } });
    expect(outward[0]?.['inwardIssue']).toBeUndefined();
    const inward = arr((await fields('DEMO-9', 'issuelinks'))['issuelinks']).map(obj);
    expect(inward).toHaveLength(1);
    expect(inward[0]).toMatchObject({ type: { name: 'Blocks' }, inwardIssue: { key: 'DEMO-15' } });
    expect(obj((await fields('DEMO-15', 'comment'))['comment'])['total']).toBe(1);
  });

  it('does not duplicate an existing link, and accepts the type by id', async () => {
    const res = await t.call('POST', '/rest/api/3/issueLink', {
      type: { id: '10000' },
      outwardIssue: { key: 'DEMO-15' },
      inwardIssue: { id: '10009' },
    });
    expect(res.status).toBe(201);
    expect(arr((await fields('DEMO-15', 'issuelinks'))['issuelinks'])).toHaveLength(1);
  });

  it('answers 404 for an unknown link type or issue and 400 for a malformed body', async () => {
    const type = await t.call('POST', '/rest/api/3/issueLink', {
      type: { name: 'Causes' },
      outwardIssue: { key: 'DEMO-15' },
      inwardIssue: { key: 'DEMO-9' },
    });
    expect(type.status).toBe(404);
    expect(type.body).toEqual(jiraErrorBody(["No issue link type with name 'Causes' found."]));
    const issue = await t.call('POST', '/rest/api/3/issueLink', {
      type: { name: 'Relates' },
      outwardIssue: { key: 'DEMO-15' },
      inwardIssue: { key: 'DEMO-999' },
    });
    expect(issue.status).toBe(404);
    expect(issue.body).toEqual(
      jiraErrorBody(['Issue does not exist or you do not have permission to see it.']),
    );
    const malformed = await t.call('POST', '/rest/api/3/issueLink', { type: { name: 'Relates' } });
    expect(malformed.status).toBe(400);
  });
});

describe('GET /rest/api/3/issueLinkType', () => {
  it('lists Blocks, Duplicate and Relates', async () => {
    const res = await t.call('GET', '/rest/api/3/issueLinkType');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/issueLinkType', res)).toEqual([]);
    expect(res.body).toEqual({
      issueLinkTypes: [
        {
          id: '10000',
          name: 'Blocks',
          inward: 'is blocked by',
          outward: 'blocks',
          self: `${t.url}/rest/api/3/issueLinkType/10000`,
        },
        {
          id: '10002',
          name: 'Duplicate',
          inward: 'is duplicated by',
          outward: 'duplicates',
          self: `${t.url}/rest/api/3/issueLinkType/10002`,
        },
        {
          id: '10003',
          name: 'Relates',
          inward: 'relates to',
          outward: 'relates to',
          self: `${t.url}/rest/api/3/issueLinkType/10003`,
        },
      ],
    });
  });
});
