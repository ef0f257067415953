import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createSandbox, SANDBOX_API_TOKENS } from '../../src/sandbox/index.js';
import { issueTypeById, statusById } from '../../src/sandbox/catalog.js';
import { seedIfEmpty } from '../../src/sandbox/seed.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { basic, NOW, obj } from './sandbox-fixture.js';

const store = new SandboxStore(':memory:');
seedIfEmpty(store, new ManualClock(NOW));
afterAll(() => {
  store.close();
});

const DAY = 24 * 60 * 60 * 1000;

describe('Sandbox demo data', () => {
  const issues = store.listIssues();
  const demo = issues.filter((issue) => issue.projectKey === 'DEMO');

  it('has 28 DEMO issues and 3 OPS issues', () => {
    expect(demo).toHaveLength(28);
    expect(issues.filter((issue) => issue.projectKey === 'OPS')).toHaveLength(3);
  });

  it('covers every issue type, status, priority, and assignee state in DEMO', () => {
    expect(new Set(demo.map((i) => issueTypeById(i.issueTypeId).name))).toEqual(
      new Set(['Epic', 'Task', 'Bug', 'Story', 'Sub-task']),
    );
    expect(new Set(demo.map((i) => statusById(i.statusId).category.key))).toEqual(
      new Set(['new', 'indeterminate', 'done']),
    );
    expect(new Set(demo.map((i) => i.priorityId))).toEqual(new Set(['1', '2', '3', '4', '5']));
    expect(new Set(demo.map((i) => i.assigneeId === null))).toEqual(new Set([true, false]));
  });

  it('keeps the hierarchy: sub-tasks under standard issues, epics on top', () => {
    for (const issue of issues) {
      const type = issueTypeById(issue.issueTypeId);
      const parent = issue.parentId === null ? undefined : store.getIssueById(issue.parentId);
      if (type.subtask) expect(parent).toBeDefined();
      if (parent !== undefined) {
        expect(issueTypeById(parent.issueTypeId).hierarchyLevel).toBe(type.hierarchyLevel + 1);
      }
    }
  });

  it('spreads created and updated over the last 60 days, updated never before created', () => {
    for (const issue of issues) {
      expect(issue.created).toBeGreaterThanOrEqual(NOW - 60 * DAY);
      expect(issue.updated).toBeGreaterThanOrEqual(issue.created);
      expect(issue.updated).toBeLessThanOrEqual(NOW);
      expect(issue.resolutionDate !== null).toBe(statusById(issue.statusId).name === 'Done');
    }
  });

  it('uses every ADF node clients must handle, and has comments and all three link types', () => {
    const adf = JSON.stringify([
      ...issues.map((i) => i.description),
      ...store.listAllComments().map((c) => c.body),
    ]);
    for (const node of [
      'heading',
      'bulletList',
      'orderedList',
      'codeBlock',
      'table',
      'mention',
      'link',
      'code',
    ]) {
      expect(adf).toContain(`"type":"${node}"`);
    }
    expect(new Set(store.listAllComments().map((c) => c.issueId)).size).toBeGreaterThanOrEqual(5);
    const linkTypes = new Set(issues.flatMap((i) => store.listLinks(i.id).map((l) => l.typeId)));
    expect(linkTypes).toEqual(new Set(['10000', '10002', '10003']));
  });

  it('does not seed a second time', () => {
    seedIfEmpty(store, new ManualClock(NOW + DAY));
    expect(store.listIssues()).toHaveLength(31);
  });
});

describe('createSandbox', () => {
  it('exposes the two users with their tokens and uses baseUrl in self links', async () => {
    const sandbox = createSandbox({
      dbPath: ':memory:',
      clock: new ManualClock(NOW),
      baseUrl: 'https://jira.example.test/',
    });
    try {
      expect(sandbox.users.map((u) => [u.emailAddress, u.apiToken])).toEqual([
        ['alice@example.com', SANDBOX_API_TOKENS.alice],
        ['bob@example.com', SANDBOX_API_TOKENS.bob],
      ]);
      const res = await sandbox.app.request('/rest/api/3/project/DEMO', {
        headers: { authorization: basic('alice') },
      });
      expect(res.status).toBe(200);
      expect(obj(await res.json())['self']).toBe(
        'https://jira.example.test/rest/api/3/project/10000',
      );
    } finally {
      sandbox.close();
    }
  });
});
