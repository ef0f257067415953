/**
 * Every JSON body the client sends, checked against Atlassian's OpenAPI
 * description of Jira Cloud REST v3 (test/fixtures/jira-platform-rest-v3.openapi.json).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markdownToAdf } from '../../src/jira/adf/index.js';
import { validateRequestBody } from '../helpers/openapi-validator.js';
import { clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

let stub: StubServer;

beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

const DOC = markdownToAdf('A *rich* **body**\n\n- with a list\n\n| a | b |\n| - | - |\n| 1 | 2 |');

/** The last request, validated against its operation's request schema. */
function validateLast(): { operation: string; errors: string[] } {
  const request = stub.requests.at(-1);
  if (request === undefined) throw new Error('no request');
  const path = request.url.split('?')[0] ?? request.url;
  const result = validateRequestBody(request.method, path, JSON.parse(request.body));
  return { operation: `${request.method} ${path}`, errors: result.errors };
}

describe('Client request bodies conform to the Jira OpenAPI description', () => {
  it.each<[string, (c: ReturnType<typeof clientFor>['client']) => Promise<unknown>, unknown]>([
    [
      'searchIssues → SearchAndReconcileRequestBean',
      (c) => c.searchIssues({ jql: 'project = DEMO', maxResults: 5, nextPageToken: 't' }),
      { issues: [] },
    ],
    [
      'createIssue → IssueUpdateDetails',
      (c) =>
        c.createIssue({
          projectKey: 'DEMO',
          issueType: 'Bug',
          summary: 'S',
          description: DOC,
          priority: 'High',
          labels: ['a'],
          assigneeAccountId: 'acc-1',
          parentKey: 'DEMO-1',
          extraFields: { customfield_10010: 3 },
        }),
      { id: '1', key: 'DEMO-2' },
    ],
    [
      'updateIssue → IssueUpdateDetails',
      (c) => c.updateIssue('DEMO-1', { summary: 'S', description: DOC, priority: '3', labels: [] }),
      undefined,
    ],
    ['addComment → Comment', (c) => c.addComment('DEMO-1', DOC), { id: '1' }],
    [
      'transitionIssue → IssueUpdateDetails',
      (c) =>
        c.transitionIssue('DEMO-1', '31', {
          fields: { resolution: { name: 'Done' } },
          comment: DOC,
        }),
      undefined,
    ],
    ['assignIssue → User', (c) => c.assignIssue('DEMO-1', 'acc-1'), undefined],
    [
      'addWorklog → Worklog',
      (c) => c.addWorklog('DEMO-1', { timeSpentSeconds: 60, started: new Date(0), comment: DOC }),
      { id: '1' },
    ],
    [
      'linkIssues → LinkIssueRequestJsonBean',
      (c) =>
        c.linkIssues({ type: 'Blocks', inwardKey: 'DEMO-1', outwardKey: 'DEMO-2', comment: DOC }),
      undefined,
    ],
  ])('%s', async (_name, call, answer) => {
    stub.handle(() => (answer === undefined ? { status: 204 } : { status: 200, body: answer }));
    await call(clientFor(stub.url).client);
    const { errors } = validateLast();
    expect(errors).toEqual([]);
  });

  it('documents the one deviation: unassigning sends accountId null, which Jira specifies in prose only', async () => {
    stub.handle(() => ({ status: 204 }));
    await clientFor(stub.url).client.assignIssue('DEMO-1', null);
    // assignIssue's description: "If accountId is set to null, the issue is set to unassigned",
    // while the User schema types accountId as a plain string.
    expect(validateLast()).toEqual({
      operation: 'PUT /rest/api/3/issue/DEMO-1/assignee',
      errors: ['/accountId must be string'],
    });
  });
});
