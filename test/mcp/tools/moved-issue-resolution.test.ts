import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JiraClient } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';
import { ALL_TOOLS } from '../../../src/mcp/tools/catalog.js';
import { createProjectAllowList } from '../../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError, type ToolContext } from '../../../src/mcp/tools/tool-definition.js';

const REFUSED = 'Project OPS is outside the projects this gateway may access (DEMO).';
const RESOLVE_MOVED = 'GET /rest/api/3/issue/DEMO-5?fields=project';

/**
 * A Jira on 127.0.0.1 where DEMO-5 has moved to OPS (now OPS-9) and DEMO-7
 * was renamed to DEMO-70, and which answers every other call like Jira, so
 * only the gateway's checks can stop a call from reaching an issue.
 */
describe('JIRA_PROJECTS=DEMO: keyed calls resolve the issue before acting on it', () => {
  let server: Server;
  let context: ToolContext;
  let log: string[] = [];
  let bodies: string[] = [];

  const issue = (id: string, key: string, project: string) => ({
    id,
    key,
    fields: { project: { key: project } },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      log.push(`${req.method ?? ''} ${req.url ?? ''}`);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (chunks.length > 0) bodies.push(Buffer.concat(chunks).toString('utf8'));
        answer(req.method ?? '', req.url ?? '', res);
      });
    });
    const answer = (method: string, url: string, res: ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      const reply = (body: unknown, status = 200) => {
        res.statusCode = status;
        res.end(status === 204 ? undefined : JSON.stringify(body));
      };
      if (/^\/rest\/api\/3\/issue\/(DEMO-5|OPS-9)(\?|$)/.test(url)) {
        reply(issue('10005', 'OPS-9', 'OPS'));
      } else if (/^\/rest\/api\/3\/issue\/(DEMO-7|DEMO-70)(\?|$)/.test(url)) {
        reply(issue('10007', 'DEMO-70', 'DEMO'));
      } else if (/^\/rest\/api\/3\/issue\/DEMO-6(\?|$)/.test(url)) {
        reply(issue('10006', 'DEMO-6', 'DEMO'));
      } else if (url === '/rest/api/3/issueLinkType') {
        reply({
          issueLinkTypes: [{ id: '1', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' }],
        });
      } else if (url.includes('/transitions') && method === 'GET') {
        reply({ transitions: [{ id: '21', name: 'Start', to: { name: 'In Progress' } }] });
      } else if (url.includes('/comment') && method === 'GET') {
        reply({ comments: [], startAt: 0, maxResults: 50, total: 0 });
      } else if (url.includes('/comment') || url.includes('/worklog')) {
        reply({ id: '1', timeSpentSeconds: 3600 }, 201);
      } else if (url === '/rest/api/3/issue' && method === 'POST') {
        reply({ id: '10100', key: 'DEMO-100' }, 201);
      } else {
        reply(null, 204);
      }
    };
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
  beforeEach(() => {
    log = [];
    bodies = [];
  });
  afterAll(async () => {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  const run = (name: string, args: Record<string, unknown>) => {
    const found = ALL_TOOLS.find((t) => t.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found.execute(args, context);
  };

  const movedAttempts: [string, Record<string, unknown>][] = [
    ['jira_list_comments', { issueKey: 'DEMO-5' }],
    ['jira_get_transitions', { issueKey: 'DEMO-5' }],
    ['jira_update_issue', { issueKey: 'DEMO-5', summary: 'x' }],
    ['jira_add_comment', { issueKey: 'DEMO-5', body: 'x' }],
    ['jira_transition_issue', { issueKey: 'DEMO-5', transition: '21' }],
    ['jira_assign_issue', { issueKey: 'DEMO-5', accountId: null }],
    ['jira_add_worklog', { issueKey: 'DEMO-5', timeSpent: '1h' }],
    ['jira_link_issues', { issueKey: 'DEMO-5', linkType: 'Blocks', targetIssueKey: 'DEMO-6' }],
    ['jira_link_issues', { issueKey: 'DEMO-6', linkType: 'Blocks', targetIssueKey: 'DEMO-5' }],
    ['jira_add_remote_link', { issueKey: 'DEMO-5', url: 'https://x.example', title: 'x' }],
    ['jira_add_watcher', { issueKey: 'DEMO-5', accountId: 'acc-1' }],
    ['jira_remove_watcher', { issueKey: 'DEMO-5', accountId: 'acc-1', confirm: true }],
    [
      'jira_create_issue',
      { projectKey: 'DEMO', issueType: 'Sub-task', summary: 'x', parentKey: 'DEMO-5' },
    ],
  ];

  it.each(movedAttempts)(
    'refuses %s %j on a moved issue after only the resolving GET',
    async (name, args) => {
      await expect(run(name, args)).rejects.toThrow(
        new ToolUsageError('project_not_allowed', REFUSED),
      );
      // Nothing but the resolving GET touched the moved issue, and nothing was written.
      expect(log.filter((l) => /DEMO-5|OPS-9/.test(l))).toEqual([RESOLVE_MOVED]);
      expect(log.filter((l) => !l.startsWith('GET '))).toEqual([]);
    },
  );

  it('sends the call to the current key, resolving it once per tool call', async () => {
    await run('jira_transition_issue', { issueKey: 'DEMO-7', transition: '21', comment: 'go' });
    expect(log).toEqual([
      'GET /rest/api/3/issue/DEMO-7?fields=project',
      'GET /rest/api/3/issue/DEMO-70/transitions',
      'POST /rest/api/3/issue/DEMO-70/transitions',
    ]);
  });

  it('links and creates sub-tasks by the current keys', async () => {
    await run('jira_link_issues', {
      issueKey: 'DEMO-7',
      linkType: 'Blocks',
      targetIssueKey: 'DEMO-6',
    });
    await run('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'x',
      parentKey: 'DEMO-7',
    });
    expect(log.filter((l) => l.startsWith('POST '))).toEqual([
      'POST /rest/api/3/issueLink',
      'POST /rest/api/3/issue',
    ]);
    const [link, created] = bodies.map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(link?.['outwardIssue']).toEqual({ key: 'DEMO-70' });
    expect(link?.['inwardIssue']).toEqual({ key: 'DEMO-6' });
    expect((created?.['fields'] as Record<string, unknown>)['parent']).toEqual({ key: 'DEMO-70' });
    expect(log.filter((l) => l.includes('DEMO-7'))).toEqual([
      'GET /rest/api/3/issue/DEMO-7?fields=project',
      'GET /rest/api/3/issue/DEMO-7?fields=project',
    ]);
  });

  it('does not resolve keys when no allow-list is configured', async () => {
    const open = { ...context, projects: createProjectAllowList([]) };
    const tool = ALL_TOOLS.find((t) => t.name === 'jira_assign_issue');
    await tool?.execute({ issueKey: 'DEMO-7', accountId: null }, open);
    expect(log).toEqual(['PUT /rest/api/3/issue/DEMO-7/assignee']);
  });
});
