import { describe, expect, it } from 'vitest';
import { MAX_NESTING, MAX_TABLE_COLUMNS } from '../../../src/jira/adf/limits.js';
import { useToolTestBed } from '../helpers/test-bed.js';

const NESTING_ERROR = `The Markdown nests quotes and lists more than ${MAX_NESTING} levels deep (the limit is ${MAX_NESTING} levels of quotes, list items, links and emphasis); flatten it and try again.`;

describe('Markdown past a conversion bound is a tool error, not an unexpected error (MCP 2025-11-25 server/tools)', () => {
  const { call, bed } = useToolTestBed(['jira:read', 'jira:write']);

  function writes(): number {
    return bed.sandbox.requests.filter((r) => r.method !== 'GET').length;
  }

  it("answers '>' × 32,000 and '1. ' × 10,000 with isError naming the limit, sending nothing to Jira", async () => {
    const before = writes();
    const attempts: [string, Record<string, unknown>][] = [
      ['jira_add_comment', { issueKey: 'DEMO-1', body: '>'.repeat(32_000) }],
      ['jira_add_comment', { issueKey: 'DEMO-1', body: '1. '.repeat(10_000) }],
      ['jira_update_issue', { issueKey: 'DEMO-1', description: '- > '.repeat(8_000) }],
      [
        'jira_create_issue',
        { projectKey: 'DEMO', issueType: 'Task', summary: 'x', description: '>'.repeat(100) },
      ],
      ['jira_add_worklog', { issueKey: 'DEMO-1', timeSpent: '1h', comment: '>'.repeat(100) }],
      [
        'jira_transition_issue',
        { issueKey: 'DEMO-1', transition: 'Done', comment: '>'.repeat(100) },
      ],
      [
        'jira_link_issues',
        {
          issueKey: 'DEMO-1',
          linkType: 'Blocks',
          targetIssueKey: 'DEMO-2',
          comment: '>'.repeat(100),
        },
      ],
    ];
    for (const [name, args] of attempts) {
      const { result, text } = await call(name, args);
      expect(result.isError, name).toBe(true);
      expect(text, name).toBe(NESTING_ERROR);
    }
    expect(writes()).toBe(before);
    const events = await bed.toolEvents();
    expect(events.slice(-attempts.length).map((e) => e.detail?.['error'])).toEqual(
      attempts.map(() => 'invalid_arguments'),
    );
  });

  it('answers a table wider than the limit with isError naming the limit', async () => {
    const cells = MAX_TABLE_COLUMNS + 1;
    const body = `|${' a |'.repeat(cells)}\n|${'---|'.repeat(cells)}`;
    const { result, text } = await call('jira_add_comment', { issueKey: 'DEMO-1', body });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      `The Markdown table has ${cells} columns; the limit is ${MAX_TABLE_COLUMNS}.`,
    );
  });

  it('refuses a body over 32,000 characters at the input schema', async () => {
    const { result, text } = await call('jira_add_comment', {
      issueKey: 'DEMO-1',
      body: 'a'.repeat(32_001),
    });
    expect(result.isError).toBe(true);
    expect(text).toContain('32000');
  });
});
