/**
 * Changes are authored by the acting account: the reporter and creator of
 * a created issue, the author and updateAuthor of comments (however they are
 * added) and worklogs. Checked for Bob and for an added account, so a
 * hard-coded author (e.g. always Alice) fails.
 */
import { describe, expect, it } from 'vitest';
import { arr, BOB_ID, obj, specErrors, useTestSandbox, type Who } from './sandbox-fixture.js';

const t = useTestSandbox();

const adf = (text: string): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

async function lastComment(key: string, who: Who = 'alice'): Promise<Record<string, unknown>> {
  const res = await t.call(
    'GET',
    `/rest/api/3/issue/${key}/comment?orderBy=-created`,
    undefined,
    who,
  );
  const [first] = arr(obj(res.body)['comments']).map(obj);
  if (first === undefined) throw new Error(`${key} has no comments`);
  return first;
}

describe('Authorship follows the acting account', () => {
  it('makes the creator the reporter and creator of a created issue', async () => {
    const res = await t.call(
      'POST',
      '/rest/api/3/issue',
      { fields: { project: { key: 'DEMO' }, issuetype: { name: 'Task' }, summary: 'By Bob' } },
      'bob',
    );
    expect(res.status).toBe(201);
    const issue = await t.call(
      'GET',
      `/rest/api/3/issue/${String(obj(res.body)['key'])}`,
      undefined,
      'bob',
    );
    expect(obj(obj(issue.body)['fields'])).toMatchObject({
      reporter: { accountId: BOB_ID, displayName: 'Bob Builder' },
      creator: { accountId: BOB_ID },
    });
  });

  it('authors comments by the acting account on every path that adds one', async () => {
    t.clock.advance(60_000);
    const direct = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-19/comment',
      { body: adf('a') },
      'bob',
    );
    expect(obj(direct.body)).toMatchObject({
      author: { accountId: BOB_ID },
      updateAuthor: { accountId: BOB_ID },
    });
    t.clock.advance(60_000);
    await t.call(
      'PUT',
      '/rest/api/3/issue/DEMO-19',
      { update: { comment: [{ add: { body: adf('b') } }] } },
      'bob',
    );
    expect(await lastComment('DEMO-19')).toMatchObject({
      body: adf('b'),
      author: { accountId: BOB_ID },
      updateAuthor: { accountId: BOB_ID },
    });
    t.clock.advance(60_000);
    await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-19/transitions',
      { transition: { id: '21' }, update: { comment: [{ add: { body: adf('c') } }] } },
      'bob',
    );
    expect(await lastComment('DEMO-19')).toMatchObject({
      body: adf('c'),
      author: { accountId: BOB_ID },
    });
    t.clock.advance(60_000);
    await t.call(
      'POST',
      '/rest/api/3/issueLink',
      {
        type: { name: 'Relates' },
        inwardIssue: { key: 'DEMO-12' },
        outwardIssue: { key: 'DEMO-19' },
        comment: { body: adf('d') },
      },
      'bob',
    );
    expect(await lastComment('DEMO-19')).toMatchObject({
      body: adf('d'),
      author: { accountId: BOB_ID },
    });
  });

  it('authors worklogs by the acting account', async () => {
    const res = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-19/worklog',
      { timeSpent: '30m' },
      'bob',
    );
    expect(res.status).toBe(201);
    expect(specErrors('POST', '/rest/api/3/issue/{issueIdOrKey}/worklog', res)).toEqual([]);
    expect(obj(res.body)).toMatchObject({
      author: { accountId: BOB_ID },
      updateAuthor: { accountId: BOB_ID },
    });
  });

  it('renders an added account as author, with its own name', async () => {
    const grace = t.sandbox.addUser({
      name: 'grace',
      displayName: 'Grace Hopper',
      projects: ['OPS'],
    });
    const res = await t.call(
      'POST',
      '/rest/api/3/issue/OPS-1/comment',
      { body: adf('On call.') },
      'grace',
    );
    expect(res.status).toBe(201);
    expect(specErrors('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', res)).toEqual([]);
    expect(obj(res.body)['author']).toMatchObject({
      accountId: grace.accountId,
      displayName: 'Grace Hopper',
      emailAddress: 'grace@example.com',
    });
    const seen = await lastComment('OPS-1');
    expect(obj(seen['author'])['accountId']).toBe(grace.accountId);
  });
});
