/**
 * Comments restricted to a project role or a group: only members see them
 * (list, the issue's `comment` field, rendered fields, JQL text search), the
 * totals count what the caller sees, and adding one requires membership.
 * Seed: DEMO-28 carries one comment restricted to the Administrators role
 * (Alice is an Administrator everywhere; Bob is a Developer and User in DEMO).
 */
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
  type JsonResponse,
} from './sandbox-fixture.js';

const t = useTestSandbox();

const TEMPLATE = '/rest/api/3/issue/{issueIdOrKey}/comment';
const ADMIN_ROLE = { type: 'role', value: 'Administrators', identifier: 'Administrators' };
const adf = (text: string): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const commentIds = (res: JsonResponse): unknown[] =>
  arr(obj(res.body)['comments']).map((c) => obj(c)['id']);
const notMember = (message: string): unknown => jiraErrorBody([], { commentLevel: message });

describe('Seeded restricted comment (DEMO-28, Administrators role)', () => {
  it('is listed for Alice with its visibility, and left out for Bob with the total adjusted', async () => {
    const alice = await t.call('GET', '/rest/api/3/issue/DEMO-28/comment');
    const bob = await t.call('GET', '/rest/api/3/issue/DEMO-28/comment', undefined, 'bob');
    for (const res of [alice, bob]) {
      expect(res.status).toBe(200);
      expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    }
    expect(obj(alice.body)['total']).toBe(1);
    const [comment] = arr(obj(alice.body)['comments']).map(obj);
    expect(comment).toMatchObject({
      author: { accountId: ALICE_ID },
      updateAuthor: { accountId: ALICE_ID },
      visibility: ADMIN_ROLE,
    });
    expect(obj(bob.body)).toMatchObject({ total: 0, comments: [] });
  });

  it("is left out of the issue's comment field and rendered fields for Bob", async () => {
    const path = '/rest/api/3/issue/DEMO-28?fields=comment&expand=renderedFields';
    const alice = await t.call('GET', path);
    const bob = await t.call('GET', path, undefined, 'bob');
    for (const res of [alice, bob]) {
      expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toEqual([]);
    }
    const page = (res: JsonResponse, where: 'fields' | 'renderedFields'): Record<string, unknown> =>
      obj(obj(obj(res.body)[where])['comment']);
    expect(page(alice, 'fields')).toMatchObject({ total: 1, maxResults: 1 });
    expect(page(bob, 'fields')).toMatchObject({ total: 0, maxResults: 0, comments: [] });
    expect(page(alice, 'renderedFields')['comments']).toHaveLength(1);
    expect(page(bob, 'renderedFields')['comments']).toEqual([]);
  });

  it('is searched by comment ~ only for those who may see it', async () => {
    const path = `/rest/api/3/search/jql?jql=${encodeURIComponent('comment ~ "CVE"')}`;
    const alice = await t.call('GET', `${path}&fields=summary`);
    const bob = await t.call('GET', `${path}&fields=summary`, undefined, 'bob');
    expect(arr(obj(alice.body)['issues']).map((i) => obj(i)['key'])).toEqual(['DEMO-28']);
    expect(obj(bob.body)['issues']).toEqual([]);
  });
});

describe('POST /rest/api/3/issue/{issueIdOrKey}/comment with visibility', () => {
  it('refuses a role the author is not in with 400 commentLevel, and stores nothing', async () => {
    const request = {
      body: adf('Admins only?'),
      visibility: { type: 'role', value: 'Administrators' },
    };
    expect(validateRequestBody('POST', TEMPLATE, request).errors).toEqual([]);
    const before = commentIds(await t.call('GET', '/rest/api/3/issue/DEMO-27/comment'));
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', request, 'bob');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      notMember('You are currently not a member of the project role: Administrators.'),
    );
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    expect(commentIds(await t.call('GET', '/rest/api/3/issue/DEMO-27/comment'))).toEqual(before);
  });

  it("stores a role-restricted comment by a member, shown to the role's members only", async () => {
    const user = t.sandbox.addUser({
      name: 'viewer',
      projects: [{ key: 'DEMO', roles: ['Users'] }],
    });
    const res = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-27/comment',
      {
        body: adf('Developers: flaky because of a shared port.'),
        visibility: { type: 'role', value: 'Developers' },
      },
      'bob',
    );
    expect(res.status).toBe(201);
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    expect(obj(res.body)).toMatchObject({
      author: { accountId: BOB_ID },
      visibility: { type: 'role', value: 'Developers', identifier: 'Developers' },
    });
    const id = obj(res.body)['id'];
    expect(commentIds(await t.call('GET', '/rest/api/3/issue/DEMO-27/comment'))).toContain(id);
    const hidden = await t.call('GET', '/rest/api/3/issue/DEMO-27/comment', undefined, user.name);
    expect(hidden.status).toBe(200);
    expect(commentIds(hidden)).not.toContain(id);
  });

  it('takes a role by id in identifier and stores its name', async () => {
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', {
      body: adf('By role id.'),
      visibility: { type: 'role', identifier: '10002' },
    });
    expect(res.status).toBe(201);
    expect(obj(res.body)['visibility']).toEqual(ADMIN_ROLE);
  });

  it('checks group membership: not a member, unknown group, and a member', async () => {
    const notIn = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-27/comment',
      { body: adf('x'), visibility: { type: 'group', value: 'jira-administrators' } },
      'bob',
    );
    expect(notIn.status).toBe(400);
    expect(notIn.body).toEqual(
      notMember('You are currently not a member of the group: jira-administrators.'),
    );
    const unknown = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', {
      body: adf('x'),
      visibility: { type: 'group', value: 'somefakegroup' },
    });
    expect(unknown.body).toEqual(notMember('Group: somefakegroup does not exist.'));
    const ok = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', {
      body: adf('For admins.'),
      visibility: { type: 'group', value: 'jira-administrators' },
    });
    expect(ok.status).toBe(201);
    expect(specErrors('POST', TEMPLATE, ok)).toEqual([]);
    expect(obj(ok.body)['visibility']).toEqual({
      type: 'group',
      value: 'jira-administrators',
      identifier: '5e1c6f3a-8a4e-4f6e-9c55-0d2c3f7a9b02',
    });
    const bob = await t.call('GET', '/rest/api/3/issue/DEMO-27/comment', undefined, 'bob');
    expect(commentIds(bob)).not.toContain(obj(ok.body)['id']);
  });

  it("hides a group's comment even from a site admin outside the group", async () => {
    t.sandbox.addUser({ name: 'sec', projects: ['DEMO'], groups: ['security'] });
    const res = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-27/comment',
      { body: adf('Pen-test findings.'), visibility: { type: 'group', value: 'security' } },
      'sec',
    );
    expect(res.status).toBe(201);
    const id = obj(res.body)['id'];
    expect(
      commentIds(await t.call('GET', '/rest/api/3/issue/DEMO-27/comment', undefined, 'sec')),
    ).toContain(id);
    expect(commentIds(await t.call('GET', '/rest/api/3/issue/DEMO-27/comment'))).not.toContain(id);
  });

  it('refuses an unknown role, and a visibility of the wrong shape', async () => {
    const role = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', {
      body: adf('x'),
      visibility: { type: 'role', value: 'Testers' },
    });
    expect(role.status).toBe(400);
    expect(role.body).toEqual(notMember('Role with id: Testers does not exist.'));
    const shape = await t.call('POST', '/rest/api/3/issue/DEMO-27/comment', {
      body: adf('x'),
      visibility: { type: 'team', value: 'x' },
    });
    expect(shape.status).toBe(400);
    expect(shape.body).toEqual(
      jiraErrorBody([
        'Invalid request payload. Refer to the REST API documentation and try again.',
      ]),
    );
  });
});

describe('Visibility on comments added by edit, transition and link', () => {
  const restricted = {
    body: adf('Admins only'),
    visibility: { type: 'role', value: 'Administrators' },
  };
  const refused = notMember('You are currently not a member of the project role: Administrators.');

  it('refuses a role the author is not in, on every path, changing nothing', async () => {
    const before = await t.call('GET', '/rest/api/3/issue/DEMO-15');
    const edit = await t.call(
      'PUT',
      '/rest/api/3/issue/DEMO-15',
      { update: { comment: [{ add: restricted }] } },
      'bob',
    );
    expect(edit.status).toBe(400);
    expect(edit.body).toEqual(refused);
    const move = await t.call(
      'POST',
      '/rest/api/3/issue/DEMO-15/transitions',
      { transition: { id: '21' }, update: { comment: [{ add: restricted }] } },
      'bob',
    );
    expect(move.status).toBe(400);
    expect(move.body).toEqual(refused);
    const link = await t.call(
      'POST',
      '/rest/api/3/issueLink',
      {
        type: { name: 'Relates' },
        inwardIssue: { key: 'DEMO-19' },
        outwardIssue: { key: 'DEMO-15' },
        comment: restricted,
      },
      'bob',
    );
    expect(link.status).toBe(400);
    expect(link.body).toEqual(refused);
    expect((await t.call('GET', '/rest/api/3/issue/DEMO-15')).body).toEqual(before.body);
  });

  it('stores the visibility for a member, so the restricted comment stays hidden from others', async () => {
    const edit = await t.call('PUT', '/rest/api/3/issue/DEMO-15', {
      update: { comment: [{ add: restricted }] },
    });
    expect(edit.status).toBe(204);
    const alice = await t.call('GET', '/rest/api/3/issue/DEMO-15/comment');
    const last = arr(obj(alice.body)['comments']).map(obj).at(-1);
    expect(last?.['visibility']).toEqual(ADMIN_ROLE);
    const bob = await t.call('GET', '/rest/api/3/issue/DEMO-15/comment', undefined, 'bob');
    expect(commentIds(bob)).not.toContain(last?.['id']);
    expect(obj(bob.body)['total']).toBe((obj(alice.body)['total'] as number) - 1);
  });
});
