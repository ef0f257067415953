/**
 * Keeps the tool definitions from silently ballooning: the default
 * toolsets' `tools/list` must stay within the documented budget of model
 * characters (BENCHMARKS.md "Tool definitions"), and `all` within the 40
 * tools some clients accept. A size check, not a timing test.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SET_BUDGET_CHARS,
  listTools,
  MAX_TOOLS,
  measureTools,
  modelChars,
} from '../../bench/lib/tool-definition-size.js';

describe('tools/list size (MCP 2025-11-25 server/tools)', () => {
  it(`keeps the default toolsets within ${DEFAULT_SET_BUDGET_CHARS} model characters`, async () => {
    const { text, tools } = await listTools({});
    const size = measureTools(tools, text.length);
    expect(size.tools).toBeGreaterThanOrEqual(15);
    expect(size.modelChars).toBeLessThanOrEqual(DEFAULT_SET_BUDGET_CHARS);
  });

  it(`offers at most ${MAX_TOOLS} tools with TOOLSETS=all`, async () => {
    const { tools } = await listTools({ TOOLSETS: 'all' });
    expect(tools.length).toBeLessThanOrEqual(MAX_TOOLS);
  });

  it('counts a tool as the compact JSON of its name, description and input schema', () => {
    expect(
      modelChars({ name: 'jira_x', description: 'Does x.', inputSchema: { type: 'object' } }),
    ).toBe('{"name":"jira_x","description":"Does x.","input_schema":{"type":"object"}}'.length);
  });
});
