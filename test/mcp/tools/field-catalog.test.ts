import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JiraFieldMeta } from '../../../src/jira/schemas.js';
import { FieldCatalog, fieldIndexFor } from '../../../src/mcp/tools/field-catalog.js';
import type { JiraApi } from '../../../src/mcp/tools/confined-jira.js';
import { metaById, shapeFields } from '../../../src/mcp/tools/field-values.js';
import { readIssueExtras } from '../../../src/mcp/tools/issue-detail-extras.js';
import { ToolUsageError } from '../../../src/mcp/tools/tool-definition.js';

const REAL = 'test/fixtures/real-responses/real';
const real = (file: string): unknown => JSON.parse(readFileSync(`${REAL}/${file}`, 'utf8'));

/** A Jira stand-in for one site that counts GET /field calls (the catalog only needs these two methods). */
function site(url: string, names: string[]): { jira: JiraApi; calls: () => number } {
  let calls = 0;
  const jira = {
    siteKey: () => Promise.resolve(url),
    listFields: () => {
      calls++;
      return Promise.resolve(names.map((name, i) => ({ id: `customfield_${10000 + i}`, name })));
    },
  } as unknown as JiraApi;
  return { jira, calls: () => calls };
}

describe('FieldCatalog (GET /rest/api/3/field cache)', () => {
  it('keeps one list per site until the TTL passes', async () => {
    let now = 0;
    const catalog = new FieldCatalog({ ttlMs: 1_000, maxSites: 10, now: () => now });
    const a = site('https://a.atlassian.net', ['Severity']);
    const b = site('https://b.atlassian.net', ['Severity', 'Team']);
    expect((await catalog.indexFor(a.jira)).find('severity').map((f) => f.id)).toEqual([
      'customfield_10000',
    ]);
    await catalog.indexFor(a.jira);
    // Another site never gets site a's list.
    expect((await catalog.indexFor(b.jira)).find('team').map((f) => f.id)).toEqual([
      'customfield_10001',
    ]);
    expect((await catalog.indexFor(a.jira)).find('team')).toEqual([]);
    expect([a.calls(), b.calls()]).toEqual([1, 1]);
    now = 1_000;
    await catalog.indexFor(a.jira);
    expect(a.calls()).toBe(2);
  });

  it('keeps one list per person when each person acts as themselves, and one for the shared account', async () => {
    const catalog = new FieldCatalog({ now: () => 0 });
    const s = site('https://d.atlassian.net', ['Severity']);
    const as = (mode: string, accountId?: string) => ({
      jira: s.jira,
      fieldCatalog: catalog,
      jiraAccount: { mode, actor: accountId === undefined ? undefined : { accountId } },
    });
    await fieldIndexFor(as('atlassian-oauth', 'alice'));
    await fieldIndexFor(as('atlassian-oauth', 'alice'));
    expect(s.calls()).toBe(1);
    // Bob's Jira may list fields of projects Alice cannot see, and the reverse.
    await fieldIndexFor(as('atlassian-oauth', 'bob'));
    expect(s.calls()).toBe(2);
    // The shared account is one view for everybody.
    await fieldIndexFor(as('service'));
    await fieldIndexFor({ jira: s.jira, fieldCatalog: catalog });
    expect(s.calls()).toBe(3);
    // A person-mode call without a known account is never cached.
    await fieldIndexFor(as('personal-token'));
    await fieldIndexFor(as('personal-token'));
    expect(s.calls()).toBe(5);
    expect(catalog.size).toBe(3);
  });

  it('holds at most maxSites sites, dropping the least recently used', async () => {
    const catalog = new FieldCatalog({ ttlMs: 60_000, maxSites: 2, now: () => 0 });
    const sites = [1, 2, 3].map((n) => site(`https://s${n}.atlassian.net`, ['X']));
    for (const s of sites) await catalog.indexFor(s.jira);
    expect(catalog.size).toBe(2);
    await catalog.indexFor(sites[0]?.jira as JiraApi);
    expect(sites[0]?.calls()).toBe(2);
  });

  it('shares one request between concurrent calls and does not cache a failure', async () => {
    const catalog = new FieldCatalog({ now: () => 0 });
    const s = site('https://c.atlassian.net', ['X']);
    await Promise.all([catalog.indexFor(s.jira), catalog.indexFor(s.jira)]);
    expect(s.calls()).toBe(1);
    let fail = true;
    const flaky = {
      siteKey: () => Promise.resolve('https://d.atlassian.net'),
      listFields: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve([])),
    } as unknown as JiraApi;
    await expect(catalog.indexFor(flaky)).rejects.toThrow('boom');
    fail = false;
    expect((await catalog.indexFor(flaky)).fields).toEqual([]);
  });
});

describe('shapeFields against real create metadata (mantis ECS Bug)', () => {
  const page = real('mantis-createmeta-bug.json') as { fields: JiraFieldMeta[] };
  const meta = metaById(page.fields);

  it('shapes an array-of-options field, a user, labels and a parent by name', () => {
    const flagged = page.fields.find((f) => f.name === 'Flagged');
    const option = (flagged?.allowedValues?.[0] ?? {}) as { id: string; value: string };
    expect(
      shapeFields(
        {
          flagged: option.value,
          Assignee: '712020:eb340154-415a-43a7-83a4-ad8e14c1e6d1',
          labels: ['a', 'b'],
          parent: 'ecs-1',
          Description: '**bold**',
        },
        meta,
        'for creating a Bug in ECS',
      ),
    ).toEqual({
      customfield_10021: [{ id: option.id }],
      assignee: { accountId: '712020:eb340154-415a-43a7-83a4-ad8e14c1e6d1' },
      labels: ['a', 'b'],
      parent: { key: 'ECS-1' },
      description: {
        version: 1,
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'bold', marks: [{ type: 'strong' }] }],
          },
        ],
      },
    });
  });

  it('refuses an ambiguous name, listing the ids', () => {
    const twice = metaById([
      { fieldId: 'customfield_1', name: 'Team', required: false, schema: { type: 'string' } },
      { fieldId: 'customfield_2', name: 'team', required: false, schema: { type: 'string' } },
    ]);
    expect(() => shapeFields({ TEAM: 'x' }, twice, 'for editing X-1')).toThrow(
      new ToolUsageError(
        'invalid_arguments',
        'Field name "TEAM" is ambiguous for editing X-1: use one of the ids customfield_1, customfield_2.',
      ),
    );
  });
});

describe('readIssueExtras against a real issue (Epic-Tree SCRUM-4)', () => {
  it('keeps the parent summary and leaves out ~30 null custom fields', () => {
    const issue = real('epic-tree-SCRUM-4.issue.json') as { fields: Record<string, unknown> };
    const extras = readIssueExtras(issue.fields, '*all', undefined, ['summary', 'status']);
    expect(extras.parentSummary).not.toBeNull();
    expect(extras.components).toEqual([]);
    const ids = extras.fields.map((f) => f.id);
    for (const [id, value] of Object.entries(issue.fields)) {
      if (value === null) expect(ids).not.toContain(id);
    }
    expect(ids).toContain('customfield_10019');
  });
});
