/**
 * jira_get_issue's reading of Atlassian's own issue example
 * (atlassian-doc/issue-ED-1.json, served by a real HTTP stub): its links
 * carry a status but no summary, and its `updated` is a number. Without an
 * allow-list the links must not read "(outside the allowed projects)"; with
 * one that hides them they must; the odd field is named, the rest kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confineJira } from '../../../src/mcp/tools/confined-jira.js';
import { issueDetailMarkdown, readIssueDetail } from '../../../src/mcp/tools/issue-detail.js';
import { createProjectAllowList } from '../../../src/mcp/tools/project-allow-list.js';
import type { ToolContext } from '../../../src/mcp/tools/tool-definition.js';
import { clientFor } from '../../jira/helpers/client-setup.js';
import { startStubServer, type StubServer } from '../../jira/helpers/stub-server.js';

const ED_1 = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, '../../fixtures/real-responses/atlassian-doc/issue-ED-1.json'),
    'utf8',
  ),
) as unknown;

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
  stub.handle((request) =>
    request.url.includes('/comment')
      ? { status: 200, body: { comments: [], startAt: 0, maxResults: 5, total: 0 } }
      : { status: 200, body: ED_1 },
  );
});
afterAll(async () => {
  await stub.close();
});

function context(projects: string[]): ToolContext {
  const allowList = createProjectAllowList(projects);
  return {
    jira: confineJira(clientFor(stub.url).client, allowList),
    projects: allowList,
    caller: { userId: 'u1', username: 'alice', clientId: 'c1', scopes: ['jira:read'] },
    readOnly: false,
  };
}

describe('jira_get_issue detail: link wording and unreadable fields (issue-ED-1 sample)', () => {
  it('without an allow-list, a link without a summary says Jira sent none', async () => {
    const detail = await readIssueDetail(context([]), 'ED-1', 5);
    expect(detail.links).toEqual([
      {
        key: 'PR-2',
        summary: null,
        status: 'Open',
        outsideAllowedProjects: false,
        relation: 'is depended by',
      },
      {
        key: 'PR-3',
        summary: null,
        status: 'Open',
        outsideAllowedProjects: false,
        relation: 'depends on',
      },
    ]);
    const markdown = issueDetailMarkdown(detail);
    expect(markdown).toContain('- is depended by **PR-2** (no summary in Jira’s answer) · Open');
    expect(markdown).not.toContain('outside the allowed projects');
    expect(detail.unreadableFields).toEqual(['updated']);
    expect(markdown).toContain(
      '**Unreadable:** field `updated` unreadable (left out; the rest is intact)',
    );
    expect(detail.project).toBe('EX');
  });

  it('with an allow-list (ED, EX: the sample lives in EX) that hides PR, the links say so and show no status', async () => {
    const detail = await readIssueDetail(context(['ED', 'EX']), 'ED-1', 5);
    expect(detail.links.map((l) => [l.key, l.outsideAllowedProjects, l.status])).toEqual([
      ['PR-2', true, null],
      ['PR-3', true, null],
    ]);
    expect(issueDetailMarkdown(detail)).toContain(
      '- is depended by **PR-2** (outside the allowed projects)\n',
    );
  });
});
