import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraClient } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';
import { SANDBOX_API_TOKENS } from '../../../src/sandbox/index.js';
import { ALL_TOOLS } from '../../../src/mcp/tools/catalog.js';
import { createProjectAllowList } from '../../../src/mcp/tools/project-allow-list.js';
import type { ToolContext } from '../../../src/mcp/tools/tool-definition.js';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

/** Every object naming an OPS issue may hold its key and nothing of its content. */
function opsContentIn(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => opsContentIn(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  const found: string[] = [];
  if (typeof object['key'] === 'string' && /^OPS-\d+$/.test(object['key'])) {
    for (const [name, v] of Object.entries(object)) {
      const harmless =
        name === 'key' ||
        name === 'relation' ||
        (name === 'outsideAllowedProjects' && v === true) ||
        ((name === 'summary' || name === 'status') && v === null);
      if (!harmless) found.push(`${path}.${name}`);
    }
  }
  for (const [name, v] of Object.entries(object)) found.push(...opsContentIn(v, `${path}.${name}`));
  return found;
}

describe('JIRA_PROJECTS=DEMO: nothing of OPS leaves through issue data (sandbox: DEMO-10 relates to OPS-2)', () => {
  const { call, bed } = useToolTestBed(['jira:read', 'jira:write'], {
    env: { JIRA_PROJECTS: 'demo' },
  });
  /** Summaries, labels and description text of every OPS issue, read straight from the sandbox. */
  let opsTexts: string[] = [];

  beforeAll(async () => {
    const jira = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: bed.jiraUrl,
        email: 'alice@example.com',
        apiToken: SANDBOX_API_TOKENS.alice,
      }),
      maxRetries: 0,
    });
    const page = await jira.searchIssues({
      jql: 'project = OPS',
      fields: ['summary', 'labels'],
      maxResults: 50,
    });
    opsTexts = page.issues.flatMap((i) => [i.fields.summary ?? '', ...(i.fields.labels ?? [])]);
    expect(opsTexts).toContain('Nightly backup job exceeded its window');
  });

  function expectNoOps(what: string, text: string, data: unknown): void {
    const serialized = `${text}\n${JSON.stringify(data)}`;
    for (const secret of opsTexts.filter((t) => t.length > 3)) {
      expect(serialized, `${what} shows "${secret}"`).not.toContain(secret);
    }
    expect(opsContentIn(data), what).toEqual([]);
  }

  it('jira_search_issues with fields that name other issues shows OPS keys only', async () => {
    const fields = ['issuelinks', 'subtasks', 'parent', 'comment', 'description', 'worklog'];
    const { result, text, data } = await call('jira_search_issues', {
      jql: 'key = DEMO-10',
      fields,
    });
    expect(result.isError).toBeFalsy();
    const issue = (data['issues'] as Structured[])[0] as Structured;
    expect(issue['key']).toBe('DEMO-10');
    expect((issue['fields'] as Structured)['issuelinks']).toEqual([
      expect.objectContaining({ inwardIssue: { key: 'OPS-2', outsideAllowedProjects: true } }),
    ]);
    expectNoOps('jira_search_issues', text, data);
  });

  it('every read tool about DEMO-10 shows OPS keys only, in text and structuredContent', async () => {
    const reads: [string, Record<string, unknown>][] = [
      ['jira_get_issue', { issueKey: 'DEMO-10', commentLimit: 20 }],
      ['jira_list_comments', { issueKey: 'DEMO-10' }],
      ['jira_get_transitions', { issueKey: 'DEMO-10' }],
      ['jira_search_issues', { jql: 'issue in linkedIssues(DEMO-10) OR key = DEMO-10' }],
      ['jira_get_create_metadata', { projectKey: 'DEMO' }],
      ['jira_list_projects', {}],
      ['jira_whoami', {}],
    ];
    for (const [name, args] of reads) {
      const { text, data } = await call(name, args);
      expectNoOps(name, text, data);
    }
  });
});

/** An OPS issue as Jira embeds it, marked so a leak is easy to spot. */
const opsRef = (tag: string) => ({
  id: '99',
  key: 'OPS-7',
  self: 'http://jira.invalid/rest/api/3/issue/99',
  fields: {
    summary: `LEAK summary ${tag}`,
    status: { name: `LEAK status ${tag}` },
    priority: { name: `LEAK priority ${tag}` },
    issuetype: { name: `LEAK type ${tag}` },
  },
});

/** A text file on a DEMO issue whose every side property points into OPS. */
const demoAttachment = (tag: string) => ({
  id: '10001',
  filename: 'notes.txt',
  mimeType: 'text/plain',
  size: 11,
  created: '2026-01-01T00:00:00.000+0000',
  author: { accountId: 'acc-1', displayName: 'Alice', leak: opsRef(`${tag} author`) },
  content: 'http://jira.invalid/rest/api/3/attachment/content/10001',
  issue: opsRef(tag),
});

const LINK_TYPE = { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' };

/** A DEMO issue whose every issue-holding field points into OPS, in every shape Jira uses. */
const demoIssue = (key: string) => ({
  id: key.replace(/\D/g, ''),
  key,
  self: `http://jira.invalid/rest/api/3/issue/${key}`,
  fields: {
    summary: `Demo ${key}`,
    project: { id: '1', key: 'DEMO', name: 'Demo' },
    status: { name: 'To Do' },
    issuetype: { name: 'Task' },
    labels: [],
    description: {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Plain' }] }],
    },
    parent: opsRef('parent'),
    subtasks: [
      opsRef('subtask'),
      { key: 'DEMO-3', fields: { summary: 'Allowed sub-task', parent: opsRef('nested') } },
    ],
    issuelinks: [
      { id: '1', type: LINK_TYPE, outwardIssue: opsRef('outward link') },
      { id: '2', type: LINK_TYPE, inwardIssue: opsRef('inward link') },
    ],
    customfield_10014: opsRef('epic'),
    customfield_10100: [opsRef('picker 1'), opsRef('picker 2')],
    customfield_10200: {
      self: 'http://jira.invalid/rest/api/3/issue/10200',
      fields: { summary: 'LEAK keyless', project: { key: 'OPS' } },
    },
    customfield_10300: {
      key: 'DEMO-5',
      fields: { summary: 'LEAK moved', project: { key: 'OPS' } },
    },
    customfield_10400: { outer: { deeper: [{ issue: opsRef('deep') }] } },
    attachment: [demoAttachment('attachment')],
  },
});

/** A Jira that puts OPS issues into every answer it gives. */
function poisonedJira(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://jira.invalid');
  const path = url.pathname.replace('/rest/api/3', '');
  const send = (status: number, body?: unknown): void => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const issueMatch = /^\/issue\/(DEMO-\d+)(\/[a-z]+)?$/.exec(path);
  const key = issueMatch?.[1];
  const sub = issueMatch?.[2];
  const route = `${req.method ?? 'GET'} ${key === undefined ? path : `/issue/KEY${sub ?? ''}`}`;
  switch (route) {
    case 'GET /myself': {
      send(200, { accountId: 'acc-1', displayName: 'Gateway', leak: opsRef('myself') });
      return;
    }
    case 'GET /project/search': {
      send(200, {
        values: [{ id: '1', key: 'DEMO', name: 'Demo' }],
        isLast: true,
        total: 1,
      });
      return;
    }
    case 'POST /search/jql': {
      send(200, {
        issues: [
          demoIssue('DEMO-1'),
          {
            ...opsRef('top-level'),
            fields: { ...opsRef('top-level').fields, project: { key: 'OPS' } },
          },
          {
            id: '9',
            key: 'DEMO-9',
            fields: { summary: 'LEAK top moved', project: { key: 'OPS' } },
          },
        ],
        isLast: true,
      });
      return;
    }
    case 'GET /issue/KEY': {
      send(200, demoIssue(key ?? 'DEMO-1'));
      return;
    }
    case 'GET /issue/KEY/comment': {
      send(200, {
        comments: [
          {
            id: '1',
            author: { accountId: 'acc-1', displayName: 'Alice' },
            body: {
              type: 'doc',
              version: 1,
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'A comment' }] }],
            },
            leak: opsRef('comment'),
          },
        ],
        startAt: 0,
        maxResults: 20,
        total: 1,
      });
      return;
    }
    case 'GET /issue/KEY/transitions': {
      send(200, {
        transitions: [
          {
            id: '21',
            name: 'Start',
            to: { name: 'In Progress' },
            fields: {
              customfield_10014: {
                name: 'Epic',
                required: false,
                allowedValues: [opsRef('transition field')],
              },
            },
          },
        ],
      });
      return;
    }
    case 'GET /issue/createmeta/DEMO/issuetypes': {
      send(200, { issueTypes: [{ id: '10001', name: 'Task', subtask: false }], total: 1 });
      return;
    }
    case 'GET /issue/createmeta/DEMO/issuetypes/10001': {
      send(200, {
        fields: [
          {
            fieldId: 'customfield_10014',
            name: 'Epic',
            required: true,
            allowedValues: [opsRef('allowed value')],
          },
        ],
        total: 1,
      });
      return;
    }
    case 'GET /user/search': {
      send(200, [{ accountId: 'acc-1', displayName: 'Alice' }]);
      return;
    }
    case 'POST /issue': {
      send(201, { id: '2', key: 'DEMO-2', self: 'http://jira.invalid/rest/api/3/issue/2' });
      return;
    }
    case 'PUT /issue/KEY':
    case 'POST /issue/KEY/transitions':
    case 'PUT /issue/KEY/assignee': {
      send(204);
      return;
    }
    case 'POST /issue/KEY/comment': {
      send(201, { id: '5', created: '2026-01-01T00:00:00.000+0000', leak: opsRef('added') });
      return;
    }
    case 'POST /issue/KEY/worklog': {
      send(201, { id: '9', timeSpentSeconds: 3600, leak: opsRef('worklog') });
      return;
    }
    case 'GET /issueLinkType': {
      send(200, { issueLinkTypes: [LINK_TYPE] });
      return;
    }
    case 'POST /issueLink': {
      send(201);
      return;
    }
    // --- structure & collaboration (SP) ---
    case 'GET /project/DEMO/version': {
      send(200, {
        values: [{ id: '10000', name: '1.0', released: true, leak: opsRef('version') }],
        startAt: 0,
        total: 1,
        isLast: true,
      });
      return;
    }
    case 'POST /version': {
      send(201, { id: '10001', name: 'x', released: false, leak: opsRef('new version') });
      return;
    }
    case 'GET /project/DEMO/component': {
      send(200, {
        values: [{ id: '10000', name: 'API', issueCount: 1, leak: opsRef('component') }],
        startAt: 0,
        total: 1,
        isLast: true,
      });
      return;
    }
    case 'GET /issueLink/10001': {
      send(200, {
        id: '10001',
        type: LINK_TYPE,
        outwardIssue: { key: 'DEMO-1', fields: { summary: 'Demo DEMO-1' } },
        inwardIssue: { key: 'DEMO-2', fields: { summary: 'Demo DEMO-2', leak: opsRef('link') } },
      });
      return;
    }
    case 'DELETE /issueLink/10001':
    case 'POST /issue/KEY/watchers':
    case 'DELETE /issue/KEY/watchers': {
      send(204);
      return;
    }
    case 'POST /issue/KEY/remotelink': {
      send(201, { id: 10000, self: 'http://jira.invalid/rest/api/issue/DEMO-1/remotelink/10000' });
      return;
    }
    case 'GET /issue/KEY/watchers': {
      send(200, {
        watchCount: 1,
        watchers: [{ accountId: 'acc-1', displayName: 'Alice', leak: opsRef('watcher') }],
      });
      return;
    }
    // --- fields, attachments and history: OPS issues beside every entry ---
    case 'GET /field': {
      send(200, [
        { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string' } },
        {
          id: 'customfield_10014',
          name: 'Epic Link',
          custom: true,
          schema: { type: 'any' },
          leak: opsRef('field'),
        },
      ]);
      return;
    }
    case 'GET /attachment/content/10001': {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/plain');
      res.end('Plain notes');
      return;
    }
    case 'POST /issue/KEY/attachments': {
      send(200, [demoAttachment('added attachment')]);
      return;
    }
    case 'GET /issue/KEY/changelog': {
      send(200, {
        values: [
          {
            id: '100',
            author: { accountId: 'acc-1', displayName: 'Alice', leak: opsRef('history author') },
            created: '2026-01-01T00:00:00.000+0000',
            items: [
              {
                field: 'IssueParentAssociation',
                fieldtype: 'jira',
                from: null,
                fromString: null,
                to: '99',
                toString: 'OPS-7',
                leak: opsRef('change item'),
              },
            ],
            issue: opsRef('history'),
          },
        ],
        startAt: 0,
        maxResults: 50,
        total: 1,
        isLast: true,
      });
      return;
    }
    case 'GET /issue/KEY/worklog': {
      send(200, {
        worklogs: [
          {
            id: '9',
            author: { accountId: 'acc-1', displayName: 'Alice', leak: opsRef('worklog author') },
            started: '2026-01-01T09:00:00.000+0000',
            timeSpent: '1h',
            timeSpentSeconds: 3600,
            issue: opsRef('listed worklog'),
          },
        ],
        startAt: 0,
        maxResults: 50,
        total: 1,
      });
      return;
    }
    // --- agile (AG): an OPS board, a board in no project, OPS issues in the backlog ---
    case 'GET /rest/agile/1.0/board': {
      send(200, {
        values: [
          { id: 1, name: 'Demo board', type: 'scrum', location: { projectKey: 'DEMO' } },
          {
            id: 2,
            name: 'LEAK summary OPS board',
            type: 'kanban',
            location: { projectKey: 'OPS' },
          },
          {
            id: 3,
            name: 'LEAK summary personal board',
            type: 'kanban',
            location: { userAccountId: 'x' },
          },
        ],
        startAt: 0,
        maxResults: 50,
        total: 3,
        isLast: true,
      });
      return;
    }
    case 'GET /rest/agile/1.0/board/1': {
      send(200, { id: 1, name: 'Demo board', type: 'scrum', location: { projectKey: 'DEMO' } });
      return;
    }
    case 'GET /rest/agile/1.0/board/1/sprint': {
      send(200, {
        values: [
          { id: 5, name: 'Sprint 5', state: 'active', originBoardId: 1, leak: opsRef('sprint') },
          { id: 6, name: 'LEAK summary shared sprint', state: 'future', originBoardId: 2 },
        ],
        isLast: true,
      });
      return;
    }
    case 'GET /rest/agile/1.0/board/2': {
      send(200, { id: 2, name: 'LEAK summary OPS board', location: { projectKey: 'OPS' } });
      return;
    }
    case 'GET /rest/agile/1.0/board/1/backlog': {
      send(200, {
        issues: [
          demoIssue('DEMO-1'),
          {
            ...opsRef('backlog'),
            fields: { ...opsRef('backlog').fields, project: { key: 'OPS' } },
          },
        ],
        startAt: 0,
        maxResults: 25,
        total: 2,
      });
      return;
    }
    case 'GET /rest/agile/1.0/sprint/5': {
      send(200, { id: 5, name: 'Sprint 5', state: 'active', originBoardId: 1 });
      return;
    }
    case 'POST /rest/agile/1.0/sprint':
    case 'POST /rest/agile/1.0/sprint/5': {
      send(200, {
        id: 5,
        name: 'Sprint 5',
        state: 'active',
        originBoardId: 1,
        leak: opsRef('new sprint'),
      });
      return;
    }
    case 'POST /rest/agile/1.0/sprint/5/issue':
    case 'POST /rest/agile/1.0/backlog/issue': {
      send(204);
      return;
    }
    default: {
      send(404, { errorMessages: [`no route ${route}`], errors: {} });
      return;
    }
  }
}

describe('JIRA_PROJECTS=DEMO against a Jira that embeds OPS issues in every answer', () => {
  let server: Server;
  let context: ToolContext;

  beforeAll(async () => {
    server = createServer(poisonedJira);
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
      caller: { userId: 'usr_1', username: 'alice', clientId: 'mcp_1', scopes: [] },
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

  const ARGS: Record<string, Record<string, unknown>> = {
    jira_whoami: {},
    jira_list_projects: {},
    jira_search_issues: {
      jql: 'project = DEMO',
      fields: [
        'parent',
        'subtasks',
        'issuelinks',
        'customfield_10014',
        'customfield_10100',
        'customfield_10200',
        'customfield_10300',
        'customfield_10400',
      ],
    },
    jira_get_issue: { issueKey: 'DEMO-1' },
    jira_list_comments: { issueKey: 'DEMO-1' },
    jira_get_transitions: { issueKey: 'DEMO-1' },
    jira_get_create_metadata: { projectKey: 'DEMO' },
    jira_find_users: { query: 'alice' },
    jira_create_issue: { projectKey: 'DEMO', issueType: 'Task', summary: 'x' },
    jira_update_issue: { issueKey: 'DEMO-1', summary: 'y' },
    jira_add_comment: { issueKey: 'DEMO-1', body: 'hi' },
    jira_transition_issue: { issueKey: 'DEMO-1', transition: '21' },
    jira_assign_issue: { issueKey: 'DEMO-1', accountId: null },
    jira_add_worklog: { issueKey: 'DEMO-1', timeSpent: '1h' },
    jira_link_issues: { issueKey: 'DEMO-1', linkType: 'Blocks', targetIssueKey: 'DEMO-2' },
    jira_list_versions: { projectKey: 'DEMO' },
    jira_create_version: { projectKey: 'DEMO', name: 'x' },
    jira_list_components: { projectKey: 'DEMO' },
    jira_delete_link: { linkId: '10001', confirm: true },
    jira_add_remote_link: { issueKey: 'DEMO-1', url: 'https://x.example', title: 'x' },
    jira_add_watcher: { issueKey: 'DEMO-1', accountId: 'acc-1' },
    jira_remove_watcher: { issueKey: 'DEMO-1', accountId: 'acc-1', confirm: true },
    jira_list_boards: {},
    jira_list_sprints: { boardId: 1 },
    jira_get_board_backlog: { boardId: 1 },
    jira_create_sprint: { boardId: 1, name: 'x' },
    jira_update_sprint: { sprintId: 5, name: 'y' },
    jira_move_to_sprint: { issueKeys: ['DEMO-1', 'DEMO-2'], sprintId: 5 },
    jira_list_fields: { query: 'epic', projectKey: 'DEMO', issueType: 'Task' },
    jira_get_attachment: { issueKey: 'DEMO-1', attachmentId: '10001' },
    jira_add_attachment: { issueKey: 'DEMO-1', fileName: 'notes.txt', content: 'Plain notes' },
    jira_get_changelog: { issueKey: 'DEMO-1' },
    jira_list_worklogs: { issueKey: 'DEMO-1' },
  };

  it('covers every tool of the catalog', () => {
    expect(Object.keys(ARGS).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
  });

  for (const tool of ALL_TOOLS) {
    it(`${tool.name}: no summary, status, priority or type of an OPS issue in its result`, async () => {
      const result = await tool.execute(ARGS[tool.name], context);
      const serialized = `${result.markdown}\n${JSON.stringify(result.structured)}`;
      expect(serialized).not.toContain('LEAK');
      expect(opsContentIn(result.structured)).toEqual([]);
    });
  }

  it('counts the OPS and moved issues a search withholds, and names the OPS keys it shows', async () => {
    const search = ALL_TOOLS.find((t) => t.name === 'jira_search_issues');
    const result = await search?.execute(ARGS['jira_search_issues'], context);
    expect(result?.structured['withheld']).toBe(2);
    const [issue] = result?.structured['issues'] as Structured[];
    expect((issue?.['fields'] as Structured)['customfield_10014']).toEqual({
      key: 'OPS-7',
      outsideAllowedProjects: true,
    });
    expect(issue?.['parent']).toBe('OPS-7');
  });
});
