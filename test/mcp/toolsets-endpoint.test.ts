/**
 * TOOLSETS through /mcp with the real MCP SDK 1.x client: `tools/list`
 * shows exactly the chosen toolsets' tools, and a tool outside them cannot
 * be called.
 */
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/mcp/tools/catalog.js';
import { TOOLSETS } from '../../src/config/toolsets.js';
import { startMcpTestBed } from './helpers/test-bed.js';

const inSets = (...sets: (keyof typeof TOOLSETS)[]): string[] =>
  ALL_TOOLS.map((t) => t.name).filter((name) => sets.some((set) => TOOLSETS[set].includes(name)));

describe('/mcp tools/list honours TOOLSETS (MCP 2025-11-25 server/tools)', () => {
  it('lists the default toolsets, one chosen toolset, or all of them', async () => {
    for (const [env, expected] of [
      [{}, inSets('core', 'agile', 'history', 'structure')],
      [{ TOOLSETS: 'core' }, inSets('core')],
      [{ TOOLSETS: 'all' }, ALL_TOOLS.map((t) => t.name)],
    ] as const) {
      const bed = await startMcpTestBed({ env });
      try {
        const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(expected);
      } finally {
        await bed.close();
      }
    }
  });

  it('refuses a call to a tool outside the chosen toolsets as an unknown tool, and audits it', async () => {
    const bed = await startMcpTestBed({ env: { TOOLSETS: 'agile' } });
    try {
      const client = await bed.connect((await bed.mint(['jira:read', 'jira:write'])).token);
      await expect(
        client.callTool({ name: 'jira_get_issue', arguments: { issueKey: 'DEMO-1' } }),
      ).rejects.toThrow(/Tool jira_get_issue not found/);
      expect(bed.sandbox.requests).toEqual([]);
      const events = await bed.toolEvents();
      expect(events.map((e) => e.detail)).toEqual([
        expect.objectContaining({ tool: 'jira_get_issue', error: 'unknown_tool' }),
      ]);
    } finally {
      await bed.close();
    }
  });
});
