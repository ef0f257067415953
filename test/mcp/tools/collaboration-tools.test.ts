import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured, type ToolTestBed } from '../helpers/test-bed.js';

const ALICE_ID = '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

/** The watcher account ids of an issue, read from the sandbox directly. */
async function watchers(bed: ToolTestBed['bed'], key: string): Promise<string[]> {
  const res = await fetch(`${bed.jiraUrl}/rest/api/3/issue/${key}/watchers`, {
    headers: {
      authorization: `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`,
    },
  });
  const body = (await res.json()) as { watchers: { accountId: string }[] };
  return body.watchers.map((w) => w.accountId);
}

/** Requests that changed something in the sandbox, as `METHOD path`. */
function writes(bed: ToolTestBed['bed'], from: number): string[] {
  return bed.sandbox.requests
    .slice(from)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
}

describe('collaboration tools over MCP against the Jira sandbox (TOOLSETS=all)', () => {
  const { call, bed, createTask } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { TOOLSETS: 'all' },
  });

  async function linked(): Promise<{ blocker: string; blocked: string }> {
    const blocker = await createTask('Blocker');
    const blocked = await createTask('Blocked');
    await call('jira_link_issues', {
      issueKey: blocker,
      linkType: 'blocks',
      targetIssueKey: blocked,
    });
    return { blocker, blocked };
  }

  it('offers the four tools with destructiveHint true only on delete and remove', async () => {
    const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
    const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
    expect(tools.get('jira_delete_link')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(tools.get('jira_remove_watcher')?.annotations).toMatchObject({ destructiveHint: true });
    expect(tools.get('jira_add_watcher')?.annotations).toMatchObject({
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(tools.get('jira_add_remote_link')?.annotations).toMatchObject({
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(tools.get('jira_delete_link')?.inputSchema.properties).toHaveProperty('confirm');
    const readOnly = await bed.connect((await bed.mint(['jira:read'])).token);
    const readNames = (await readOnly.listTools()).tools.map((t) => t.name);
    expect(readNames.filter((n) => tools.has(n) && n.includes('watcher'))).toEqual([]);
  });

  it('jira_delete_link by issue keys asks for confirmation first and deletes nothing without it', async () => {
    const { blocker, blocked } = await linked();
    const from = bed.sandbox.requests.length;
    const refused = await call('jira_delete_link', { issueKey: blocked, targetIssueKey: blocker });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toMatch(
      new RegExp(
        `^This action needs the person's confirmation: Delete the link ${blocked} is blocked by ${blocker} \\(link \\d+\\)\\. Nothing was changed\\.`,
      ),
    );
    expect(writes(bed, from)).toEqual([]);
    const done = await call('jira_delete_link', {
      issueKey: blocked,
      targetIssueKey: blocker,
      confirm: true,
    });
    expect(done.result.isError).toBeFalsy();
    expect(done.data).toMatchObject({
      issueKey: blocked,
      relation: 'is blocked by',
      targetIssueKey: blocker,
      deleted: true,
    });
    expect(done.text).toMatch(new RegExp(`^Deleted the link ${blocked} is blocked by ${blocker}`));
    expect(writes(bed, from)).toEqual([
      `DELETE /rest/api/3/issueLink/${String(done.data['linkId'])}`,
    ]);
    const detail = await call('jira_get_issue', { issueKey: blocker });
    expect(detail.data['links']).toEqual([]);
  });

  it('jira_delete_link by link id reads the link to say what it deletes', async () => {
    const { blocker, blocked } = await linked();
    const issue = await fetch(`${bed.jiraUrl}/rest/api/3/issue/${blocker}?fields=issuelinks`, {
      headers: {
        authorization: `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`,
      },
    });
    const links = ((await issue.json()) as { fields: { issuelinks: { id: string }[] } }).fields
      .issuelinks;
    const linkId = links[0]?.id ?? '';
    const done = await call('jira_delete_link', { linkId, confirm: true });
    expect(done.data).toEqual({
      linkId,
      issueKey: blocker,
      relation: 'blocks',
      targetIssueKey: blocked,
      deleted: true,
    });
  });

  it('jira_delete_link explains a missing link and contradictory arguments', async () => {
    const a = await createTask('Alone');
    const b = await createTask('Also alone');
    const none = await call('jira_delete_link', { issueKey: a, targetIssueKey: b, confirm: true });
    expect(none.result.isError).toBe(true);
    expect(none.text).toBe(`${a} has no link to ${b}.`);
    const both = await call('jira_delete_link', { linkId: '10000', issueKey: a });
    expect(both.text).toBe('Give either linkId, or issueKey and targetIssueKey, not both.');
    const neither = await call('jira_delete_link', { issueKey: a });
    expect(neither.text).toBe('Name the link by linkId, or by issueKey and targetIssueKey.');
  });

  it('jira_add_remote_link adds a web link and refuses non-http URLs before calling Jira', async () => {
    const key = await createTask('Needs docs');
    const { data, text } = await call('jira_add_remote_link', {
      issueKey: key,
      url: 'https://wiki.example.com/design',
      title: 'Design [v2]',
      summary: 'The agreed design',
      relationship: 'is documented by',
    });
    expect(data).toEqual({
      issueKey: key,
      remoteLinkId: expect.any(Number) as number,
      url: 'https://wiki.example.com/design',
      title: 'Design [v2]',
      relationship: 'is documented by',
    });
    expect(text).toBe(
      `${key} is documented by [Design v2](https://wiki.example.com/design) (remote link ${String(data['remoteLinkId'])}).`,
    );
    const stored = await fetch(`${bed.jiraUrl}/rest/api/3/issue/${key}/remotelink`, {
      headers: {
        authorization: `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`,
      },
    });
    expect(await stored.json()).toEqual([
      expect.objectContaining({
        relationship: 'is documented by',
        object: {
          url: 'https://wiki.example.com/design',
          title: 'Design [v2]',
          summary: 'The agreed design',
        },
      }),
    ]);
    const from = bed.sandbox.requests.length;
    const script = await call('jira_add_remote_link', {
      issueKey: key,
      url: 'javascript:alert(1)',
      title: 'x',
    });
    expect(script.result.isError).toBe(true);
    expect(script.text).toContain('an absolute http or https URL');
    expect(bed.sandbox.requests.length).toBe(from);
  });

  it('jira_add_watcher adds a watcher once however often it is called', async () => {
    const key = await createTask('Watch me');
    expect(await watchers(bed, key)).toEqual([ALICE_ID]);
    const first = await call('jira_add_watcher', { issueKey: key, accountId: BOB_ID });
    expect(first.data).toEqual({ issueKey: key, accountId: BOB_ID, watching: true });
    expect(first.text).toBe(`accountId ${BOB_ID} now watches ${key}.`);
    await call('jira_add_watcher', { issueKey: key, accountId: BOB_ID });
    expect(await watchers(bed, key)).toEqual([ALICE_ID, BOB_ID]);
    const unknown = await call('jira_add_watcher', { issueKey: key, accountId: 'nobody' });
    expect(unknown.result.isError).toBe(true);
  });

  it('jira_remove_watcher needs confirmation, names the watcher, and is a no-op for non-watchers', async () => {
    const key = await createTask('Unwatch me');
    await call('jira_add_watcher', { issueKey: key, accountId: BOB_ID });
    const from = bed.sandbox.requests.length;
    const refused = await call('jira_remove_watcher', { issueKey: key, accountId: BOB_ID });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toMatch(
      new RegExp(
        `^This action needs the person's confirmation: Stop Bob Builder watching ${key}\\.`,
      ),
    );
    expect(writes(bed, from)).toEqual([]);
    const done = await call('jira_remove_watcher', {
      issueKey: key,
      accountId: BOB_ID,
      confirm: true,
    });
    expect(done.data).toEqual({
      issueKey: key,
      accountId: BOB_ID,
      displayName: 'Bob Builder',
      removed: true,
    });
    expect(done.text).toBe(`Bob Builder no longer watches ${key}.`);
    expect(await watchers(bed, key)).toEqual([ALICE_ID]);
    const again = await call('jira_remove_watcher', { issueKey: key, accountId: BOB_ID });
    expect(again.result.isError).toBeFalsy();
    expect(again.data['removed']).toBe(false);
    expect(again.text).toBe(`accountId ${BOB_ID} does not watch ${key}; nothing changed.`);
  });

  it('audits each collaboration tool call with its issue key and outcome', async () => {
    const events = await bed.toolEvents();
    const seen = new Set(events.map((e) => e.detail?.['tool']));
    for (const tool of [
      'jira_delete_link',
      'jira_add_remote_link',
      'jira_add_watcher',
      'jira_remove_watcher',
    ]) {
      expect(seen).toContain(tool);
    }
    const refusals = events.filter(
      (e) => e.detail?.['tool'] === 'jira_remove_watcher' && e.detail['error'] !== undefined,
    );
    expect(refusals.map((e) => e.detail?.['error'])).toContain('confirmation_required');
  });
});

describe('collaboration and structure tools under JIRA_PROJECTS=DEMO', () => {
  const { call, bed } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { JIRA_PROJECTS: 'DEMO', TOOLSETS: 'all' },
  });
  const REFUSED = 'is outside the projects this gateway may access (DEMO).';

  it('refuses OPS issues and projects before any Jira write', async () => {
    const from = bed.sandbox.requests.length;
    const attempts: [string, Record<string, unknown>][] = [
      ['jira_add_watcher', { issueKey: 'OPS-1', accountId: ALICE_ID }],
      ['jira_remove_watcher', { issueKey: 'OPS-1', accountId: ALICE_ID, confirm: true }],
      ['jira_add_remote_link', { issueKey: 'OPS-1', url: 'https://x.example', title: 'x' }],
      ['jira_delete_link', { issueKey: 'DEMO-10', targetIssueKey: 'OPS-2', confirm: true }],
      ['jira_list_versions', { projectKey: 'OPS' }],
      ['jira_list_components', { projectKey: 'OPS' }],
      ['jira_create_version', { projectKey: 'OPS', name: 'x' }],
    ];
    for (const [tool, args] of attempts) {
      const { result, text } = await call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(text, tool).toContain(REFUSED);
    }
    expect(writes(bed, from)).toEqual([]);
  });

  it('refuses a link id whose other end is outside DEMO, after reading the link, never deleting', async () => {
    const issue = await fetch(`${bed.jiraUrl}/rest/api/3/issue/DEMO-10?fields=issuelinks`, {
      headers: {
        authorization: `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`,
      },
    });
    const links = ((await issue.json()) as { fields: { issuelinks: Structured[] } }).fields
      .issuelinks;
    const linkId = String(links[0]?.['id']);
    const from = bed.sandbox.requests.length;
    const { result, text } = await call('jira_delete_link', { linkId, confirm: true });
    expect(result.isError).toBe(true);
    expect(text).toBe(`Issue OPS-2 ${REFUSED}`);
    expect(bed.sandbox.requests.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /rest/api/3/issueLink/${linkId}`,
    ]);
  });
});
