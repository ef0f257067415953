/**
 * The sandbox as a multi-user Jira: accounts and their tokens, and Browse
 * Projects enforced on every route that exposes projects or issues. Alice
 * (site admin) sees DEMO and OPS; Bob sees DEMO only. Each rule is checked
 * for both, so a rule that stopped filtering (or filtered too much) fails.
 */
import { describe, expect, it } from 'vitest';
import { SANDBOX_API_TOKENS } from '../../src/sandbox/index.js';
import {
  ALICE_ID,
  arr,
  basic,
  BOB_ID,
  jiraErrorBody,
  obj,
  readResponse,
  specErrors,
  useTestSandbox,
} from './sandbox-fixture.js';

const t = useTestSandbox();

const ISSUE_404 = jiraErrorBody(['Issue does not exist or you do not have permission to see it.']);
const q = (jql: string): string => encodeURIComponent(jql);
const keysOf = (body: unknown): unknown[] =>
  arr(obj(body)['issues']).map((issue) => obj(issue)['key']);
const adf = (text: string): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

describe('Sandbox accounts and tokens', () => {
  it('documents each seeded token as sandbox-token-<name>, and each authenticates its account', async () => {
    expect(SANDBOX_API_TOKENS).toEqual({
      alice: 'sandbox-token-alice',
      bob: 'sandbox-token-bob',
    });
    for (const [who, id] of [
      ['alice', ALICE_ID],
      ['bob', BOB_ID],
    ] as const) {
      const res = await t.call('GET', '/rest/api/3/myself', undefined, who);
      expect(res.status).toBe(200);
      expect(obj(res.body)['accountId']).toBe(id);
    }
    expect(t.sandbox.users.map((u) => [u.name, u.apiToken])).toEqual([
      ['alice', 'sandbox-token-alice'],
      ['bob', 'sandbox-token-bob'],
    ]);
  });

  it('finds accounts by e-mail in any case, for other front doors (OAuth) to act as them', () => {
    expect(t.sandbox.findUserByEmail('BOB@Example.com')?.accountId).toBe(BOB_ID);
    expect(t.sandbox.findUserByEmail('mallory@example.com')).toBeUndefined();
  });

  it('adds an account with chosen projects and groups; it signs in with sandbox-token-<name>', async () => {
    const carol = t.sandbox.addUser({ name: 'carol', projects: ['OPS'], groups: ['on-call'] });
    expect(carol).toMatchObject({
      name: 'carol',
      displayName: 'Carol',
      emailAddress: 'carol@example.com',
      apiToken: 'sandbox-token-carol',
      groups: ['jira-software-users', 'on-call'],
      projectRoles: { OPS: ['Developers', 'Users'] },
    });
    expect(t.sandbox.users.at(-1)).toBe(carol);
    const me = await t.call('GET', '/rest/api/3/myself?expand=groups', undefined, 'carol');
    expect(me.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/myself', me)).toEqual([]);
    expect(obj(me.body)).toMatchObject({ accountId: carol.accountId, displayName: 'Carol' });
    expect(obj(obj(me.body)['groups'])['items']).toEqual([
      expect.objectContaining({ name: 'jira-software-users' }),
      expect.objectContaining({ name: 'on-call' }),
    ]);
    const projects = await t.call('GET', '/rest/api/3/project/search', undefined, 'carol');
    expect(arr(obj(projects.body)['values']).map((p) => obj(p)['key'])).toEqual(['OPS']);
    const wrongToken = await readResponse(
      await fetch(`${t.url}/rest/api/3/myself`, {
        headers: {
          authorization: `Basic ${Buffer.from('carol@example.com:sandbox-token-bob').toString('base64')}`,
        },
      }),
    );
    expect(wrongToken.status).toBe(401);
  });

  it('refuses an invalid or taken name, a taken e-mail and an unknown project', () => {
    expect(() => t.sandbox.addUser({ name: 'Bad Name' })).toThrow(/not valid/);
    expect(() => t.sandbox.addUser({ name: 'bob' })).toThrow(/already exists/);
    expect(() => t.sandbox.addUser({ name: 'bobby', email: 'BOB@example.com' })).toThrow(
      /already exists/,
    );
    expect(() => t.sandbox.addUser({ name: 'erin', projects: ['NOPE'] })).toThrow(/no project/);
  });

  it("answers /myself with each account's own groups", async () => {
    const alice = await t.call('GET', '/rest/api/3/myself?expand=groups');
    const bob = await t.call('GET', '/rest/api/3/myself?expand=groups', undefined, 'bob');
    for (const res of [alice, bob]) {
      expect(specErrors('GET', '/rest/api/3/myself', res)).toEqual([]);
    }
    const names = (res: typeof alice): unknown[] =>
      arr(obj(obj(res.body)['groups'])['items']).map((g) => obj(g)['name']);
    expect(names(alice)).toEqual(['site-admins', 'jira-administrators', 'jira-software-users']);
    expect(names(bob)).toEqual(['jira-software-users']);
    expect(obj(obj(bob.body)['groups'])['size']).toBe(1);
  });
});

describe('Browse Projects: projects and create metadata', () => {
  it('lists only browsable projects in /project/search, with totals to match', async () => {
    const alice = await t.call('GET', '/rest/api/3/project/search');
    const bob = await t.call('GET', '/rest/api/3/project/search', undefined, 'bob');
    for (const res of [alice, bob]) {
      expect(res.status).toBe(200);
      expect(specErrors('GET', '/rest/api/3/project/search', res)).toEqual([]);
    }
    const keys = (res: typeof alice): unknown[] =>
      arr(obj(res.body)['values']).map((p) => obj(p)['key']);
    expect(keys(alice)).toEqual(['DEMO', 'OPS']);
    expect(keys(bob)).toEqual(['DEMO']);
    expect(obj(bob.body)['total']).toBe(1);
    const asked = await t.call('GET', '/rest/api/3/project/search?keys=OPS', undefined, 'bob');
    expect(obj(asked.body)).toMatchObject({ total: 0, values: [] });
  });

  it('answers 404 for a project the caller cannot browse, as for an unknown one', async () => {
    const byKey = await t.call('GET', '/rest/api/3/project/OPS', undefined, 'bob');
    expect(byKey.status).toBe(404);
    expect(byKey.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
    expect(specErrors('GET', '/rest/api/3/project/{projectIdOrKey}', byKey)).toEqual([]);
    const byId = await t.call('GET', '/rest/api/3/project/10001', undefined, 'bob');
    expect(byId.body).toEqual(jiraErrorBody(["No project could be found with id '10001'."]));
    expect((await t.call('GET', '/rest/api/3/project/OPS')).status).toBe(200);
  });

  it('answers create metadata only for browsable projects', async () => {
    for (const path of [
      '/rest/api/3/issue/createmeta/OPS/issuetypes',
      '/rest/api/3/issue/createmeta/OPS/issuetypes/10001',
    ]) {
      const bob = await t.call('GET', path, undefined, 'bob');
      expect(bob.status).toBe(400);
      expect(bob.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
      expect((await t.call('GET', path)).status).toBe(200);
    }
  });

  it('finds assignable users only in browsable projects, and only those assignable there', async () => {
    const project = await t.call(
      'GET',
      '/rest/api/3/user/assignable/search?project=OPS&query=',
      undefined,
      'bob',
    );
    expect(project.status).toBe(404);
    expect(project.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
    const issue = await t.call(
      'GET',
      '/rest/api/3/user/assignable/search?issueKey=OPS-1&query=',
      undefined,
      'bob',
    );
    expect(issue.status).toBe(404);
    expect(issue.body).toEqual(ISSUE_404);
    const alice = await t.call('GET', '/rest/api/3/user/assignable/search?project=OPS&query=');
    expect(specErrors('GET', '/rest/api/3/user/assignable/search', alice)).toEqual([]);
    const ids = arr(alice.body).map((u) => obj(u)['accountId']);
    expect(ids).toContain(ALICE_ID);
    expect(ids).not.toContain(BOB_ID);
    // Everyone may browse users: the plain search still finds Bob for Alice and Alice for Bob.
    const users = await t.call('GET', '/rest/api/3/user/search?query=alice', undefined, 'bob');
    expect(arr(users.body).map((u) => obj(u)['accountId'])).toEqual([ALICE_ID]);
  });
});

describe('Browse Projects: reading issues', () => {
  it("answers Jira's 404 for an issue in a project the caller cannot browse, by key or id", async () => {
    for (const path of ['/rest/api/3/issue/OPS-1', '/rest/api/3/issue/10029']) {
      const bob = await t.call('GET', path, undefined, 'bob');
      expect(bob.status).toBe(404);
      expect(bob.body).toEqual(ISSUE_404);
      expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', bob)).toEqual([]);
      const alice = await t.call('GET', path);
      expect(alice.status).toBe(200);
      expect(obj(alice.body)['key']).toBe('OPS-1');
    }
  });

  it('answers 404 for the comments, worklogs and transitions of an invisible issue', async () => {
    for (const [path, template] of [
      ['/rest/api/3/issue/OPS-2/comment', '/rest/api/3/issue/{issueIdOrKey}/comment'],
      ['/rest/api/3/issue/OPS-2/worklog', '/rest/api/3/issue/{issueIdOrKey}/worklog'],
      ['/rest/api/3/issue/OPS-2/transitions', '/rest/api/3/issue/{issueIdOrKey}/transitions'],
    ] as const) {
      const bob = await t.call('GET', path, undefined, 'bob');
      expect(bob.status).toBe(404);
      expect(bob.body).toEqual(ISSUE_404);
      const alice = await t.call('GET', path);
      expect(alice.status).toBe(200);
      expect(specErrors('GET', template, alice)).toEqual([]);
    }
  });

  it("leaves a link to an invisible issue out of the other issue's issuelinks", async () => {
    const path = '/rest/api/3/issue/DEMO-10?fields=issuelinks';
    const alice = await t.call('GET', path);
    const bob = await t.call('GET', path, undefined, 'bob');
    for (const res of [alice, bob]) {
      expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toEqual([]);
    }
    const linked = (res: typeof alice): unknown[] =>
      arr(obj(obj(res.body)['fields'])['issuelinks']).map(
        (link) => obj(obj(link)['inwardIssue'] ?? obj(link)['outwardIssue'])['key'],
      );
    expect(linked(alice)).toEqual(['OPS-2']);
    expect(linked(bob)).toEqual([]);
  });
});

describe('Browse Projects: JQL search', () => {
  const SEARCH = '/rest/api/3/search/jql';

  it('leaves out issues the caller cannot browse', async () => {
    const jql = q('assignee = "bob@example.com" AND status != Done ORDER BY key');
    const alice = await t.call('GET', `${SEARCH}?jql=${jql}&fields=summary&maxResults=100`);
    const bob = await t.call(
      'GET',
      `${SEARCH}?jql=${jql}&fields=summary&maxResults=100`,
      undefined,
      'bob',
    );
    for (const res of [alice, bob]) {
      expect(res.status).toBe(200);
      expect(specErrors('GET', SEARCH, res)).toEqual([]);
    }
    expect(keysOf(alice.body)).toContain('OPS-1');
    expect(keysOf(bob.body)).toEqual(keysOf(alice.body).filter((k) => k !== 'OPS-1'));
    const post = await t.call(
      'POST',
      SEARCH,
      { jql: 'text ~ "backup"', fields: ['summary'] },
      'bob',
    );
    expect(post.status).toBe(200);
    expect(keysOf(post.body)).toEqual([]);
    const alicePost = await t.call('POST', SEARCH, { jql: 'text ~ "backup"', fields: ['summary'] });
    expect(keysOf(alicePost.body)).toEqual(['OPS-2']);
  });

  it('treats an invisible project or issue named in JQL as unknown (400), as Jira does', async () => {
    const project = await t.call('GET', `${SEARCH}?jql=${q('project = OPS')}`, undefined, 'bob');
    expect(project.status).toBe(400);
    expect(project.body).toEqual(
      jiraErrorBody(["The value 'OPS' does not exist for the field 'project'."]),
    );
    expect(specErrors('GET', SEARCH, project)).toEqual([]);
    const byName = await t.call('POST', SEARCH, { jql: 'project = "Operations"' }, 'bob');
    expect(byName.body).toEqual(
      jiraErrorBody(["The value 'Operations' does not exist for the field 'project'."]),
    );
    const key = await t.call('GET', `${SEARCH}?jql=${q('key = OPS-1')}`, undefined, 'bob');
    expect(key.status).toBe(400);
    expect(key.body).toEqual(
      jiraErrorBody(["An issue with key 'OPS-1' does not exist for field 'key'."]),
    );
    expect((await t.call('GET', `${SEARCH}?jql=${q('project = OPS')}`)).status).toBe(200);
  });
});

describe('Browse Projects: changing issues', () => {
  it('answers 404 to every write on an invisible issue and changes nothing', async () => {
    const before = await t.call('GET', '/rest/api/3/issue/OPS-3');
    const writes: [string, string, unknown][] = [
      ['PUT', '/rest/api/3/issue/OPS-3', { fields: { summary: 'Hijacked' } }],
      ['PUT', '/rest/api/3/issue/OPS-3/assignee', { accountId: BOB_ID }],
      ['POST', '/rest/api/3/issue/OPS-3/comment', { body: adf('Sneaky') }],
      ['POST', '/rest/api/3/issue/OPS-3/worklog', { timeSpent: '1h' }],
      ['POST', '/rest/api/3/issue/OPS-3/transitions', { transition: { id: '41' } }],
    ];
    for (const [method, path, body] of writes) {
      const res = await t.call(method, path, body, 'bob');
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual(ISSUE_404);
    }
    const after = await t.call('GET', '/rest/api/3/issue/OPS-3');
    expect(after.body).toEqual(before.body);
  });

  it('refuses to link to or from an invisible issue with 404, and links for Alice', async () => {
    const link = {
      type: { name: 'Relates' },
      inwardIssue: { key: 'DEMO-12' },
      outwardIssue: { key: 'OPS-1' },
    };
    const bob = await t.call('POST', '/rest/api/3/issueLink', link, 'bob');
    expect(bob.status).toBe(404);
    expect(bob.body).toEqual(ISSUE_404);
    const reversed = await t.call(
      'POST',
      '/rest/api/3/issueLink',
      { ...link, inwardIssue: { key: 'OPS-1' }, outwardIssue: { key: 'DEMO-12' } },
      'bob',
    );
    expect(reversed.status).toBe(404);
    const demo12 = await t.call('GET', '/rest/api/3/issue/DEMO-12?fields=issuelinks');
    expect(arr(obj(obj(demo12.body)['fields'])['issuelinks'])).toEqual([]);
    expect((await t.call('POST', '/rest/api/3/issueLink', link)).status).toBe(201);
  });

  it('answers an invisible project in a create like an unknown one, and creates nothing', async () => {
    const create = {
      fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Not for Bob' },
    };
    const count = async (): Promise<number> =>
      keysOf((await t.call('GET', `/rest/api/3/search/jql?jql=${q('project = OPS')}`)).body).length;
    const before = await count();
    const bob = await t.call('POST', '/rest/api/3/issue', create, 'bob');
    expect(bob.status).toBe(400);
    expect(bob.body).toEqual(jiraErrorBody([], { project: 'Specify a valid project ID or key' }));
    expect(specErrors('POST', '/rest/api/3/issue', bob)).toEqual([]);
    const byId = await t.call(
      'POST',
      '/rest/api/3/issue',
      { fields: { ...create.fields, project: { id: '10001' } } },
      'bob',
    );
    expect(byId.body).toEqual(jiraErrorBody([], { project: 'Specify a valid project ID or key' }));
    expect(await count()).toBe(before);
  });

  it('does not let a parent the caller cannot see exist for them', async () => {
    const res = await t.call(
      'POST',
      '/rest/api/3/issue',
      {
        fields: {
          project: { key: 'DEMO' },
          issuetype: { name: 'Sub-task' },
          summary: 'Child of a secret',
          parent: { key: 'OPS-1' },
        },
      },
      'bob',
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual(jiraErrorBody([], { parent: 'Could not find issue by id or key.' }));
  });

  it('refuses to assign an issue to someone not assignable in its project', async () => {
    const assign = await t.call('PUT', '/rest/api/3/issue/OPS-2/assignee', { accountId: BOB_ID });
    expect(assign.status).toBe(400);
    expect(assign.body).toEqual(
      jiraErrorBody([], { assignee: `User '${BOB_ID}' cannot be assigned issues.` }),
    );
    const edit = await t.call('PUT', '/rest/api/3/issue/OPS-2', {
      fields: { assignee: { accountId: BOB_ID } },
    });
    expect(edit.body).toEqual(
      jiraErrorBody([], { assignee: `User '${BOB_ID}' cannot be assigned issues.` }),
    );
    const demo = await t.call('PUT', '/rest/api/3/issue/DEMO-12/assignee', { accountId: BOB_ID });
    expect(demo.status).toBe(204);
  });
});

describe('GET /rest/api/3/mypermissions', () => {
  const TEMPLATE = '/rest/api/3/mypermissions';
  const have = (body: unknown): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(obj(obj(body)['permissions'])).map(([key, p]) => [
        key,
        obj(p)['havePermission'],
      ]),
    );
  const KEYS = 'BROWSE_PROJECTS,CREATE_ISSUES,ADMINISTER_PROJECTS,ADMINISTER';

  it('reports each account its own permissions, globally and per project', async () => {
    const aliceDemo = await t.call('GET', `${TEMPLATE}?projectKey=DEMO&permissions=${KEYS}`);
    const bobDemo = await t.call(
      'GET',
      `${TEMPLATE}?projectKey=DEMO&permissions=${KEYS}`,
      undefined,
      'bob',
    );
    for (const res of [aliceDemo, bobDemo]) {
      expect(res.status).toBe(200);
      expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    }
    expect(have(aliceDemo.body)).toEqual({
      BROWSE_PROJECTS: true,
      CREATE_ISSUES: true,
      ADMINISTER_PROJECTS: true,
      ADMINISTER: true,
    });
    expect(have(bobDemo.body)).toEqual({
      BROWSE_PROJECTS: true,
      CREATE_ISSUES: true,
      ADMINISTER_PROJECTS: false,
      ADMINISTER: false,
    });
    expect(obj(obj(bobDemo.body)['permissions'])['BROWSE_PROJECTS']).toEqual({
      id: '10',
      key: 'BROWSE_PROJECTS',
      name: 'Browse Projects',
      type: 'PROJECT',
      description: 'Ability to browse projects and the issues within them.',
      havePermission: true,
    });
    const dave = t.sandbox.addUser({ name: 'dave' });
    const nowhere = await t.call(
      'GET',
      `${TEMPLATE}?permissions=BROWSE_PROJECTS`,
      undefined,
      dave.name,
    );
    expect(have(nowhere.body)).toEqual({ BROWSE_PROJECTS: false });
  });

  it('answers 404 for a project or issue the caller cannot browse, 400 without permissions', async () => {
    const project = await t.call(
      'GET',
      `${TEMPLATE}?projectKey=OPS&permissions=BROWSE_PROJECTS`,
      undefined,
      'bob',
    );
    expect(project.status).toBe(404);
    expect(project.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
    const issue = await t.call(
      'GET',
      `${TEMPLATE}?issueKey=OPS-1&permissions=BROWSE_PROJECTS`,
      undefined,
      'bob',
    );
    expect(issue.status).toBe(404);
    expect(issue.body).toEqual(ISSUE_404);
    const none = await t.call('GET', TEMPLATE);
    expect(none.status).toBe(400);
    expect(none.body).toEqual(jiraErrorBody(["The 'permissions' query parameter is required."]));
    const unknown = await t.call('GET', `${TEMPLATE}?permissions=FLY`);
    expect(unknown.body).toEqual(jiraErrorBody(["The permission key 'FLY' is not valid."]));
  });
});

describe('Basic auth for an added account', () => {
  it('uses the live account list: an account added after start signs in at once', async () => {
    const res0 = await fetch(`${t.url}/rest/api/3/myself`, {
      headers: { authorization: basic('frank') },
    });
    expect(res0.status).toBe(401);
    t.sandbox.addUser({ name: 'frank', projects: ['DEMO'] });
    const res1 = await fetch(`${t.url}/rest/api/3/myself`, {
      headers: { authorization: basic('frank') },
    });
    expect(res1.status).toBe(200);
  });
});
