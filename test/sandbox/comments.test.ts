import { describe, expect, it } from 'vitest';
import { validateRequestBody } from '../helpers/openapi-validator.js';
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

const TEMPLATE = '/rest/api/3/issue/{issueIdOrKey}/comment';
const adf = (text: string): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

describe('GET /rest/api/3/issue/{issueIdOrKey}/comment', () => {
  it('returns a PageOfComments, oldest first, with ADF bodies', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-8/comment');
    expect(res.status).toBe(200);
    expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    expect(res.body).toMatchObject({ startAt: 0, maxResults: 100, total: 3 });
    const comments = arr(obj(res.body)['comments']).map(obj);
    expect(comments.map((c) => obj(c['author'])['accountId'])).toEqual([BOB_ID, ALICE_ID, BOB_ID]);
    expect(comments[0]).toMatchObject({
      id: '10004',
      self: `${t.url}/rest/api/3/issue/10008/comment/10004`,
      body: adf('Seen for about 2% of orders since Monday.'),
      created: '2026-01-23T12:00:00.000+0000',
    });
  });

  it('pages, orders newest first with -created, and renders bodies on expand', async () => {
    const page = await t.call(
      'GET',
      '/rest/api/3/issue/DEMO-8/comment?startAt=1&maxResults=1&orderBy=-created&expand=renderedBody',
    );
    expect(specErrors('GET', TEMPLATE, page)).toEqual([]);
    expect(page.body).toMatchObject({ startAt: 1, maxResults: 1, total: 3 });
    const [comment] = arr(obj(page.body)['comments']).map(obj);
    expect(comment?.['renderedBody']).toBe(
      '<p>Fix proposal: dedupe on the message id before sending.</p><div class="code panel"><pre><code>if (await sent.has(message.id)) return;</code></pre></div>',
    );
  });

  it('answers 400 for an unsupported orderBy and 404 for an unknown issue', async () => {
    const order = await t.call('GET', '/rest/api/3/issue/DEMO-8/comment?orderBy=author');
    expect(order.status).toBe(400);
    expect(order.body).toEqual(
      jiraErrorBody(["The value 'author' of 'orderBy' is not supported; use 'created'."]),
    );
    const missing = await t.call('GET', '/rest/api/3/issue/DEMO-999/comment');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(
      jiraErrorBody(['Issue does not exist or you do not have permission to see it.']),
    );
  });
});

describe('POST /rest/api/3/issue/{issueIdOrKey}/comment', () => {
  it('adds a comment by the authenticated user and answers 201 with the Comment', async () => {
    const request = { body: adf('On it.') };
    expect(validateRequestBody('POST', TEMPLATE, request).errors).toEqual([]);
    t.clock.advance(5 * 60_000);
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', request, 'bob');
    expect(res.status).toBe(201);
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    const comment = obj(res.body);
    expect(comment).toMatchObject({
      body: adf('On it.'),
      author: { accountId: BOB_ID, displayName: 'Bob Builder' },
      created: '2026-01-31T12:05:00.000+0000',
    });
    const list = await t.call('GET', '/rest/api/3/issue/DEMO-27/comment');
    expect(arr(obj(list.body)['comments']).map((c) => obj(c)['id'])).toEqual([comment['id']]);
    const issue = await t.call('GET', '/rest/api/3/issue/DEMO-27?fields=updated');
    expect(obj(obj(issue.body)['fields'])['updated']).toBe('2026-01-31T12:05:00.000+0000');
  });

  it("answers 400 for an empty or non-ADF body with Jira's messages", async () => {
    const empty = await t.call('POST', '/rest/api/3/issue/OPS-1/comment', {});
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual(jiraErrorBody([], { comment: 'Comment body can not be empty!' }));
    const text = await t.call('POST', '/rest/api/3/issue/OPS-1/comment', { body: 'plain text' });
    expect(text.status).toBe(400);
    expect(text.body).toEqual(
      jiraErrorBody([], {
        comment:
          'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
      }),
    );
  });
});
