import { describe, expect, it } from 'vitest';
import { redactForeignIssues } from '../../../src/mcp/tools/foreign-issue-filter.js';

const allowsDemo = (project: string): boolean => project === 'DEMO';

const ops = (key: string, summary: string) => ({
  id: '99',
  key,
  self: 'https://jira.test/rest/api/3/issue/99',
  fields: { summary, status: { name: 'In Progress' }, priority: { name: 'High' } },
});

describe('redactForeignIssues (the JIRA_PROJECTS filter for every issue representation)', () => {
  it('cuts every issue outside the allowed projects down to its key, wherever it sits', () => {
    const fields = {
      summary: 'Allowed issue',
      parent: ops('OPS-1', 'parent secret'),
      subtasks: [ops('OPS-2', 'subtask secret'), { key: 'DEMO-3', fields: { summary: 'ok' } }],
      issuelinks: [
        { id: '1', type: { name: 'Blocks' }, outwardIssue: ops('OPS-3', 'link secret') },
      ],
      customfield_10014: ops('OPS-4', 'epic secret'),
      customfield_10100: { nested: [{ deeper: ops('OPS-5', 'deep secret') }] },
    };
    expect(redactForeignIssues(fields, allowsDemo)).toEqual({
      summary: 'Allowed issue',
      parent: { key: 'OPS-1', outsideAllowedProjects: true },
      subtasks: [
        { key: 'OPS-2', outsideAllowedProjects: true },
        { key: 'DEMO-3', fields: { summary: 'ok' } },
      ],
      issuelinks: [
        {
          id: '1',
          type: { name: 'Blocks' },
          outwardIssue: { key: 'OPS-3', outsideAllowedProjects: true },
        },
      ],
      customfield_10014: { key: 'OPS-4', outsideAllowedProjects: true },
      customfield_10100: { nested: [{ deeper: { key: 'OPS-5', outsideAllowedProjects: true } }] },
    });
  });

  it('refuses a moved issue by its fields.project, and a keyless issue by its API address', () => {
    const moved = { key: 'DEMO-5', fields: { summary: 'moved secret', project: { key: 'OPS' } } };
    const keyless = {
      self: 'https://jira.test/rest/api/3/issue/10042',
      fields: { summary: 'keyless secret', project: { key: 'OPS' } },
    };
    const unknownProject = { self: 'https://jira.test/rest/api/3/issue/7', fields: {} };
    expect(redactForeignIssues([moved, keyless, unknownProject], allowsDemo)).toEqual([
      { key: 'DEMO-5', outsideAllowedProjects: true },
      { outsideAllowedProjects: true },
      { outsideAllowedProjects: true },
    ]);
  });

  it('leaves what is not an issue alone (projects, users, statuses) and does not mutate its input', () => {
    const value = {
      project: { key: 'OPS', name: 'Operations' },
      status: { name: 'Done', statusCategory: { key: 'done' } },
      assignee: { accountId: 'a-1', displayName: 'Alice' },
      epicLink: 'OPS-9',
    };
    const before = structuredClone(value);
    expect(redactForeignIssues(value, allowsDemo)).toEqual(value);
    const withIssue = { parent: ops('OPS-1', 'x') };
    redactForeignIssues(withIssue, allowsDemo);
    expect(value).toEqual(before);
    expect(withIssue.parent.fields.summary).toBe('x');
  });

  it('keeps a `__proto__` key from Jira as data and survives 100,000 levels of nesting', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<
      string,
      unknown
    >;
    const copy = redactForeignIssues(parsed, allowsDemo);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    let deep: unknown = ops('OPS-1', 'deep secret');
    for (let i = 0; i < 100_000; i++) deep = { inner: deep };
    let walked = redactForeignIssues(deep, allowsDemo);
    for (let i = 0; i < 100_000; i++) walked = (walked as { inner: unknown }).inner;
    expect(walked).toEqual({ key: 'OPS-1', outsideAllowedProjects: true });
  });
});
