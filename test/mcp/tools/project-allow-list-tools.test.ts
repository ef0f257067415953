import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraClient } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';
import { ALL_TOOLS } from '../../../src/mcp/tools/catalog.js';
import { createProjectAllowList } from '../../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError, type ToolContext } from '../../../src/mcp/tools/tool-definition.js';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const REFUSED_OPS = 'is outside the projects this gateway may access (DEMO).';

describe('JIRA_PROJECTS=DEMO enforced on every tool (sandbox has DEMO and OPS)', () => {
  const { call, bed } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { JIRA_PROJECTS: 'demo' },
  });

  function opsRequests(): string[] {
    return bed.sandbox.requests
      .filter((r) => r.path.includes('OPS') || r.query.includes('OPS'))
      .map((r) => `${r.method} ${r.path}${r.query}`);
  }

  it('confines JQL that tries to escape with OR and returns no OPS issue', async () => {
    const { data } = await call('jira_search_issues', {
      jql: 'project = DEMO OR project = OPS ORDER BY key ASC',
      maxResults: 50,
    });
    const projects = new Set((data['issues'] as Structured[]).map((i) => i['project']));
    expect(projects).toEqual(new Set(['DEMO']));
    expect(data['jql']).toBe(
      'project in ("DEMO") AND (project = DEMO OR project = OPS) ORDER BY key ASC',
    );
    const sent = JSON.parse(
      bed.sandbox.requests.filter((r) => r.path === '/rest/api/3/search/jql').at(-1)?.body ?? '{}',
    ) as Structured;
    expect(sent['jql']).toBe(data['jql']);
    const opsOnly = await call('jira_search_issues', { jql: 'project = OPS' });
    expect(opsOnly.data['issues']).toEqual([]);
  });

  it('refuses JQL that would break out of the wrapper, before calling Jira', async () => {
    const before = bed.sandbox.requests.length;
    const paren = await call('jira_search_issues', { jql: 'key = DEMO-1) OR (project = OPS' });
    expect(paren.result.isError).toBe(true);
    expect(paren.text).toBe(
      'The JQL has unbalanced parentheses or quotes; fix the query and try again.',
    );
    const orderBy = await call('jira_search_issues', {
      jql: 'key = DEMO-1 ORDER BY key, (project = OPS)',
    });
    expect(orderBy.result.isError).toBe(true);
    expect(bed.sandbox.requests.length).toBe(before);
  });

  it('shows only allowed projects in jira_list_projects and jira_whoami', async () => {
    const { data } = await call('jira_list_projects', {});
    expect((data['projects'] as Structured[]).map((p) => p['key'])).toEqual(['DEMO']);
    expect((await call('jira_whoami', {})).data['allowedProjects']).toEqual(['DEMO']);
  });

  it('refuses every issue-key tool for an OPS key without asking Jira', async () => {
    const before = opsRequests().length;
    const attempts: [string, Record<string, unknown>][] = [
      ['jira_get_issue', { issueKey: 'OPS-1' }],
      ['jira_list_comments', { issueKey: 'OPS-2' }],
      ['jira_get_transitions', { issueKey: 'OPS-2' }],
      ['jira_update_issue', { issueKey: 'OPS-1', summary: 'x' }],
      ['jira_add_comment', { issueKey: 'OPS-1', body: 'x' }],
      ['jira_transition_issue', { issueKey: 'OPS-1', transition: '21' }],
      ['jira_assign_issue', { issueKey: 'OPS-1', accountId: null }],
      ['jira_add_worklog', { issueKey: 'OPS-1', timeSpent: '1h' }],
      ['jira_link_issues', { issueKey: 'OPS-1', linkType: 'Blocks', targetIssueKey: 'DEMO-6' }],
      ['jira_link_issues', { issueKey: 'DEMO-6', linkType: 'Blocks', targetIssueKey: 'OPS-1' }],
    ];
    for (const [name, args] of attempts) {
      const { result, text } = await call(name, args);
      expect(result.isError, name).toBe(true);
      expect(text, name).toMatch(
        new RegExp(`^Issue OPS-\\d ${REFUSED_OPS.replace(/[().]/g, '\\$&')}$`),
      );
    }
    expect(opsRequests().length).toBe(before);
  });

  it('refuses project-taking tools for OPS', async () => {
    for (const [name, args] of [
      ['jira_get_create_metadata', { projectKey: 'OPS' }],
      ['jira_create_issue', { projectKey: 'OPS', issueType: 'Task', summary: 'x' }],
    ] as const) {
      const { result, text } = await call(name, args);
      expect(result.isError, name).toBe(true);
      expect(text).toBe(`Project OPS ${REFUSED_OPS}`);
    }
    const subtask = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'x',
      parentKey: 'OPS-1',
    });
    expect(subtask.text).toBe(`Issue OPS-1 ${REFUSED_OPS}`);
  });

  it('shows the key but not the content of a linked issue in another project', async () => {
    const { data, text } = await call('jira_get_issue', { issueKey: 'DEMO-10' });
    expect(data['links']).toEqual([
      {
        key: 'OPS-2',
        summary: null,
        status: null,
        outsideAllowedProjects: true,
        relation: 'relates to',
      },
    ]);
    expect(text).toContain('- relates to **OPS-2** (outside the allowed projects)');
  });

  it('refuses a parent or issue links outside the list given through fields, before writing', async () => {
    const posts = (): number =>
      bed.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')
        .length;
    const before = posts();
    const opsBefore = opsRequests().length;
    const parent = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'x',
      fields: { Parent: 'OPS-1' },
    });
    expect(parent.result.isError).toBe(true);
    expect(parent.text).toBe(`Issue OPS-1 ${REFUSED_OPS}`);
    const byObject = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'x',
      fields: { parent: { id: '10020' } },
    });
    expect(byObject.result.isError).toBe(true);
    expect(byObject.text).toBe(
      'Field parent names an issue: give its key, like "DEMO-7" (an id cannot be checked against the allowed projects).',
    );
    expect(posts()).toBe(before);
    expect(opsRequests().length).toBe(opsBefore);
    // An allowed parent still works, sent by its key.
    const allowed = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'child of DEMO-1',
      fields: { parent: 'demo-1' },
    });
    expect(posts()).toBe(before + 1);
    const sent = JSON.parse(
      bed.sandbox.requests
        .filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')
        .at(-1)?.body ?? '{}',
    ) as { fields: Structured };
    expect(sent.fields['parent']).toEqual({ key: 'DEMO-1' });
    expect(allowed.text).not.toContain(REFUSED_OPS);
  });

  it('still allows tools that are not about a project', async () => {
    const { result } = await call('jira_find_users', { query: 'alice' });
    expect(result.isError).toBeFalsy();
  });
});

describe('allow-list defence in depth when Jira answers outside the allow-list', () => {
  let server: Server;
  let context: ToolContext;
  const posts: string[] = [];

  const issue = (key: string, project: string) => ({
    id: key.replace(/\D/g, ''),
    key,
    fields: { summary: `Issue ${key}`, project: { key: project } },
  });

  beforeAll(async () => {
    // A Jira that misbehaves: searches leak OPS issues, and DEMO-5 has moved to OPS.
    server = createServer((req, res) => {
      if (req.method === 'POST') posts.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/rest/api/3/search/jql') {
        res.end(
          JSON.stringify({
            issues: [issue('DEMO-1', 'DEMO'), issue('OPS-1', 'OPS')],
            isLast: true,
          }),
        );
      } else if (req.url?.startsWith('/rest/api/3/issue/DEMO-5')) {
        res.end(JSON.stringify(issue('OPS-9', 'OPS')));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ errorMessages: ['nope'], errors: {} }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    context = {
      jira: new JiraClient({
        credentials: staticCredentialsProvider({
          baseUrl: `http://127.0.0.1:${port}`,
          email: 'gw@example.com',
          apiToken: 'api-token',
        }),
        maxRetries: 0,
      }),
      projects: createProjectAllowList(['DEMO']),
      caller: {
        userId: 'usr_1',
        username: 'alice',
        clientId: 'mcp_1',
        scopes: ['jira:read', 'jira:write'],
      },
      readOnly: false,
    };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  const tool = (name: string) => {
    const found = ALL_TOOLS.find((t) => t.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found;
  };

  it('withholds search results from other projects and says so', async () => {
    const result = await tool('jira_search_issues').execute({ jql: 'summary ~ x' }, context);
    expect((result.structured['issues'] as { key: string }[]).map((i) => i.key)).toEqual([
      'DEMO-1',
    ]);
    expect(result.structured['withheld']).toBe(1);
    expect(result.markdown).toContain('1 result(s) outside the allowed projects were withheld.');
  });

  it('refuses an issue whose key is allowed but which Jira says lives in another project', async () => {
    await expect(tool('jira_get_issue').execute({ issueKey: 'DEMO-5' }, context)).rejects.toThrow(
      new ToolUsageError('project_not_allowed', `Project OPS ${REFUSED_OPS}`),
    );
    await expect(
      tool('jira_add_comment').execute({ issueKey: 'DEMO-5', body: 'hi' }, context),
    ).rejects.toThrow(`Project OPS ${REFUSED_OPS}`);
    expect(posts.filter((p) => p.includes('/comment'))).toEqual([]);
  });
});
