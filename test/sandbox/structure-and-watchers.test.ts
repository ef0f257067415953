import { describe, expect, it } from 'vitest';
import { validateRequestBody, validateSchema } from '../helpers/openapi-validator.js';
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

const VERSIONS_PAGED = '/rest/api/3/project/{projectIdOrKey}/version';
const VERSIONS = '/rest/api/3/project/{projectIdOrKey}/versions';
const COMPONENTS_PAGED = '/rest/api/3/project/{projectIdOrKey}/component';
const COMPONENTS = '/rest/api/3/project/{projectIdOrKey}/components';
const WATCHERS = '/rest/api/3/issue/{issueIdOrKey}/watchers';
const REMOTE_LINKS = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
const ISSUE_LINK = '/rest/api/3/issueLink/{linkId}';

async function issueFields(key: string, which: string): Promise<Record<string, unknown>> {
  return obj(obj((await t.call('GET', `/rest/api/3/issue/${key}?fields=${which}`)).body)['fields']);
}

function names(values: unknown): unknown[] {
  return arr(values).map((v) => obj(v)['name']);
}

describe('GET /rest/api/3/project/{projectIdOrKey}/version (getProjectVersionsPaginated)', () => {
  it('pages the seeded DEMO versions as a PageBeanVersion', async () => {
    const res = await t.call('GET', '/rest/api/3/project/DEMO/version?maxResults=1');
    expect(res.status).toBe(200);
    expect(specErrors('GET', VERSIONS_PAGED, res)).toEqual([]);
    const page = obj(res.body);
    expect(page).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(page['nextPage']).toBe(
      `${t.url}/rest/api/3/project/DEMO/version?startAt=1&maxResults=1`,
    );
    expect(arr(page['values'])[0]).toEqual({
      self: `${t.url}/rest/api/3/version/10000`,
      id: '10000',
      description: 'First release of the new checkout.',
      name: '1.0',
      archived: false,
      released: true,
      startDate: '2025-12-02',
      releaseDate: '2026-01-17',
      overdue: false,
      userReleaseDate: '17/Jan/2026',
      userStartDate: '2/Dec/2025',
      projectId: 10000,
    });
  });

  it('filters by status and query, and orders by -name', async () => {
    const unreleased = await t.call('GET', '/rest/api/3/project/DEMO/version?status=unreleased');
    expect(names(obj(unreleased.body)['values'])).toEqual(['1.1']);
    const query = await t.call('GET', '/rest/api/3/project/DEMO/version?query=SAFARI');
    expect(names(obj(query.body)['values'])).toEqual(['1.1']);
    const ordered = await t.call('GET', '/rest/api/3/project/DEMO/version?orderBy=-name');
    expect(names(obj(ordered.body)['values'])).toEqual(['1.1', '1.0']);
    const bad = await t.call('GET', '/rest/api/3/project/DEMO/version?status=shipped');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(
      jiraErrorBody(["'shipped' is not a valid status for filtering versions."]),
    );
  });

  it('answers 404 for a project the caller cannot browse, as for one that does not exist', async () => {
    const hidden = await t.call('GET', '/rest/api/3/project/OPS/version', undefined, 'bob');
    expect(hidden.status).toBe(404);
    expect(specErrors('GET', VERSIONS_PAGED, hidden)).toEqual([]);
    expect(hidden.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
    const plain = await t.call('GET', '/rest/api/3/project/OPS/versions', undefined, 'bob');
    expect(plain.status).toBe(404);
  });

  it('lists every version without paging at /versions', async () => {
    const res = await t.call('GET', '/rest/api/3/project/DEMO/versions');
    expect(res.status).toBe(200);
    expect(specErrors('GET', VERSIONS, res)).toEqual([]);
    expect(names(res.body)).toEqual(['1.0', '1.1']);
  });
});

describe('POST /rest/api/3/version (createVersion)', () => {
  it('creates a version for a project administrator and answers 201 with the Version', async () => {
    const request = {
      projectId: 10000,
      name: '2.0',
      description: 'Wallets',
      startDate: '2026-03-01',
      releaseDate: '2026-01-15',
    };
    expect(validateRequestBody('POST', '/rest/api/3/version', request).errors).toEqual([]);
    const reversed = await t.call('POST', '/rest/api/3/version', request);
    expect(reversed.status).toBe(400);
    expect(reversed.body).toEqual(
      jiraErrorBody([], { startDate: 'The start date must be before the release date.' }),
    );
    const res = await t.call('POST', '/rest/api/3/version', { ...request, startDate: undefined });
    expect(res.status).toBe(201);
    expect(specErrors('POST', '/rest/api/3/version', res)).toEqual([]);
    expect(res.body).toMatchObject({
      id: '10002',
      name: '2.0',
      released: false,
      archived: false,
      releaseDate: '2026-01-15',
      overdue: true,
      projectId: 10000,
    });
    const list = await t.call('GET', '/rest/api/3/project/DEMO/versions');
    expect(names(list.body)).toEqual(['1.0', '1.1', '2.0']);
  });

  it("answers 400 with Jira's field errors for a missing, duplicate or badly dated version", async () => {
    const none = await t.call('POST', '/rest/api/3/version', { projectId: 10000 });
    expect(none.status).toBe(400);
    expect(none.body).toEqual(jiraErrorBody([], { name: 'You must specify a valid version name' }));
    const dup = await t.call('POST', '/rest/api/3/version', {
      projectId: 10000,
      name: '1.0',
      releaseDate: '2026-02-30',
    });
    expect(dup.body).toEqual(
      jiraErrorBody([], {
        name: 'A version with this name already exists in this project.',
        releaseDate: 'Invalid date format. Please enter the date in the format "yyyy-MM-dd".',
      }),
    );
    const noProject = await t.call('POST', '/rest/api/3/version', { name: 'x' });
    expect(noProject.body).toEqual(
      jiraErrorBody([], { project: 'You must specify a valid project key or id.' }),
    );
  });

  it('refuses a member without Administer Projects (404) and a project they cannot see', async () => {
    const member = await t.call(
      'POST',
      '/rest/api/3/version',
      { projectId: 10000, name: '9' },
      'bob',
    );
    expect(member.status).toBe(404);
    expect(specErrors('POST', '/rest/api/3/version', member)).toEqual([]);
    expect(member.body).toEqual(
      jiraErrorBody([
        'You must have global or project administrator rights in order to modify versions.',
      ]),
    );
    const hidden = await t.call(
      'POST',
      '/rest/api/3/version',
      { project: 'OPS', name: '9' },
      'bob',
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(jiraErrorBody(["No project could be found with key 'OPS'."]));
  });
});

describe('GET /rest/api/3/project/{projectIdOrKey}/component(s)', () => {
  it('pages components with issue counts and leads (PageBeanComponentWithIssueCount)', async () => {
    const res = await t.call('GET', '/rest/api/3/project/DEMO/component');
    expect(res.status).toBe(200);
    expect(specErrors('GET', COMPONENTS_PAGED, res)).toEqual([]);
    const values = arr(obj(res.body)['values']).map(obj);
    expect(values.map((v) => [v['name'], v['issueCount']])).toEqual([
      ['API', 3],
      ['Web', 3],
    ]);
    expect(obj(values[0]?.['lead'])['accountId']).toBe(ALICE_ID);
    expect(values[1]?.['lead']).toBeUndefined();
    const byCount = await t.call('GET', '/rest/api/3/project/DEMO/component?query=store');
    expect(names(obj(byCount.body)['values'])).toEqual(['Web']);
  });

  it('lists ProjectComponents at /components', async () => {
    const res = await t.call('GET', '/rest/api/3/project/DEMO/components');
    expect(res.status).toBe(200);
    expect(specErrors('GET', COMPONENTS, res)).toEqual([]);
    expect(names(res.body)).toEqual(['API', 'Web']);
  });
});

describe('issue fields fixVersions, versions, components, watches', () => {
  it('shows the seeded versions and components on issues, shaped as Jira embeds them', async () => {
    const fields = await issueFields('DEMO-6', 'fixVersions,versions,components,watches');
    expect(fields['fixVersions']).toEqual([
      {
        self: `${t.url}/rest/api/3/version/10001`,
        id: '10001',
        description: 'Saved cards and the Safari fixes.',
        name: '1.1',
        archived: false,
        released: false,
        releaseDate: '2026-03-02',
      },
    ]);
    expect(names(fields['versions'])).toEqual(['1.0']);
    expect(fields['components']).toEqual([
      {
        self: `${t.url}/rest/api/3/component/10001`,
        id: '10001',
        name: 'Web',
        description: 'The storefront web app.',
      },
    ]);
    for (const v of arr(fields['fixVersions']))
      expect(validateSchema('Version', v).errors).toEqual([]);
    for (const c of arr(fields['components'])) {
      expect(validateSchema('ProjectComponent', c).errors).toEqual([]);
    }
    expect(validateSchema('Watchers', fields['watches']).errors).toEqual([]);
  });
});

describe('/rest/api/3/issue/{issueIdOrKey}/watchers', () => {
  it('starts with the reporter and assignee watching, as Jira auto-watches', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-2/watchers', undefined, 'bob');
    expect(res.status).toBe(200);
    expect(specErrors('GET', WATCHERS, res)).toEqual([]);
    expect(res.body).toMatchObject({ isWatching: true, watchCount: 2 });
    expect(arr(obj(res.body)['watchers']).map((w) => obj(w)['accountId'])).toEqual([
      ALICE_ID,
      BOB_ID,
    ]);
  });

  it('adds a watcher from a JSON string body and the caller from an empty body (204)', async () => {
    const request = BOB_ID;
    expect(validateRequestBody('POST', WATCHERS, request).errors).toEqual([]);
    const added = await t.call('POST', '/rest/api/3/issue/DEMO-3/watchers', request);
    expect(added.status).toBe(204);
    const self = await fetch(`${t.url}/rest/api/3/issue/DEMO-7/watchers`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('bob@example.com:sandbox-token-bob').toString('base64')}`,
      },
    });
    expect(self.status).toBe(204);
    expect(obj(await issueFields('DEMO-3', 'watches'))['watches']).toMatchObject({ watchCount: 2 });
    const seven = await t.call('GET', '/rest/api/3/issue/DEMO-7/watchers', undefined, 'bob');
    expect(obj(seven.body)['isWatching']).toBe(true);
  });

  it('refuses adding or removing someone else without Manage Watchers (403)', async () => {
    const add = await t.call('POST', '/rest/api/3/issue/DEMO-9/watchers', ALICE_ID, 'bob');
    expect(add.status).toBe(403);
    expect(specErrors('POST', WATCHERS, add)).toEqual([]);
    expect(add.body).toEqual(
      jiraErrorBody(['You do not have permission to manage the watcher list.']),
    );
    const remove = await t.call(
      'DELETE',
      `/rest/api/3/issue/DEMO-2/watchers?accountId=${encodeURIComponent(ALICE_ID)}`,
      undefined,
      'bob',
    );
    expect(remove.status).toBe(403);
  });

  it('answers 404 for an unknown account and 400 for one who cannot see the issue', async () => {
    const unknown = await t.call('POST', '/rest/api/3/issue/DEMO-3/watchers', 'no-such-account');
    expect(unknown.status).toBe(404);
    expect(specErrors('POST', WATCHERS, unknown)).toEqual([]);
    expect(unknown.body).toEqual(
      jiraErrorBody(["The user with account ID 'no-such-account' does not exist."]),
    );
    const blind = await t.call('POST', '/rest/api/3/issue/OPS-1/watchers', BOB_ID);
    expect(blind.status).toBe(400);
    expect(blind.body).toEqual(
      jiraErrorBody([
        `The user '${BOB_ID}' does not have permission to view this issue. This user will not be added to the watch list.`,
      ]),
    );
  });

  it('removes a watcher (204), needs accountId (400), and hides issues from non-browsers (404)', async () => {
    const none = await t.call('DELETE', '/rest/api/3/issue/DEMO-2/watchers');
    expect(none.status).toBe(400);
    expect(specErrors('DELETE', WATCHERS, none)).toEqual([]);
    expect(none.body).toEqual(jiraErrorBody(['accountId must be provided.']));
    const res = await t.call(
      'DELETE',
      `/rest/api/3/issue/DEMO-2/watchers?accountId=${encodeURIComponent(BOB_ID)}`,
    );
    expect(res.status).toBe(204);
    const after = await t.call('GET', '/rest/api/3/issue/DEMO-2/watchers', undefined, 'bob');
    expect(after.body).toMatchObject({ isWatching: false, watchCount: 1 });
    const hidden = await t.call('GET', '/rest/api/3/issue/OPS-1/watchers', undefined, 'bob');
    expect(hidden.status).toBe(404);
  });
});

describe('/rest/api/3/issue/{issueIdOrKey}/remotelink', () => {
  it('lists the seeded web link as RemoteIssueLinks', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-3/remotelink');
    expect(res.status).toBe(200);
    // The description types this answer as one RemoteIssueLink, but its own
    // example (and real Jira) is an array of them: check each element.
    for (const link of arr(res.body)) {
      expect(validateSchema('RemoteIssueLink', link).errors).toEqual([]);
    }
    expect(res.body).toEqual([
      {
        id: 10000,
        self: `${t.url}/rest/api/issue/DEMO-3/remotelink/10000`,
        relationship: 'links to',
        object: {
          url: 'https://docs.example.com/payments/saved-cards',
          title: 'Saved cards: payment provider guide',
          summary: 'How the provider stores and charges saved cards.',
        },
      },
    ]);
  });

  it('creates (201), then updates by globalId (200), recording the new link in history', async () => {
    const request = {
      globalId: 'pr=42',
      relationship: 'is implemented by',
      object: { url: 'https://git.example.com/pr/42', title: 'PR 42' },
    };
    expect(validateRequestBody('POST', REMOTE_LINKS, request).errors).toEqual([]);
    const created = await t.call('POST', '/rest/api/3/issue/DEMO-5/remotelink', request);
    expect(created.status).toBe(201);
    expect(specErrors('POST', REMOTE_LINKS, created)).toEqual([]);
    expect(created.body).toEqual({
      id: 10001,
      self: `${t.url}/rest/api/issue/DEMO-5/remotelink/10001`,
    });
    const updated = await t.call('POST', '/rest/api/3/issue/DEMO-5/remotelink', {
      globalId: 'pr=42',
      object: { url: 'https://git.example.com/pr/42', title: 'PR 42 (merged)' },
    });
    expect(updated.status).toBe(200);
    expect(obj(updated.body)['id']).toBe(10001);
    const one = await t.call('GET', '/rest/api/3/issue/DEMO-5/remotelink?globalId=pr%3D42');
    expect(specErrors('GET', REMOTE_LINKS, one)).toEqual([]);
    expect(one.body).toEqual({
      id: 10001,
      self: `${t.url}/rest/api/issue/DEMO-5/remotelink/10001`,
      globalId: 'pr=42',
      object: { url: 'https://git.example.com/pr/42', title: 'PR 42 (merged)' },
    });
    const history = await t.call('GET', '/rest/api/3/issue/DEMO-5/changelog');
    const items = arr(obj(history.body)['values']).flatMap((h) => arr(obj(h)['items']));
    expect(items).toContainEqual(
      expect.objectContaining({
        field: 'RemoteIssueLink',
        to: '10001',
        toString: 'This issue links to "PR 42"',
      }),
    );
  });

  it("answers 400 with Jira's field errors when the object, its url or title is missing", async () => {
    const noObject = await t.call('POST', '/rest/api/3/issue/DEMO-5/remotelink', {});
    expect(noObject.status).toBe(400);
    expect(noObject.body).toEqual(jiraErrorBody([], { object: "'object' is required." }));
    const noTitle = await t.call('POST', '/rest/api/3/issue/DEMO-5/remotelink', {
      object: { url: '' },
    });
    expect(specErrors('POST', REMOTE_LINKS, noTitle)).toEqual([]);
    expect(noTitle.body).toEqual(
      jiraErrorBody([], { title: "'title' is required.", url: "'url' is required." }),
    );
  });
});

describe('/rest/api/3/issueLink/{linkId}', () => {
  async function linkIdOf(key: string, other: string): Promise<string> {
    const links = arr((await issueFields(key, 'issuelinks'))['issuelinks']).map(obj);
    const link = links.find((l) => obj(l['outwardIssue'] ?? l['inwardIssue'])['key'] === other);
    return String(link?.['id']);
  }

  it('reads a link with both issues (IssueLink), outwardIssue being the "from" side', async () => {
    const id = await linkIdOf('DEMO-4', 'DEMO-5');
    const res = await t.call('GET', `/rest/api/3/issueLink/${id}`);
    expect(res.status).toBe(200);
    expect(specErrors('GET', ISSUE_LINK, res)).toEqual([]);
    expect(res.body).toMatchObject({
      id,
      type: { name: 'Blocks', outward: 'blocks' },
      outwardIssue: { key: 'DEMO-4' },
      inwardIssue: { key: 'DEMO-5' },
    });
  });

  it('hides a link to an issue the caller cannot see (404) and rejects a bad id (400)', async () => {
    const id = await linkIdOf('OPS-2', 'DEMO-10');
    const hidden = await t.call('GET', `/rest/api/3/issueLink/${id}`, undefined, 'bob');
    expect(hidden.status).toBe(404);
    expect(specErrors('GET', ISSUE_LINK, hidden)).toEqual([]);
    expect(hidden.body).toEqual(jiraErrorBody([`No issue link with id '${id}' exists.`]));
    const bob = await t.call('DELETE', `/rest/api/3/issueLink/${id}`, undefined, 'bob');
    expect(bob.status).toBe(404);
    const bad = await t.call('GET', '/rest/api/3/issueLink/abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(jiraErrorBody(["The issue link ID 'abc' is invalid."]));
  });

  it('deletes a link (204) and writes the "Link" history item on both issues', async () => {
    const id = await linkIdOf('DEMO-22', 'DEMO-21');
    const res = await t.call('DELETE', `/rest/api/3/issueLink/${id}`);
    expect(res.status).toBe(204);
    expect(specErrors('DELETE', ISSUE_LINK, res)).toEqual([]);
    expect((await issueFields('DEMO-22', 'issuelinks'))['issuelinks']).toEqual([]);
    const again = await t.call('DELETE', `/rest/api/3/issueLink/${id}`);
    expect(again.status).toBe(404);
    const items = async (key: string): Promise<unknown[]> =>
      arr(obj((await t.call('GET', `/rest/api/3/issue/${key}/changelog`)).body)['values']).flatMap(
        (h) => arr(obj(h)['items']),
      );
    expect(await items('DEMO-22')).toContainEqual(
      expect.objectContaining({
        field: 'Link',
        from: 'DEMO-21',
        fromString: 'This issue duplicates DEMO-21',
      }),
    );
    expect(await items('DEMO-21')).toContainEqual(
      expect.objectContaining({
        field: 'Link',
        from: 'DEMO-22',
        fromString: 'This issue is duplicated by DEMO-22',
      }),
    );
  });
});
