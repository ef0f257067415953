import { describe, expect, it } from 'vitest';
import { demoCheckoutPng } from '../../src/sandbox/demo-png.js';
import { DEMO_TEXT_ATTACHMENT } from '../../src/sandbox/seed-history.js';
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

const CHANGELOG = '/rest/api/3/issue/{issueIdOrKey}/changelog';
const ATTACHMENTS = '/rest/api/3/issue/{issueIdOrKey}/attachments';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function history(key: string): Promise<Record<string, unknown>[]> {
  const res = await t.call('GET', `/rest/api/3/issue/${key}/changelog`);
  expect(res.status).toBe(200);
  expect(specErrors('GET', CHANGELOG, res)).toEqual([]);
  return arr(obj(res.body)['values']).map(obj);
}

async function upload(
  key: string,
  files: { name: string; type: string; bytes: Uint8Array }[],
  headers: Record<string, string> = { 'X-Atlassian-Token': 'no-check' },
): Promise<Awaited<ReturnType<typeof readResponse>>> {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([f.bytes], { type: f.type }), f.name);
  const response = await fetch(`${t.url}/rest/api/3/issue/${key}/attachments`, {
    method: 'POST',
    headers: { authorization: basic('alice'), ...headers },
    body: form,
  });
  return readResponse(response);
}

describe('demo history and attachments', () => {
  it('DEMO-1 carries a real PNG and a text file in its attachment field', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-1?fields=attachment');
    expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toEqual([]);
    const attachments = arr(obj(obj(res.body)['fields'])['attachment']).map(obj);
    expect(attachments.map((a) => [a['filename'], a['mimeType']])).toEqual([
      ['checkout-button.png', 'image/png'],
      ['design-review-notes.txt', 'text/plain'],
    ]);
    expect(attachments[0]?.['size']).toBe(demoCheckoutPng().byteLength);
    expect(attachments[0]?.['content']).toBe(`${t.url}/rest/api/3/attachment/content/10000`);
  });

  it('seeds history on several issues: assignment, start, priority, attachments', async () => {
    const entries = await history('DEMO-1');
    const fields = entries.flatMap((e) => arr(e['items']).map((i) => obj(i)['field']));
    expect(fields).toEqual(['priority', 'assignee', 'status', 'Attachment', 'Attachment']);
    expect(entries[1]).toMatchObject({
      author: { accountId: ALICE_ID },
      items: [
        {
          field: 'assignee',
          fieldtype: 'jira',
          fieldId: 'assignee',
          to: ALICE_ID,
          toString: 'Alice Admin',
        },
      ],
    });
    const done = (
      await t.call(
        'GET',
        '/rest/api/3/search/jql?jql=project%3DDEMO%20AND%20status%3DDone&fields=summary',
      )
    ).body;
    expect(arr(obj(done)['issues']).length).toBeGreaterThan(0);
  });
});

describe('GET /rest/api/3/attachment/{id} and /attachment/content/{id}', () => {
  it('answers AttachmentMetadata with the numeric id and the site content URL', async () => {
    const res = await t.call('GET', '/rest/api/3/attachment/10001');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/attachment/{id}', res)).toEqual([]);
    expect(res.body).toMatchObject({
      id: 10001,
      filename: 'design-review-notes.txt',
      mimeType: 'text/plain',
      content: `${t.url}/rest/api/3/attachment/content/10001`,
    });
  });

  it('redirects the download (303) to the media host, which serves the bytes without a Jira credential', async () => {
    const res = await fetch(`${t.url}/rest/api/3/attachment/content/10000`, {
      headers: { authorization: basic('alice') },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${t.url}/sandbox-media/file/10000/binary\\?token=`));
    const media = await fetch(location);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await media.arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(bytes).toEqual(demoCheckoutPng());
  });

  it('serves the bytes directly with redirect=false', async () => {
    const res = await fetch(`${t.url}/rest/api/3/attachment/content/10001?redirect=false`, {
      headers: { authorization: basic('alice') },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe(DEMO_TEXT_ATTACHMENT);
  });

  it('refuses a media URL with a forged or expired token (401)', async () => {
    const res = await fetch(`${t.url}/rest/api/3/attachment/content/10000`, {
      headers: { authorization: basic('alice') },
      redirect: 'manual',
    });
    const location = new URL(res.headers.get('location') ?? '');
    const forged = new URL(location);
    forged.pathname = '/sandbox-media/file/10001/binary';
    expect((await fetch(forged)).status).toBe(401);
    t.clock.advance(61_000);
    expect((await fetch(location)).status).toBe(401);
  });

  it('answers 404 for an unknown attachment and for one on an issue the caller cannot browse', async () => {
    const missing = await t.call('GET', '/rest/api/3/attachment/99999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(jiraErrorBody(["The attachment with id '99999' does not exist."]));
    // Bob may not browse OPS; add an attachment there as Alice first.
    const added = await upload('OPS-1', [
      { name: 'ops.txt', type: 'text/plain', bytes: new TextEncoder().encode('x') },
    ]);
    expect(added.status).toBe(200);
    const id = String(obj(arr(added.body)[0])['id']);
    expect((await t.call('GET', `/rest/api/3/attachment/${id}`, undefined, 'bob')).status).toBe(
      404,
    );
    expect((await t.call('GET', `/rest/api/3/attachment/${id}`)).status).toBe(200);
  });
});

describe('POST /rest/api/3/issue/{issueIdOrKey}/attachments', () => {
  it('stores the real bytes, answers the Attachment array and writes history', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const res = await upload('DEMO-5', [
      { name: 'dump.bin', type: 'application/octet-stream', bytes },
      { name: 'readme.md', type: 'text/markdown', bytes: new TextEncoder().encode('# Hi') },
    ]);
    expect(res.status).toBe(200);
    expect(specErrors('POST', ATTACHMENTS, res)).toEqual([]);
    const created = arr(res.body).map(obj);
    expect(created.map((a) => [a['filename'], a['mimeType'], a['size']])).toEqual([
      ['dump.bin', 'application/octet-stream', 5],
      ['readme.md', 'text/markdown', 4],
    ]);
    const download = await fetch(
      `${t.url}/rest/api/3/attachment/content/${String(created[0]?.['id'])}?redirect=false`,
      {
        headers: { authorization: basic('alice') },
      },
    );
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    const last = (await history('DEMO-5')).at(-1);
    expect(last).toMatchObject({
      author: { accountId: ALICE_ID },
      items: [
        {
          field: 'Attachment',
          fieldId: 'attachment',
          to: String(created[0]?.['id']),
          toString: 'dump.bin',
        },
        {
          field: 'Attachment',
          fieldId: 'attachment',
          to: String(created[1]?.['id']),
          toString: 'readme.md',
        },
      ],
    });
  });

  it('refuses an upload without X-Atlassian-Token: no-check (403, XSRF)', async () => {
    const res = await upload(
      'DEMO-5',
      [{ name: 'a.txt', type: 'text/plain', bytes: new Uint8Array([65]) }],
      {},
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual(jiraErrorBody(['XSRF check failed']));
  });

  it('answers 400 when no part is named file', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const res = await readResponse(
      await fetch(`${t.url}/rest/api/3/issue/DEMO-5/attachments`, {
        method: 'POST',
        headers: { authorization: basic('alice'), 'X-Atlassian-Token': 'no-check' },
        body: form,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual(jiraErrorBody(['No file part named file was sent.']));
  });

  it('deletes an attachment (204) and records its removal', async () => {
    const added = await upload('DEMO-6', [
      { name: 'old.txt', type: 'text/plain', bytes: new Uint8Array([66]) },
    ]);
    const id = String(obj(arr(added.body)[0])['id']);
    const res = await t.call('DELETE', `/rest/api/3/attachment/${id}`);
    expect(res.status).toBe(204);
    expect((await t.call('GET', `/rest/api/3/attachment/${id}`)).status).toBe(404);
    expect((await history('DEMO-6')).at(-1)).toMatchObject({
      items: [{ field: 'Attachment', from: id, fromString: 'old.txt' }],
    });
  });
});

describe('GET /rest/api/3/issue/{issueIdOrKey}/changelog: every change is recorded', () => {
  it('records an edit of summary, labels, priority, due date and estimate in one entry', async () => {
    const before = (await history('DEMO-7')).length;
    const res = await t.call(
      'PUT',
      '/rest/api/3/issue/DEMO-7',
      {
        fields: {
          summary: 'Renamed for history',
          labels: ['history', 'test'],
          priority: { id: '1' },
          duedate: '2026-03-01',
        },
      },
      'alice',
    );
    expect(res.status).toBe(204);
    const entries = await history('DEMO-7');
    expect(entries).toHaveLength(before + 1);
    const items = arr(entries.at(-1)?.['items']).map(obj);
    expect(items.map((i) => i['field'])).toEqual(['summary', 'labels', 'priority', 'duedate']);
    expect(items[0]).toMatchObject({ fieldId: 'summary', toString: 'Renamed for history' });
    expect(items[0]).not.toHaveProperty('to');
    expect(items[1]).toMatchObject({ toString: 'history test' });
    expect(items[2]).toMatchObject({ to: '1', toString: 'Highest' });
    expect(items[3]).toMatchObject({ to: '2026-03-01' });
  });

  it('records nothing for an edit that changes nothing', async () => {
    const before = await history('DEMO-7');
    await t.call('PUT', '/rest/api/3/issue/DEMO-7', { fields: { summary: 'Renamed for history' } });
    expect(await history('DEMO-7')).toHaveLength(before.length);
  });

  it('records assignment, transitions (with resolution), worklogs and links', async () => {
    expect(
      (await t.call('PUT', '/rest/api/3/issue/DEMO-9/assignee', { accountId: BOB_ID })).status,
    ).toBe(204);
    // DEMO-9 is To Do: Start Progress (21), then Done (31).
    for (const id of ['21', '31']) {
      const moved = await t.call('POST', '/rest/api/3/issue/DEMO-9/transitions', {
        transition: { id },
      });
      expect(moved.status).toBe(204);
    }
    expect(
      (await t.call('POST', '/rest/api/3/issue/DEMO-9/worklog', { timeSpent: '1h' })).status,
    ).toBe(201);
    expect(
      (
        await t.call('POST', '/rest/api/3/issueLink', {
          type: { name: 'Blocks' },
          outwardIssue: { key: 'DEMO-9' },
          inwardIssue: { key: 'DEMO-10' },
        })
      ).status,
    ).toBe(201);
    const items = (await history('DEMO-9'))
      .slice(-5)
      .map((e) => arr(e['items']).map((i) => obj(i)));
    expect(items[0]).toEqual([
      expect.objectContaining({ field: 'assignee', to: BOB_ID, toString: 'Bob Builder' }),
    ]);
    expect(items[1]).toEqual([
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '10000',
        fromString: 'To Do',
        to: '3',
        toString: 'In Progress',
      },
    ]);
    expect(items[2]).toEqual([
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '3',
        fromString: 'In Progress',
        to: '10001',
        toString: 'Done',
      },
      {
        field: 'resolution',
        fieldtype: 'jira',
        fieldId: 'resolution',
        to: '10000',
        toString: 'Done',
      },
    ]);
    items.shift();
    expect(items[2]?.map((i) => i['field'])).toEqual(
      expect.arrayContaining(['timespent', 'WorklogId']),
    );
    expect(items[2]).toContainEqual(expect.objectContaining({ field: 'timespent', to: '3600' }));
    expect(items[3]).toEqual([
      { field: 'Link', fieldtype: 'jira', to: 'DEMO-10', toString: 'This issue blocks DEMO-10' },
    ]);
    expect((await history('DEMO-10')).at(-1)).toMatchObject({
      items: [{ field: 'Link', to: 'DEMO-9', toString: 'This issue is blocked by DEMO-9' }],
    });
  });

  it('pages with startAt/maxResults, isLast and nextPage', async () => {
    const all = await history('DEMO-9');
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-9/changelog?startAt=1&maxResults=2');
    expect(specErrors('GET', CHANGELOG, res)).toEqual([]);
    const page = obj(res.body);
    expect(page).toMatchObject({
      startAt: 1,
      maxResults: 2,
      total: all.length,
      isLast: all.length <= 3,
    });
    expect(arr(page['values']).map((v) => obj(v)['id'])).toEqual(
      all.slice(1, 3).map((v) => v['id']),
    );
    if (all.length > 3)
      expect(page['nextPage']).toBe(
        `${t.url}/rest/api/3/issue/10009/changelog?startAt=3&maxResults=2`,
      );
  });

  it('embeds the history with expand=changelog on GET issue', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/DEMO-1?fields=summary&expand=changelog');
    expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toEqual([]);
    const changelog = obj(obj(res.body)['changelog']);
    expect(changelog['total']).toBe(arr(changelog['histories']).length);
    expect(changelog['total']).toBeGreaterThanOrEqual(4);
  });

  it('answers 404 for an issue the caller cannot browse', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/OPS-1/changelog', undefined, 'bob');
    expect(res.status).toBe(404);
  });
});
