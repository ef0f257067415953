import { describe, expect, it } from 'vitest';
import { demoCheckoutPng } from '../../../src/sandbox/demo-png.js';
import { DEMO_TEXT_ATTACHMENT } from '../../../src/sandbox/seed-history.js';
import { useToolTestBed, type ToolTestBed } from '../helpers/test-bed.js';

const ALICE_AUTH = `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`;

/** Attaches a file straight in the sandbox (not through the gateway). */
async function attachDirectly(
  bed: ToolTestBed['bed'],
  key: string,
  name: string,
  type: string,
  bytes: Uint8Array,
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${bed.jiraUrl}/rest/api/3/issue/${key}/attachments`, {
    method: 'POST',
    headers: { authorization: ALICE_AUTH, 'X-Atlassian-Token': 'no-check' },
    body: form,
  });
  const body = (await res.json()) as { id: string }[];
  return body[0]?.id ?? '';
}

describe('attachment and history tools over MCP against the Jira sandbox', () => {
  const { call, bed } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { TOOLSETS: 'all', ATTACHMENT_MAX_BYTES: '4096' },
  });

  it('lists the four tools with their scopes and true annotations', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
    for (const name of ['jira_get_attachment', 'jira_get_changelog', 'jira_list_worklogs']) {
      expect(tools.get(name)?.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
    }
    // A read-only token is not offered the write tool.
    expect(tools.has('jira_add_attachment')).toBe(false);
  });

  it('jira_get_attachment returns an image as MCP image content (base64 PNG)', async () => {
    const { result, text, data } = await call('jira_get_attachment', {
      issueKey: 'DEMO-1',
      fileName: 'checkout-button.png',
    });
    expect(result.isError).toBeFalsy();
    expect(text).toMatch(/^\*\*checkout-button\.png\*\* on DEMO-1 \(image\/png, \d+ bytes/);
    const content = result.content as { type: string; data?: string; mimeType?: string }[];
    expect(content.map((c) => c.type)).toEqual(['text', 'image']);
    expect(content[1]?.mimeType).toBe('image/png');
    expect(Buffer.from(content[1]?.data ?? '', 'base64')).toEqual(Buffer.from(demoCheckoutPng()));
    expect(data).toMatchObject({ delivered: 'image', truncated: false, text: null });
    // The download went through the sandbox's media host (303 from /attachment/content).
    expect(bed.sandbox.requests.some((r) => r.path.startsWith('/sandbox-media/file/10000/'))).toBe(
      true,
    );
    const events = await bed.toolEvents();
    expect(events.at(-1)?.detail).toMatchObject({
      tool: 'jira_get_attachment',
      issueKey: 'DEMO-1',
    });
  });

  it('jira_get_attachment returns a text file as text, by id', async () => {
    const { result, text, data } = await call('jira_get_attachment', {
      issueKey: 'DEMO-1',
      attachmentId: '10001',
    });
    expect(result.isError).toBeFalsy();
    expect(text).toContain(`\`\`\`\n${DEMO_TEXT_ATTACHMENT}\n\`\`\``);
    expect(data).toMatchObject({
      delivered: 'text',
      text: DEMO_TEXT_ATTACHMENT,
      link: `${bed.jiraUrl}/rest/api/3/attachment/content/10001`,
    });
  });

  it('gives metadata and a link for other types and for files above ATTACHMENT_MAX_BYTES', async () => {
    const pdf = await attachDirectly(
      bed,
      'DEMO-2',
      'spec.pdf',
      'application/pdf',
      new Uint8Array([37, 80, 68, 70]),
    );
    const other = await call('jira_get_attachment', { issueKey: 'DEMO-2', attachmentId: pdf });
    expect(other.data).toMatchObject({
      delivered: 'link',
      note: 'This file type is not shown inline.',
    });
    expect(other.text).toContain(`Download: ${bed.jiraUrl}/rest/api/3/attachment/content/${pdf}`);
    const big = await attachDirectly(
      bed,
      'DEMO-2',
      'big.txt',
      'text/plain',
      new Uint8Array(5000).fill(65),
    );
    const from = bed.sandbox.requests.length;
    const large = await call('jira_get_attachment', { issueKey: 'DEMO-2', attachmentId: big });
    expect(large.data).toMatchObject({
      delivered: 'link',
      note: 'The file is larger than the 4096-byte limit, so it is not shown inline.',
    });
    // Not even requested: the metadata already said it is too large.
    expect(
      bed.sandbox.requests.slice(from).some((r) => r.path.includes('/attachment/content/')),
    ).toBe(false);
  });

  it('refuses an attachment id that is not on the named issue, listing what is there', async () => {
    const { result, text } = await call('jira_get_attachment', {
      issueKey: 'DEMO-3',
      attachmentId: '10000',
    });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^DEMO-3 has no attachment 10000\. Its attachments: /);
    const both = await call('jira_get_attachment', { issueKey: 'DEMO-1' });
    expect(both.text).toBe('Give exactly one of attachmentId or fileName.');
  });

  it('jira_add_attachment uploads text and base64 (multipart with X-Atlassian-Token) and reads back', async () => {
    const added = await call('jira_add_attachment', {
      issueKey: 'DEMO-4',
      fileName: 'notes.md',
      content: '# Release notes\n\n- fixed checkout',
    });
    expect(added.result.isError).toBeFalsy();
    expect(added.data).toMatchObject({
      issueKey: 'DEMO-4',
      attachments: [{ filename: 'notes.md', mimeType: 'text/markdown', size: 33 }],
    });
    const post = bed.sandbox.requests
      .filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue/DEMO-4/attachments')
      .at(-1);
    expect(post?.headers['x-atlassian-token']).toBe('no-check');
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const png = Buffer.from(demoCheckoutPng()).toString('base64');
    const image = await call('jira_add_attachment', {
      issueKey: 'DEMO-4',
      fileName: 'copy.png',
      content: png,
      encoding: 'base64',
    });
    const id = String((image.data['attachments'] as { id: string }[])[0]?.id);
    const back = await call('jira_get_attachment', { issueKey: 'DEMO-4', attachmentId: id });
    const content = back.result.content as { type: string; data?: string }[];
    expect(content[1]).toMatchObject({ type: 'image', data: png });
    const history = await call('jira_get_changelog', { issueKey: 'DEMO-4' });
    expect(history.text).toContain('  - Attachment: (none) → copy.png');
  });

  it('jira_add_attachment refuses bad base64, path-like names and files above the cap', async () => {
    const from = bed.sandbox.requests.length;
    const bad = await call('jira_add_attachment', {
      issueKey: 'DEMO-4',
      fileName: 'a.bin',
      content: 'not*base64',
      encoding: 'base64',
    });
    expect(bad.result.isError).toBe(true);
    expect(bad.text).toBe(
      'content is not valid base64 (A–Z, a–z, 0–9, +, /, with = padding); send text with encoding "text".',
    );
    const path = await call('jira_add_attachment', {
      issueKey: 'DEMO-4',
      fileName: '../etc/passwd',
      content: 'x',
    });
    expect(path.text).toBe(
      'The file name "../etc/passwd" looks like a path; give a plain name such as "notes.txt".',
    );
    const big = await call('jira_add_attachment', {
      issueKey: 'DEMO-4',
      fileName: 'big.txt',
      content: 'A'.repeat(4097),
    });
    expect(big.text).toBe(
      'The file is 4097 bytes; the limit is 4096 bytes (ATTACHMENT_MAX_BYTES).',
    );
    expect(bed.sandbox.requests.slice(from).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('jira_get_changelog pages the history written by tool calls', async () => {
    await call('jira_assign_issue', {
      issueKey: 'DEMO-11',
      accountId: '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    });
    await call('jira_update_issue', {
      issueKey: 'DEMO-11',
      summary: 'Changed by the changelog test',
    });
    const all = await call('jira_get_changelog', { issueKey: 'DEMO-11' });
    expect(all.result.isError).toBeFalsy();
    const entries = all.data['entries'] as { changes: { field: string; to: string | null }[] }[];
    expect(entries.at(-2)?.changes).toEqual([
      expect.objectContaining({ field: 'assignee', to: 'Bob Builder' }),
    ]);
    expect(entries.at(-1)?.changes).toEqual([
      expect.objectContaining({ field: 'summary', to: 'Changed by the changelog test' }),
    ]);
    expect(all.text).toMatch(/^## History of DEMO-11 \(entries 1–\d+ of \d+\)/);
    expect(all.text).toContain('Alice Admin\n  - summary: ');
    const page = await call('jira_get_changelog', {
      issueKey: 'DEMO-11',
      startAt: 0,
      maxResults: 1,
    });
    expect(page.data).toMatchObject({ startAt: 0, isLast: false });
    expect(page.text).toContain('More history: call again with startAt 1.');
  });

  it('jira_list_worklogs lists logged work with totals', async () => {
    await call('jira_add_worklog', {
      issueKey: 'DEMO-12',
      timeSpent: '1h 30m',
      comment: 'Pairing on **checkout**',
    });
    const { result, text, data } = await call('jira_list_worklogs', { issueKey: 'DEMO-12' });
    expect(result.isError).toBeFalsy();
    const worklogs = data['worklogs'] as { timeSpentSeconds: number; comment: string | null }[];
    expect(worklogs.at(-1)).toMatchObject({
      timeSpentSeconds: 5400,
      comment: 'Pairing on **checkout**',
    });
    expect(data['pageTimeSpentSeconds']).toBe(worklogs.reduce((s, w) => s + w.timeSpentSeconds, 0));
    expect(text).toMatch(/^## Work logged on DEMO-12 \(\d+ of \d+, [\d.]+ h on this page\)/);
    expect(text).toContain('Alice Admin: 1h 30m — Pairing on **checkout**');
  });
});

describe('attachment and history tools honour JIRA_PROJECTS', () => {
  const { call } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { TOOLSETS: 'all', JIRA_PROJECTS: 'OPS' },
  });

  it('refuses DEMO issues before asking Jira, for every tool', async () => {
    for (const [name, args] of [
      ['jira_get_attachment', { issueKey: 'DEMO-1', attachmentId: '10000' }],
      ['jira_add_attachment', { issueKey: 'DEMO-1', fileName: 'a.txt', content: 'x' }],
      ['jira_get_changelog', { issueKey: 'DEMO-1' }],
      ['jira_list_worklogs', { issueKey: 'DEMO-1' }],
    ] as const) {
      const { result, text } = await call(name, args);
      expect(result.isError).toBe(true);
      expect(text).toMatch(/^Issue DEMO-1 is outside the projects/);
    }
  });

  it('refuses a DEMO attachment id asked for through an allowed OPS issue', async () => {
    const { result, text } = await call('jira_get_attachment', {
      issueKey: 'OPS-1',
      attachmentId: '10000',
    });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^OPS-1 has no attachment 10000/);
  });
});
