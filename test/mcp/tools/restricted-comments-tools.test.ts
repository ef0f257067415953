/**
 * Restricted comments through /mcp with the real MCP SDK client against the
 * sandbox: a comment restricted to a role or group, and a Service
 * Management internal note (`jsdPublic: false`), are marked in Markdown and
 * in structured output; jira_add_comment restricts a new comment.
 */
import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

describe('restricted comments over MCP (jira_list_comments, jira_get_issue, jira_add_comment)', () => {
  const { call, lastBody } = useToolTestBed(['jira:read', 'jira:write']);

  it('jira_list_comments marks the seeded comment restricted to role Administrators', async () => {
    const { result, text, data } = await call('jira_list_comments', { issueKey: 'DEMO-28' });
    expect(result.isError).toBeFalsy();
    const comments = data['comments'] as Structured[];
    const restricted = comments.filter((c) => c['restrictedTo'] !== null);
    expect(restricted).toHaveLength(1);
    expect(restricted[0]).toMatchObject({
      restrictedTo: { type: 'role', name: 'Administrators' },
      internal: false,
    });
    expect(text).toContain(
      `comment ${String(restricted[0]?.['id'])} · 🔒 Restricted to role Administrators\n> Audit note`,
    );
    // The public comments carry no mark.
    expect(comments.filter((c) => c['restrictedTo'] === null).length).toBe(comments.length - 1);
  });

  it('jira_get_issue marks the internal note on OPS-2 (jsdPublic false) in text and structure', async () => {
    const { result, text, data } = await call('jira_get_issue', {
      issueKey: 'OPS-2',
      commentLimit: 5,
    });
    expect(result.isError).toBeFalsy();
    const comments = data['comments'] as Structured[];
    expect(comments.map((c) => [c['internal'], c['restrictedTo']])).toEqual([
      [false, null],
      [true, null],
    ]);
    expect(text).toMatch(
      /comment \d+ · 🔒 Internal note \(not shown to customers\)\n> Internal note/,
    );
  });

  it('jira_add_comment restricts a new comment to a role, and Jira reports it back', async () => {
    const { result, text, data } = await call('jira_add_comment', {
      issueKey: 'DEMO-3',
      body: 'Only for admins.',
      visibility: { type: 'role', value: 'Administrators' },
    });
    expect(result.isError).toBeFalsy();
    expect(lastBody('POST', '/rest/api/3/issue/DEMO-3/comment')).toMatchObject({
      visibility: { type: 'role', value: 'Administrators' },
    });
    expect(data['restrictedTo']).toEqual({ type: 'role', name: 'Administrators' });
    expect(text).toBe(
      `Added comment ${String(data['commentId'])} to DEMO-3 (🔒 Restricted to role Administrators).`,
    );
    const listed = await call('jira_list_comments', { issueKey: 'DEMO-3', order: 'newest_first' });
    expect((listed.data['comments'] as Structured[])[0]).toMatchObject({
      id: data['commentId'],
      restrictedTo: { type: 'role', name: 'Administrators' },
    });
  });

  it('jira_add_comment restricts a new comment to a group by name', async () => {
    const { result, data } = await call('jira_add_comment', {
      issueKey: 'DEMO-3',
      body: 'For developers.',
      visibility: { type: 'group', value: 'jira-software-users' },
    });
    expect(result.isError).toBeFalsy();
    expect(data['restrictedTo']).toEqual({ type: 'group', name: 'jira-software-users' });
  });

  it('jira_add_comment reports Jira’s 400 for a role that does not exist, naming commentLevel', async () => {
    const { result, text } = await call('jira_add_comment', {
      issueKey: 'DEMO-3',
      body: 'Nobody.',
      visibility: { type: 'role', value: 'Auditors' },
    });
    expect(result.isError).toBe(true);
    expect(text).toContain('HTTP 400');
    expect(text).toContain('commentLevel: Role with id: Auditors does not exist.');
  });

  it('jira_add_comment refuses a visibility of another type before calling Jira', async () => {
    const { result, text } = await call('jira_add_comment', {
      issueKey: 'DEMO-3',
      body: 'x',
      visibility: { type: 'user', value: 'alice' },
    });
    expect(result.isError).toBe(true);
    expect(text).toContain('visibility');
  });
});
