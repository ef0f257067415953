import { describe, expect, it } from 'vitest';
import { useToolTestBed, type Structured } from '../helpers/test-bed.js';

const ALICE_ID = '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('custom fields over MCP against the Jira sandbox', () => {
  const { call, lastBody } = useToolTestBed(['jira:read', 'jira:write']);

  it('jira_get_issue shows requested custom fields by name, and the parent summary by default', async () => {
    const { result, data, text } = await call('jira_get_issue', {
      issueKey: 'DEMO-8',
      fields: ['story points', 'customfield_10030', 'Reviewer', 'Customer Impact'],
      commentLimit: 0,
    });
    expect(result.isError).toBeFalsy();
    // Customer Impact has no value on DEMO-8: left out, like every null field.
    expect(data['fields']).toEqual([
      { id: 'customfield_10031', name: 'Story Points', text: '2' },
      { id: 'customfield_10030', name: 'Severity', text: 'Major' },
      { id: 'customfield_10032', name: 'Reviewer', text: 'Alice Admin' },
    ]);
    expect(text).toContain('- **Severity** (`customfield_10030`): Major');
    const child = await call('jira_get_issue', { issueKey: 'DEMO-3', commentLimit: 0 });
    expect(child.data['parentSummary']).toBe('Checkout revamp');
    expect(child.text).toContain('**Parent:** DEMO-1 (Checkout revamp)');
    expect(child.data['timeTracking']).toMatchObject({ originalEstimate: '3d' });
    expect(child.data['fields']).toEqual([]);
  });

  it('jira_get_issue with *all lists only fields that have a value', async () => {
    const { data } = await call('jira_get_issue', {
      issueKey: 'OPS-2',
      fields: ['*all'],
      commentLimit: 0,
    });
    const names = (data['fields'] as Structured[]).map((f) => f['name']);
    expect(names).toContain('Severity');
    expect(names).toContain('Customer Impact');
    expect(names).not.toContain('Story Points');
    expect(names).not.toContain('Reviewer');
  });

  it('jira_get_issue names an unknown field', async () => {
    const { result, text } = await call('jira_get_issue', {
      issueKey: 'DEMO-8',
      fields: ['Velocity'],
    });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      'Unknown field(s): "Velocity". jira_list_fields finds a field\'s id and name.',
    );
  });

  it('jira_create_issue shapes custom fields by name from create metadata', async () => {
    const { result, data } = await call('jira_create_issue', {
      projectKey: 'OPS',
      issueType: 'Bug',
      summary: 'Queue backlog on worker-3',
      fields: {
        severity: 'critical',
        'Story Points': '2.5',
        customfield_10032: BOB_ID,
        'Customer Impact': 'Orders confirm late.',
        duedate: '2026-02-15',
      },
    });
    expect(result.isError).toBeFalsy();
    const sent = lastBody('POST', '/rest/api/3/issue') as { fields: Structured };
    expect(sent.fields).toMatchObject({
      customfield_10030: { id: '10100' },
      customfield_10031: 2.5,
      customfield_10032: { accountId: BOB_ID },
      customfield_10033: 'Orders confirm late.',
      duedate: '2026-02-15',
    });
    const { data: read } = await call('jira_get_issue', {
      issueKey: data['key'],
      fields: ['Severity', 'Story Points', 'Reviewer', 'Customer Impact'],
      commentLimit: 0,
    });
    expect(read['fields']).toEqual([
      { id: 'customfield_10030', name: 'Severity', text: 'Critical' },
      { id: 'customfield_10031', name: 'Story Points', text: '2.5' },
      { id: 'customfield_10032', name: 'Reviewer', text: 'Bob Builder' },
      { id: 'customfield_10033', name: 'Customer Impact', text: 'Orders confirm late.' },
    ]);
  });

  it('jira_create_issue refuses values it cannot shape, naming the field and what it expects', async () => {
    const bad = async (fields: Record<string, unknown>): Promise<string> => {
      const { result, text } = await call('jira_create_issue', {
        projectKey: 'DEMO',
        issueType: 'Task',
        summary: 'x',
        fields,
      });
      expect(result.isError).toBe(true);
      return text;
    };
    expect(await bad({ Severity: 'Blocker' })).toBe(
      'Field "Severity" (customfield_10030) has no value "Blocker". Allowed: Critical, Major, Minor, Trivial.',
    );
    expect(await bad({ Reviewer: 'Bob Builder' })).toBe(
      'Field "Reviewer" (customfield_10032) expects a Jira accountId (find it with jira_find_users), not "Bob Builder".',
    );
    expect(await bad({ 'Story Points': 'many' })).toBe(
      'Field "Story Points" (customfield_10031) expects a number, not "many".',
    );
    expect(await bad({ duedate: '31/03/2026' })).toBe(
      'Field "Due date" (duedate) expects a date like "2026-03-31".',
    );
    expect(await bad({ 'Customer Impact': 'x' })).toMatch(
      /^Unknown field "Customer Impact": it is not on the screen for creating a Task in DEMO\. Settable: /,
    );
  });

  it("jira_create_issue without a required custom field gets Jira's error naming it", async () => {
    const { result, text } = await call('jira_create_issue', {
      projectKey: 'OPS',
      issueType: 'Bug',
      summary: 'No impact given',
    });
    expect(result.isError).toBe(true);
    expect(text).toContain('Customer Impact is required.');
  });

  it('jira_update_issue shapes fields from edit metadata and clears with null', async () => {
    const { result, data } = await call('jira_update_issue', {
      issueKey: 'DEMO-6',
      fields: { Severity: 'Minor', 'story points': 5, Reviewer: ALICE_ID },
    });
    expect(result.isError).toBeFalsy();
    expect(data['updatedFields']).toEqual([
      'customfield_10030',
      'customfield_10031',
      'customfield_10032',
    ]);
    await call('jira_update_issue', { issueKey: 'DEMO-6', fields: { Reviewer: null } });
    const { data: read } = await call('jira_get_issue', {
      issueKey: 'DEMO-6',
      fields: ['Severity', 'Story Points', 'Reviewer'],
      commentLimit: 0,
    });
    expect(read['fields']).toEqual([
      { id: 'customfield_10030', name: 'Severity', text: 'Minor' },
      { id: 'customfield_10031', name: 'Story Points', text: '5' },
    ]);
  });

  it('jira_transition_issue sets the resolution by name and adds a comment', async () => {
    await call('jira_transition_issue', { issueKey: 'DEMO-9', transition: 'Start Progress' });
    const { result } = await call('jira_transition_issue', {
      issueKey: 'DEMO-9',
      transition: 'Done',
      fields: { Resolution: "won't do" },
      comment: 'Dropped: **out of scope**.',
    });
    expect(result.isError).toBeFalsy();
    const sent = lastBody('POST', '/rest/api/3/issue/DEMO-9/transitions') as Structured;
    expect(sent['fields']).toEqual({ resolution: { id: '10001' } });
    const { data } = await call('jira_get_issue', { issueKey: 'DEMO-9', commentLimit: 1 });
    expect(data['resolution']).toBe("Won't Do");
    expect(JSON.stringify(data['comments'])).toContain('Dropped: **out of scope**.');
    const wrong = await call('jira_transition_issue', {
      issueKey: 'DEMO-12',
      transition: 'Start Progress',
      fields: { resolution: 'Done' },
    });
    expect(wrong.result.isError).toBe(true);
    expect(wrong.text).toMatch(
      /^Unknown field "resolution": it is not on the screen of the transition "Start Progress"/,
    );
  });

  it('jira_get_create_metadata says which required fields need a value from the caller', async () => {
    const { data, text } = await call('jira_get_create_metadata', {
      projectKey: 'OPS',
      issueType: 'Bug',
    });
    const [bug] = data['issueTypes'] as Structured[];
    const required = (bug?.['requiredFields'] as Structured[]).map((f) => [
      f['fieldId'],
      f['needsValue'],
    ]);
    expect(required).toEqual([
      ['summary', true],
      ['reporter', false],
      ['customfield_10033', true],
    ]);
    expect(text).toContain(
      'required, you must give: Summary (`summary`); Customer Impact (`customfield_10033`)',
    );
    expect(text).toContain('required, filled by Jira when left out: Reporter (`reporter`)');
  });

  it('jira_list_fields finds fields by name, with allowed values for a project and issue type', async () => {
    const plain = await call('jira_list_fields', { query: 'sever' });
    expect(plain.data['fields']).toEqual([
      {
        id: 'customfield_10030',
        name: 'Severity',
        custom: true,
        type: 'option',
        items: null,
        allowedValues: null,
        onCreateScreen: null,
        required: null,
      },
    ]);
    expect(plain.text).toContain('call again with projectKey and issueType');
    const screen = await call('jira_list_fields', {
      customOnly: true,
      projectKey: 'OPS',
      issueType: 'Bug',
    });
    const byId: Record<string, Structured> = Object.fromEntries(
      (screen.data['fields'] as Structured[]).map((f) => [String(f['id']), f]),
    );
    expect(byId['customfield_10030']?.['allowedValues']).toEqual([
      'Critical',
      'Major',
      'Minor',
      'Trivial',
    ]);
    expect(byId['customfield_10033']?.['required']).toBe(true);
    expect(byId['customfield_10020']?.['onCreateScreen']).toBe(false);
    expect(screen.data['note']).toBeNull();
  });
});
