import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxStore } from '../../src/sandbox/store.js';
import { arr, obj, startTestSandbox } from './sandbox-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-persist-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function idsOf(t: Awaited<ReturnType<typeof startTestSandbox>>): Promise<unknown[]> {
  const res = await t.call(
    'GET',
    `/rest/api/3/search/jql?jql=${encodeURIComponent('project in (DEMO, OPS)')}&maxResults=500`,
  );
  return arr(obj(res.body)['issues']).map((issue) => obj(issue)['id']);
}

describe('Sandbox persistence (SQLite file)', () => {
  it('keeps created issues, edits, comments and transitions across a reopen, without re-seeding', async () => {
    const first = await startTestSandbox({ dir });
    const created = await first.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'OPS' },
        issuetype: { name: 'Task' },
        summary: 'Survives restarts',
      },
    });
    expect(created.status).toBe(201);
    await first.call('PUT', '/rest/api/3/issue/OPS-1', { fields: { summary: 'Renewed summary' } });
    await first.call('POST', '/rest/api/3/issue/OPS-4/comment', {
      body: { type: 'doc', version: 1, content: [] },
    });
    await first.call('POST', '/rest/api/3/issue/OPS-4/transitions', { transition: { id: '21' } });
    const before = await idsOf(first);
    await first.close();

    const second = await startTestSandbox({ dir });
    try {
      expect(await idsOf(second)).toEqual(before);
      expect(before).toHaveLength(32);
      const ops4 = obj(obj((await second.call('GET', '/rest/api/3/issue/OPS-4')).body)['fields']);
      expect(ops4['summary']).toBe('Survives restarts');
      expect(obj(ops4['status'])['name']).toBe('In Progress');
      expect(obj(ops4['comment'])['total']).toBe(1);
      const ops1 = obj(
        obj((await second.call('GET', '/rest/api/3/issue/OPS-1?fields=summary')).body)['fields'],
      );
      expect(ops1['summary']).toBe('Renewed summary');
      const next = await second.call('POST', '/rest/api/3/issue', {
        fields: {
          project: { key: 'OPS' },
          issuetype: { name: 'Task' },
          summary: 'Numbering continues',
        },
      });
      expect(obj(next.body)['key']).toBe('OPS-5');
    } finally {
      await second.close();
    }
  });

  it("keeps a restricted comment's visibility across a reopen", async () => {
    const restrictedDir = mkdtempSync(join(tmpdir(), 'sandbox-persist-visibility-'));
    try {
      const first = await startTestSandbox({ dir: restrictedDir });
      const posted = await first.call('POST', '/rest/api/3/issue/DEMO-2/comment', {
        body: { type: 'doc', version: 1, content: [] },
        visibility: { type: 'group', value: 'site-admins' },
      });
      expect(posted.status).toBe(201);
      await first.close();
      const second = await startTestSandbox({ dir: restrictedDir });
      try {
        const alice = await second.call('GET', '/rest/api/3/issue/DEMO-2/comment');
        const mine = arr(obj(alice.body)['comments'])
          .map(obj)
          .find((c) => c['id'] === obj(posted.body)['id']);
        expect(mine?.['visibility']).toMatchObject({ type: 'group', value: 'site-admins' });
        const bob = await second.call('GET', '/rest/api/3/issue/DEMO-2/comment', undefined, 'bob');
        expect(arr(obj(bob.body)['comments']).map((c) => obj(c)['id'])).not.toContain(
          obj(posted.body)['id'],
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(restrictedDir, { recursive: true, force: true });
    }
  });

  it('adds the visibility columns to a file written before comments could be restricted', () => {
    const path = join(dir, 'old-layout.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE issues (id INTEGER PRIMARY KEY, project_key TEXT NOT NULL, number INTEGER NOT NULL,
      issue_type_id TEXT NOT NULL, status_id TEXT NOT NULL, priority_id TEXT, summary TEXT NOT NULL,
      description TEXT, assignee_id TEXT, reporter_id TEXT, creator_id TEXT NOT NULL, labels TEXT NOT NULL,
      parent_id INTEGER, due_date TEXT, original_estimate_seconds INTEGER, remaining_estimate_seconds INTEGER,
      created INTEGER NOT NULL, updated INTEGER NOT NULL, status_category_changed INTEGER NOT NULL,
      resolution_date INTEGER, UNIQUE (project_key, number));
    CREATE TABLE comments (id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL REFERENCES issues(id),
      author_id TEXT NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
    INSERT INTO issues VALUES (10001, 'DEMO', 1, '10001', '10000', '3', 'Old', NULL, NULL, 'a', 'a', '[]',
      NULL, NULL, NULL, NULL, 1, 1, 1, NULL);
    INSERT INTO comments VALUES (10000, 10001, 'a', '{"type":"doc","version":1,"content":[]}', 1, 1);`);
    old.close();
    const store = new SandboxStore(path);
    try {
      expect(store.listAllComments()).toEqual([
        expect.objectContaining({ id: 10000, visibility: null }),
      ]);
      const added = store.insertComment({
        issueId: 10001,
        authorId: 'a',
        body: { type: 'doc', version: 1, content: [] },
        visibility: { type: 'role', value: 'Administrators' },
        created: 2,
        updated: 2,
      });
      expect(store.listComments(10001).at(-1)).toEqual(added);
    } finally {
      store.close();
    }
  });
});
