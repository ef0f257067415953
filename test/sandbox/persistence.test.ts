import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
