import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const BOB_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('workflow tools over MCP against the Jira sandbox', () => {
  const { call, issue, createTask, lastBody } = useToolTestBed(['jira:read', 'jira:write']);

  it('jira_transition_issue moves an issue by transition name, status name or id', async () => {
    const key = await createTask('Workflow walk');
    const start = await call('jira_transition_issue', {
      issueKey: key,
      transition: 'start progress',
    });
    expect(start.data).toEqual({
      issueKey: key,
      transitionId: '21',
      transitionName: 'Start Progress',
      toStatus: 'In Progress',
    });
    expect((await issue(key))['status']).toBe('In Progress');
    await call('jira_transition_issue', { issueKey: key, transition: 'Done', comment: 'Shipped' });
    expect(await issue(key)).toMatchObject({ status: 'Done' });
    expect(((await issue(key))['comments'] as Structured[]).map((c) => c['body'])).toEqual([
      'Shipped',
    ]);
    await call('jira_transition_issue', { issueKey: key, transition: '41' });
    expect((await issue(key))['status']).toBe('To Do');
  });

  it('jira_transition_issue names the available transitions when the wanted one is not', async () => {
    const key = await createTask('Still to do');
    const { result, text } = await call('jira_transition_issue', {
      issueKey: key,
      transition: 'Done',
    });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      `${key} has no transition "Done" from its current status. Available: 21 "Start Progress" → In Progress.`,
    );
  });

  it('jira_assign_issue assigns and unassigns', async () => {
    const key = await createTask('Who owns this');
    await call('jira_assign_issue', { issueKey: key, accountId: BOB_ID });
    expect((await issue(key))['assignee']).toEqual({
      accountId: BOB_ID,
      displayName: 'Bob Builder',
    });
    const cleared = await call('jira_assign_issue', { issueKey: key, accountId: null });
    expect(cleared.text).toBe(`${key} is now unassigned.`);
    expect((await issue(key))['assignee']).toBeNull();
  });

  it('jira_add_worklog logs time in Jira units', async () => {
    const key = await createTask('Billable work');
    const { data, text } = await call('jira_add_worklog', {
      issueKey: key,
      timeSpent: '1h 30m',
      started: '2026-01-15T09:00:00Z',
      comment: 'Pairing session',
    });
    expect(data).toMatchObject({
      issueKey: key,
      timeSpentSeconds: 5400,
      started: '2026-01-15T09:00:00.000+0000',
    });
    expect(text).toMatch(new RegExp(`^Logged 1h 30m on ${key} \\(worklog \\d+\\)\\.$`));
    expect(lastBody('POST', `/rest/api/3/issue/${key}/worklog`)).toMatchObject({
      timeSpentSeconds: 5400,
      started: '2026-01-15T09:00:00.000+0000',
      comment: { type: 'doc' },
    });
  });

  it('jira_link_issues links in the direction the sentence reads, by name or by phrase', async () => {
    const blocker = await createTask('Blocker');
    const blocked = await createTask('Blocked');
    const first = await call('jira_link_issues', {
      issueKey: blocker,
      linkType: 'Blocks',
      targetIssueKey: blocked,
    });
    expect(first.data).toEqual({
      issueKey: blocker,
      targetIssueKey: blocked,
      linkType: 'Blocks',
      relation: 'blocks',
    });
    expect((await issue(blocked))['links'] as Structured[]).toEqual([
      {
        key: blocker,
        summary: 'Blocker',
        status: 'To Do',
        relation: 'is blocked by',
        outsideAllowedProjects: false,
      },
    ]);
    const other = await createTask('Duplicate of blocker');
    const second = await call('jira_link_issues', {
      issueKey: other,
      linkType: 'is duplicated by',
      targetIssueKey: blocker,
    });
    expect(second.text).toBe(`Linked: ${other} is duplicated by ${blocker}.`);
    expect((await issue(other))['links'] as Structured[]).toEqual([
      {
        key: blocker,
        summary: 'Blocker',
        status: 'To Do',
        relation: 'is duplicated by',
        outsideAllowedProjects: false,
      },
    ]);
    const unknown = await call('jira_link_issues', {
      issueKey: blocker,
      linkType: 'causes',
      targetIssueKey: blocked,
    });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.text).toContain(
      'Unknown link type "causes". Available: Blocks ("blocks" / "is blocked by")',
    );
  });
});
