import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const BOB_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('issue write tools over MCP against the Jira sandbox', () => {
  const { call, issue, createTask, lastBody, bed } = useToolTestBed(['jira:read', 'jira:write']);

  it('jira_create_issue creates the issue with a Markdown description stored as ADF', async () => {
    const { result, data, text } = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Bug',
      summary: 'Coupon field accepts expired codes',
      description: '## Steps\n\n1. Apply code `OLD10`\n2. See **discount**',
      priority: 'High',
      labels: ['checkout', 'coupons'],
      assigneeAccountId: BOB_ID,
    });
    expect(result.isError).toBeFalsy();
    const key = data['key'] as string;
    expect(key).toMatch(/^DEMO-\d+$/);
    expect(data['url']).toBe(`${bed.jiraUrl}/browse/${key}`);
    expect(text).toContain(`Created **${key}**: Coupon field accepts expired codes`);
    const sent = lastBody('POST', '/rest/api/3/issue') as { fields: Structured };
    expect(sent.fields['description']).toMatchObject({ version: 1, type: 'doc' });
    expect(await issue(key)).toMatchObject({
      summary: 'Coupon field accepts expired codes',
      issueType: 'Bug',
      priority: 'High',
      labels: ['checkout', 'coupons'],
      assignee: { accountId: BOB_ID, displayName: 'Bob Builder' },
      description: '## Steps\n\n1. Apply code `OLD10`\n2. See **discount**',
    });
  });

  it('jira_create_issue creates a sub-task under its parent', async () => {
    const { data } = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'Write the migration',
      parentKey: 'DEMO-3',
    });
    const parent = await issue('DEMO-3');
    expect((parent['subtasks'] as Structured[]).map((s) => s['key'])).toContain(data['key']);
  });

  it('jira_create_issue reports Jira field errors so the model can fix its input', async () => {
    const { result, text } = await call('jira_create_issue', {
      projectKey: 'DEMO',
      issueType: 'Sub-task',
      summary: 'Orphan sub-task',
    });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Jira error \(invalid_request\): /);
    expect(text).toMatch(/parent/i);
  });

  it('jira_update_issue changes only the given fields', async () => {
    const key = await createTask('Original summary');
    const { data, text } = await call('jira_update_issue', {
      issueKey: key,
      summary: 'Better summary',
      labels: ['renamed'],
    });
    expect(data).toEqual({ issueKey: key, updatedFields: ['summary', 'labels'] });
    expect(text).toBe(`Updated ${key}: summary, labels.`);
    expect(await issue(key)).toMatchObject({
      summary: 'Better summary',
      labels: ['renamed'],
      priority: 'Medium',
    });
    const nothing = await call('jira_update_issue', { issueKey: key });
    expect(nothing.result.isError).toBe(true);
    expect(nothing.text).toBe(
      'Nothing to change: give at least one of summary, description, priority, labels or fields.',
    );
  });

  it('jira_add_comment adds a Markdown comment', async () => {
    const key = await createTask('Needs a comment');
    const { data } = await call('jira_add_comment', {
      issueKey: key,
      body: 'Looks good: see `config.ts`',
    });
    expect(data['issueKey']).toBe(key);
    expect(typeof data['commentId']).toBe('string');
    const comments = (await issue(key))['comments'] as Structured[];
    expect(comments.map((c) => c['body'])).toEqual(['Looks good: see `config.ts`']);
    expect(lastBody('POST', `/rest/api/3/issue/${key}/comment`)).toMatchObject({
      body: { version: 1, type: 'doc' },
    });
  });
});
