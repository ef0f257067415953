import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const ALICE = {
  accountId: '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  displayName: 'Alice Admin',
};
const BOB = {
  accountId: '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  displayName: 'Bob Builder',
};

describe('issue read tools over MCP against the Jira sandbox', () => {
  const { call, bed } = useToolTestBed(['jira:read']);

  describe('jira_search_issues', () => {
    it('runs the JQL and pages with nextPageToken until the last page', async () => {
      const jql = 'project = DEMO AND issuetype = Bug ORDER BY key ASC';
      const keys = (data: Structured) => (data['issues'] as { key: string }[]).map((i) => i.key);

      const first = await call('jira_search_issues', { jql, maxResults: 3 });
      expect(first.result.isError).toBeFalsy();
      expect(keys(first.data)).toEqual(['DEMO-6', 'DEMO-8', 'DEMO-11']);
      expect(first.data['isLast']).toBe(false);
      const token = first.data['nextPageToken'] as string;
      expect(token).toEqual(expect.any(String));
      expect(first.text).toContain(`nextPageToken "${token}"`);
      expect(first.text).toContain(
        '- **DEMO-6** Checkout button unresponsive on Safari 17 — Bug · To Do · Highest · Bob Builder',
      );

      const second = await call('jira_search_issues', { jql, maxResults: 3, nextPageToken: token });
      expect(keys(second.data)).toEqual(['DEMO-15', 'DEMO-18', 'DEMO-21']);
      const third = await call('jira_search_issues', {
        jql,
        maxResults: 3,
        nextPageToken: second.data['nextPageToken'],
      });
      expect(keys(third.data)).toEqual(['DEMO-22', 'DEMO-27']);
      expect(third.data['nextPageToken']).toBeNull();
      expect(third.data['isLast']).toBe(true);
      expect(third.text).not.toContain('nextPageToken');
    });

    it('returns the default field set, plus requested fields with ADF turned into Markdown', async () => {
      const { data } = await call('jira_search_issues', {
        jql: 'key = DEMO-10',
        fields: ['duedate', 'description'],
      });
      const issues = data['issues'] as Structured[];
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({
        key: 'DEMO-10',
        summary: 'Write runbook for payment provider outage',
        project: 'DEMO',
        issueType: 'Task',
        status: 'To Do',
        priority: 'Low',
        parent: 'DEMO-2',
      });
      const fields = issues[0]?.['fields'] as Structured;
      expect(fields['duedate']).toBe('2026-03-31');
      expect(typeof fields['description']).toBe('string');
      expect(fields['description']).not.toContain('"type"');
    });

    it('reports invalid JQL as a tool error the model can fix, not a protocol error', async () => {
      const { result, text } = await call('jira_search_issues', { jql: 'project = DEMO AND' });
      expect(result.isError).toBe(true);
      expect(text).toMatch(/^Jira error \(invalid_request\): .*Error in the JQL Query/);
    });
  });

  describe('jira_get_issue', () => {
    it('returns the issue with description, sub-tasks, links and newest comments', async () => {
      const { result, text, data } = await call('jira_get_issue', { issueKey: 'demo-3' });
      expect(result.isError).toBeFalsy();
      expect(data).toMatchObject({
        key: 'DEMO-3',
        summary: 'As a shopper I can pay with a saved card',
        issueType: 'Story',
        status: 'In Progress',
        priority: 'High',
        assignee: ALICE,
        reporter: ALICE,
        parent: 'DEMO-1',
        labels: ['checkout', 'payments'],
        subtasks: [
          { key: 'DEMO-4', summary: 'Add card vault API client', status: 'Done' },
          {
            key: 'DEMO-5',
            summary: 'Render saved cards in the checkout form',
            status: 'In Progress',
          },
        ],
        links: [
          {
            key: 'DEMO-16',
            summary: 'Rotate payment provider API keys',
            status: 'Done',
            relation: 'is blocked by',
          },
        ],
        commentTotal: 2,
        descriptionTrimmed: false,
      });
      expect(data['description']).toContain('pay with a **saved card**');
      expect(data['description']).toContain('| Visa | yes |');
      const comments = data['comments'] as Structured[];
      expect(comments.map((c) => c['body'])).toEqual([
        'Vault API docs are in the payments wiki.',
        'Design review done; starting the UI part.',
      ]);
      expect(comments[0]?.['author']).toEqual(BOB);
      expect(text.split('\n')[0]).toBe('# DEMO-3: As a shopper I can pay with a saved card');
      expect(text).toContain('- is blocked by **DEMO-16** Rotate payment provider API keys · Done');
    });

    it('limits comments to the newest ones and says how to get the rest', async () => {
      const { data, text } = await call('jira_get_issue', { issueKey: 'DEMO-3', commentLimit: 1 });
      expect((data['comments'] as Structured[]).map((c) => c['body'])).toEqual([
        'Design review done; starting the UI part.',
      ]);
      expect(text).toContain('(1 newest of 2; use jira_list_comments for the rest.)');
    });

    it('turns a missing issue into an actionable tool error', async () => {
      const { result, text } = await call('jira_get_issue', { issueKey: 'DEMO-999' });
      expect(result.isError).toBe(true);
      expect(text).toBe(
        'Jira error (not_found): Issue DEMO-999 does not exist or you cannot see it.',
      );
    });

    it('refuses a malformed key before calling Jira', async () => {
      const before = bed.sandbox.requests.length;
      const { result, text } = await call('jira_get_issue', { issueKey: '../myself' });
      expect(result.isError).toBe(true);
      expect(text).toContain('must be an issue key such as DEMO-123');
      expect(bed.sandbox.requests.length).toBe(before);
    });
  });

  describe('jira_list_comments', () => {
    it('pages through comments oldest first by default', async () => {
      const first = await call('jira_list_comments', { issueKey: 'DEMO-3', maxResults: 1 });
      expect(first.data).toMatchObject({
        issueKey: 'DEMO-3',
        startAt: 0,
        total: 2,
        nextStartAt: 1,
      });
      expect((first.data['comments'] as Structured[])[0]).toMatchObject({
        id: '10000',
        author: BOB,
        body: 'Vault API docs are in the payments wiki.',
      });
      expect(first.text).toContain('More comments: call again with startAt=1.');
      const second = await call('jira_list_comments', {
        issueKey: 'DEMO-3',
        maxResults: 1,
        startAt: 1,
      });
      expect((second.data['comments'] as Structured[])[0]?.['body']).toBe(
        'Design review done; starting the UI part.',
      );
      expect(second.data['nextStartAt']).toBeNull();
    });

    it('lists newest first on request', async () => {
      const { data } = await call('jira_list_comments', {
        issueKey: 'DEMO-3',
        order: 'newest_first',
      });
      expect((data['comments'] as Structured[]).map((c) => c['id'])).toEqual(['10001', '10000']);
    });
  });

  describe('jira_get_transitions', () => {
    it('lists the workflow transitions available from the current status', async () => {
      expect((await call('jira_get_transitions', { issueKey: 'DEMO-6' })).data).toEqual({
        issueKey: 'DEMO-6',
        transitions: [
          {
            id: '21',
            name: 'Start Progress',
            toStatus: 'In Progress',
            toStatusCategory: 'In Progress',
          },
        ],
      });
      const inProgress = await call('jira_get_transitions', { issueKey: 'DEMO-3' });
      expect(
        (inProgress.data['transitions'] as Structured[]).map((t) => [
          t['id'],
          t['name'],
          t['toStatus'],
        ]),
      ).toEqual([
        ['11', 'Stop Progress', 'To Do'],
        ['31', 'Done', 'Done'],
      ]);
      expect(inProgress.text).toContain('- id 31: **Done** → Done');
    });
  });
});
