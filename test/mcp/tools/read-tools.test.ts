import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

describe('site read tools over MCP against the Jira sandbox', () => {
  const { call, bed } = useToolTestBed(['jira:read']);

  it('jira_whoami names the Jira account, the gateway user, the app and the scopes', async () => {
    const { data, text } = await call('jira_whoami', {});
    expect(data).toEqual({
      jiraAccount: {
        accountId: '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        displayName: 'Alice Admin',
        emailAddress: 'alice@example.com',
        timeZone: 'UTC',
      },
      // No PersonalJira in this bed: the shared account, site unknown to the tool.
      actingAs: { mode: 'service', shared: true, site: null },
      caller: {
        userId: bed.principal.userId,
        username: 'alice',
        clientId: bed.principal.clientId,
        scopes: ['jira:read'],
      },
      allowedProjects: null,
      readOnly: false,
    });
    expect(text).toContain('Jira account: **Alice Admin**');
    expect(text).toContain(
      "Acting as: the gateway's shared Jira account: every person using this gateway acts as it, with its permissions (JIRA_AUTH=service)",
    );
    expect(text).toContain('Projects: all projects the Jira account can see');
  });

  it('jira_list_projects lists every project and filters by query', async () => {
    const all = await call('jira_list_projects', {});
    expect(all.data).toEqual({
      projects: [
        { id: '10000', key: 'DEMO', name: 'Demo Project', projectTypeKey: 'software' },
        { id: '10001', key: 'OPS', name: 'Operations', projectTypeKey: 'software' },
      ],
      startAt: 0,
      total: 2,
      nextStartAt: null,
    });
    expect(all.text).toBe(
      'Projects (2):\n- **DEMO** Demo Project (software)\n- **OPS** Operations (software)',
    );
    const paged = await call('jira_list_projects', { maxResults: 1 });
    expect(paged.data['nextStartAt']).toBe(1);
    expect(paged.text).toContain('More projects exist: call again with startAt=1.');
    const ops = await call('jira_list_projects', { query: 'operat' });
    expect((ops.data['projects'] as Structured[]).map((p) => p['key'])).toEqual(['OPS']);
  });

  it('jira_get_create_metadata lists issue types with their required and optional fields', async () => {
    const { data } = await call('jira_get_create_metadata', { projectKey: 'demo' });
    const types = data['issueTypes'] as Structured[];
    expect(types.map((t) => t['name'])).toEqual(['Epic', 'Task', 'Bug', 'Story', 'Sub-task']);
    const subtask = types.find((t) => t['name'] === 'Sub-task');
    expect(subtask).toMatchObject({ id: '10004', subtask: true });
    // Reporter is required but Jira fills it (hasDefaultValue), as on Jira Cloud.
    expect((subtask?.['requiredFields'] as Structured[]).map((f) => f['fieldId'])).toEqual([
      'summary',
      'reporter',
      'parent',
    ]);
    const task = types.find((t) => t['name'] === 'Task');
    expect((task?.['requiredFields'] as Structured[]).map((f) => f['fieldId'])).toEqual([
      'summary',
      'reporter',
    ]);
    expect((task?.['optionalFields'] as Structured[]).map((f) => f['fieldId'])).toContain(
      'description',
    );
    expect(data['omittedIssueTypes']).toEqual([]);
  });

  it('jira_get_create_metadata narrows to one issue type, and names the valid ones when it is wrong', async () => {
    const bug = await call('jira_get_create_metadata', { projectKey: 'DEMO', issueType: 'bug' });
    expect((bug.data['issueTypes'] as Structured[]).map((t) => t['id'])).toEqual(['10002']);
    const wrong = await call('jira_get_create_metadata', {
      projectKey: 'DEMO',
      issueType: 'Incident',
    });
    expect(wrong.result.isError).toBe(true);
    expect(wrong.text).toBe(
      'Project DEMO has no issue type "Incident". Available: Epic, Task, Bug, Story, Sub-task.',
    );
  });

  it('jira_find_users returns account ids for names', async () => {
    const { data, text } = await call('jira_find_users', { query: 'bob' });
    expect(data).toEqual({
      users: [
        {
          accountId: '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
          displayName: 'Bob Builder',
          emailAddress: 'bob@example.com',
          active: true,
        },
      ],
    });
    expect(text).toContain('accountId `712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb`');
    expect((await call('jira_find_users', { query: 'nobody-here' })).text).toBe(
      'No users match "nobody-here".',
    );
  });
});
