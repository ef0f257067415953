import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JIRA_MAX_RETRIES,
  resultText,
  startMcpTestBed,
  type McpTestBed,
} from './helpers/test-bed.js';

const READ_TOOLS = [
  'jira_whoami',
  'jira_list_projects',
  'jira_search_issues',
  'jira_get_issue',
  'jira_list_comments',
  'jira_get_transitions',
  'jira_get_create_metadata',
  'jira_find_users',
];
const WRITE_TOOLS = [
  'jira_create_issue',
  'jira_update_issue',
  'jira_add_comment',
  'jira_transition_issue',
  'jira_assign_issue',
  'jira_add_worklog',
  'jira_link_issues',
];

describe('MCP server over Streamable HTTP with the MCP SDK 1.x client (MCP 2025-11-25)', () => {
  let bed: McpTestBed;

  beforeAll(async () => {
    // The core toolset: these tests pin the exact list, which other toolsets grow.
    bed = await startMcpTestBed({ env: { TOOLSETS: 'core' } });
  });
  afterAll(async () => {
    await bed.close();
  });

  it('initializes statelessly with the negotiated protocol version and server info', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    expect(client.getServerVersion()).toEqual({ name: 'jira-mcp-gateway', version: '0.1.0' });
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: false });
    expect(client.getInstructions()).toContain('jira_search_issues');
    const transport = client.transport as
      { sessionId?: string; protocolVersion?: string } | undefined;
    expect(transport?.sessionId).toBeUndefined();
    expect(transport?.protocolVersion).toBe('2025-11-25');
  });

  it('lists every tool for a jira:read jira:write token, with truthful annotations and schemas', async () => {
    const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS]);
    for (const tool of tools) {
      const write = WRITE_TOOLS.includes(tool.name);
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(!write);
      expect(tool.annotations?.openWorldHint, tool.name).toBe(true);
      if (!write) expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
      expect(tool.title, tool.name).toEqual(expect.any(String));
      expect(tool.description?.length, tool.name).toBeGreaterThan(80);
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    expect(byName.get('jira_update_issue')).toMatchObject({
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(byName.get('jira_add_comment')).toMatchObject({
      destructiveHint: false,
      idempotentHint: false,
    });
  });

  it('hides write tools from a jira:read token', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
  });

  it('answers tools/list with no tools for a token that carries no Jira scope', async () => {
    const client = await bed.connect((await bed.mint([])).token);
    expect((await client.listTools()).tools).toEqual([]);
  });

  it('retries a Jira 429 and then reports rate limiting as a tool error', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    const before = bed.sandbox.requests.length;
    bed.sandbox.faults.add({
      status: 429,
      times: JIRA_MAX_RETRIES + 1,
      retryAfterSeconds: 1,
      pathPrefix: '/rest/api/3/myself',
    });
    const result = await client.callTool({ name: 'jira_whoami', arguments: {} });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/^Jira error \(rate_limited\): /);
    const attempts = bed.sandbox.requests
      .slice(before)
      .filter((r) => r.path === '/rest/api/3/myself');
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 429]);
    const events = await bed.toolEvents();
    expect(events.at(-1)).toMatchObject({
      outcome: 'failure',
      detail: { tool: 'jira_whoami', error: 'rate_limited' },
    });
  });

  it('recovers when Jira stops rate limiting within the retry budget', async () => {
    const client = await bed.connect((await bed.mint(['jira:read'])).token);
    bed.sandbox.faults.add({ status: 429, times: 1, pathPrefix: '/rest/api/3/myself' });
    const result = await client.callTool({ name: 'jira_whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(
      bed.sandbox.requests
        .filter((r) => r.path === '/rest/api/3/myself')
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });

  it('audits every tool call: who, which app, which tool and issue, outcome — never the arguments', async () => {
    const { token, grantId } = await bed.mint(['jira:read', 'jira:write']);
    const client = await bed.connect(token);
    const already = (await bed.toolEvents()).length;
    const marker = 'private remark 7f3a91';
    await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-3', commentLimit: 0 },
    });
    await client.callTool({
      name: 'jira_add_comment',
      arguments: { issueKey: 'DEMO-6', body: marker },
    });
    await client.callTool({ name: 'jira_get_issue', arguments: { issueKey: 'DEMO-999' } });
    await client.callTool({ name: 'jira_get_issue', arguments: { issueKey: 'not a key' } });
    await expect(
      client.callTool({ name: 'jira_delete_everything', arguments: {} }),
    ).rejects.toThrow(/Tool jira_delete_everything not found/);
    const events = (await bed.toolEvents()).slice(already);
    expect(
      events.map((e) => [
        e.outcome,
        e.detail?.['tool'],
        e.detail?.['issueKey'],
        e.detail?.['error'],
      ]),
    ).toEqual([
      ['success', 'jira_get_issue', 'DEMO-3', null],
      ['success', 'jira_add_comment', 'DEMO-6', null],
      ['failure', 'jira_get_issue', 'DEMO-999', 'not_found'],
      ['failure', 'jira_get_issue', null, 'invalid_arguments'],
      ['failure', 'jira_delete_everything', null, 'unknown_tool'],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        type: 'tool.called',
        userId: bed.principal.userId,
        username: 'alice',
        clientId: bed.principal.clientId,
        grantId,
      });
      expect(typeof event.detail?.['durationMs']).toBe('number');
    }
    expect(JSON.stringify(events)).not.toContain(marker);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('never forwards the client bearer token to Jira', async () => {
    const { token } = await bed.mint(['jira:read', 'jira:write']);
    const client = await bed.connect(token);
    const before = bed.sandbox.requests.length;
    await client.callTool({
      name: 'jira_search_issues',
      arguments: { jql: 'project = DEMO', maxResults: 2 },
    });
    await client.callTool({
      name: 'jira_add_comment',
      arguments: { issueKey: 'DEMO-7', body: 'ping' },
    });
    const requests = bed.sandbox.requests.slice(before);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.headers['authorization']).toBe('Basic [REDACTED]');
      expect(JSON.stringify(request)).not.toContain(token);
      expect(Object.keys(request.headers)).not.toContain('mcp-protocol-version');
    }
  });
});

describe('gateway settings narrow the tool list for everyone', () => {
  it('READ_ONLY hides write tools even from a jira:write token, and a call to one is an unknown tool, not a step-up', async () => {
    const bed = await startMcpTestBed({ env: { READ_ONLY: 'true', TOOLSETS: 'core' } });
    try {
      const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(READ_TOOLS);
      await expect(
        client.callTool({ name: 'jira_add_comment', arguments: { issueKey: 'DEMO-1', body: 'x' } }),
      ).rejects.toThrow(/Tool jira_add_comment not found/);
      expect(bed.sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      const readOnlyToken = await bed.connect((await bed.mint(['jira:read'])).token);
      await expect(
        readOnlyToken.callTool({
          name: 'jira_add_comment',
          arguments: { issueKey: 'DEMO-1', body: 'x' },
        }),
      ).rejects.toThrow(/Tool jira_add_comment not found/);
    } finally {
      await bed.close();
    }
  });

  it('ENABLED_TOOLS keeps only the named tools, still intersected with the token scopes', async () => {
    const bed = await startMcpTestBed({ env: { ENABLED_TOOLS: 'jira_whoami,jira_add_comment' } });
    try {
      const writer = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
      expect((await writer.listTools()).tools.map((t) => t.name)).toEqual([
        'jira_whoami',
        'jira_add_comment',
      ]);
      const reader = await bed.connect((await bed.mint(['jira:read'])).token);
      expect((await reader.listTools()).tools.map((t) => t.name)).toEqual(['jira_whoami']);
    } finally {
      await bed.close();
    }
  });
});
