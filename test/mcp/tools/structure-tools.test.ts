import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const ALICE_ID = '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

describe('structure tools over MCP against the Jira sandbox (default toolsets)', () => {
  const { call, bed, lastBody } = useToolTestBed(['jira:read', 'jira:write']);

  it('lists jira_list_versions, jira_create_version and jira_list_components with true annotations', async () => {
    const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('jira_list_versions')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName.get('jira_create_version')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(byName.get('jira_list_components')?.outputSchema).toBeDefined();
    const readOnly = await bed.connect((await bed.mint(['jira:read'])).token);
    const readNames = (await readOnly.listTools()).tools.map((tool) => tool.name);
    expect(readNames).toContain('jira_list_versions');
    expect(readNames).not.toContain('jira_create_version');
  });

  it('jira_list_versions shows DEMO versions with state and dates, filtered by status', async () => {
    const { data, text } = await call('jira_list_versions', { projectKey: 'demo' });
    expect((data['versions'] as Structured[]).map((v) => [v['name'], v['released']])).toEqual([
      ['1.0', true],
      ['1.1', false],
    ]);
    expect(data).toMatchObject({ projectKey: 'DEMO', startAt: 0, total: 2, isLast: true });
    expect(text).toContain('## Versions of DEMO');
    expect(text).toMatch(/- \*\*1\.0\*\* \(id 10000, released, start \d{4}-\d\d-\d\d, release /);
    const unreleased = await call('jira_list_versions', {
      projectKey: 'DEMO',
      status: ['unreleased'],
    });
    expect((unreleased.data['versions'] as Structured[]).map((v) => v['name'])).toEqual(['1.1']);
    const paged = await call('jira_list_versions', { projectKey: 'DEMO', maxResults: 1 });
    expect(paged.data).toMatchObject({ isLast: false, total: 2 });
    expect(paged.text).toContain('More: call again with startAt 1.');
  });

  it('jira_create_version creates a version by project id and answers what Jira stored', async () => {
    const { data, text } = await call('jira_create_version', {
      projectKey: 'DEMO',
      name: '3.0',
      description: 'Gift cards',
      startDate: '2099-04-01',
      releaseDate: '2099-06-30',
    });
    expect(data).toEqual({
      projectKey: 'DEMO',
      version: {
        id: expect.any(String) as string,
        name: '3.0',
        description: 'Gift cards',
        released: false,
        archived: false,
        startDate: '2099-04-01',
        releaseDate: '2099-06-30',
        overdue: false,
      },
    });
    expect(text).toMatch(/^Created version in DEMO:\n- \*\*3\.0\*\* \(id \d+, unreleased/);
    expect(lastBody('POST', '/rest/api/3/version')).toEqual({
      projectId: 10000,
      name: '3.0',
      description: 'Gift cards',
      startDate: '2099-04-01',
      releaseDate: '2099-06-30',
    });
    const again = await call('jira_create_version', { projectKey: 'DEMO', name: '3.0' });
    expect(again.result.isError).toBe(true);
    expect(again.text).toContain('A version with this name already exists in this project.');
  });

  it('jira_create_version refuses reversed dates before calling Jira', async () => {
    const before = bed.sandbox.requests.length;
    const { result, text } = await call('jira_create_version', {
      projectKey: 'DEMO',
      name: '4.0',
      startDate: '2026-05-01',
      releaseDate: '2026-04-01',
    });
    expect(result.isError).toBe(true);
    expect(text).toBe('startDate must not be after releaseDate.');
    expect(bed.sandbox.requests.length).toBe(before);
  });

  it('jira_list_components shows leads and issue counts', async () => {
    const { data, text } = await call('jira_list_components', { projectKey: 'DEMO' });
    expect(data['components']).toEqual([
      {
        id: '10000',
        name: 'API',
        description: 'Payment and order APIs.',
        lead: { accountId: ALICE_ID, displayName: 'Alice Admin' },
        issueCount: 3,
      },
      {
        id: '10001',
        name: 'Web',
        description: 'The storefront web app.',
        lead: null,
        issueCount: 3,
      },
    ]);
    expect(text).toContain(
      '- **API** (id 10000, lead Alice Admin, 3 issues) — Payment and order APIs.',
    );
    expect(text).toContain('- **Web** (id 10001, lead none, 3 issues)');
  });

  it('audits each structure tool call', async () => {
    const tools = (await bed.toolEvents()).map((e) => e.detail?.['tool']);
    expect(tools).toEqual(
      expect.arrayContaining(['jira_list_versions', 'jira_create_version', 'jira_list_components']),
    );
  });
});
