/**
 * The client against the Jira-compatible sandbox over real HTTP: every
 * method once, plus the failure paths the sandbox can produce.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfToMarkdown, markdownToAdf } from '../../src/jira/adf/index.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JiraError } from '../../src/jira/errors.js';
import {
  SANDBOX_API_TOKENS,
  SANDBOX_USERS,
  startSandboxServer,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { caught } from './helpers/client-setup.js';

let dir: string;
let peer: { url: string; sandbox: Sandbox; close(): Promise<void> };
let client: JiraClient;
const sleeps: number[] = [];

const ALICE = SANDBOX_USERS.find((u) => u.emailAddress === 'alice@example.com');
const BOB = SANDBOX_USERS.find((u) => u.emailAddress === 'bob@example.com');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jira-client-sandbox-'));
  peer = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db') });
  client = new JiraClient({
    credentials: staticCredentialsProvider({
      baseUrl: peer.url,
      email: 'alice@example.com',
      apiToken: SANDBOX_API_TOKENS.alice,
    }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await peer.close();
  await rm(dir, { recursive: true, force: true });
});

const DESCRIPTION = [
  '## Steps',
  '',
  '1. Open the **login** page',
  '2. Type `admin` and a *wrong* password',
  '',
  '> It should say so.',
  '',
  '| Browser | Result |',
  '| --- | --- |',
  '| Firefox | ~~ok~~ broken |',
  '',
  'See [the runbook](https://example.com/runbook).',
].join('\n');

describe('JiraClient against the sandbox (Jira Cloud REST v3)', () => {
  it('authenticates with Basic auth and reads the account', async () => {
    const me = await client.getMyself();
    expect(me.accountId).toBe(ALICE?.accountId);
    expect(me.displayName).toBe('Alice Admin');
    const last = peer.sandbox.requests.at(-1);
    expect(last?.headers['authorization']).toBe('Basic [REDACTED]');
    expect(last?.headers['user-agent']).toBe('jira-mcp-gateway/0.1.0');
  });

  it('finds projects, issue types and create fields', async () => {
    const page = await client.searchProjects({ keys: ['DEMO', 'OPS'] });
    expect(page.values.map((p) => p.key).sort()).toEqual(['DEMO', 'OPS']);
    const types = await client.getCreateMetaIssueTypes('DEMO');
    const task = types.find((t) => t.name === 'Task');
    expect(task).toBeDefined();
    const fields = await client.getCreateMetaFields('DEMO', task?.id ?? '');
    expect(fields.find((f) => f.fieldId === 'summary')?.required).toBe(true);
  });

  it('creates, reads, edits, comments, transitions, assigns, logs work and links an issue', async () => {
    const created = await client.createIssue({
      projectKey: 'DEMO',
      issueType: 'Task',
      summary: 'Login rejects valid passwords',
      description: markdownToAdf(DESCRIPTION),
      labels: ['auth'],
      priority: 'High',
    });
    expect(created.key).toMatch(/^DEMO-\d+$/);

    const issue = await client.getIssue(created.key, {
      fields: ['summary', 'description', 'labels', 'priority'],
    });
    expect(issue.fields.summary).toBe('Login rejects valid passwords');
    expect(issue.fields.labels).toEqual(['auth']);
    expect(issue.fields.priority?.name).toBe('High');
    expect(adfToMarkdown(issue.fields.description)).toBe(DESCRIPTION);

    await client.updateIssue(created.key, { summary: 'Login rejects some valid passwords' });
    expect((await client.getIssue(created.key)).fields.summary).toBe(
      'Login rejects some valid passwords',
    );

    const comment = await client.addComment(
      created.key,
      markdownToAdf('Reproduced on **staging**.'),
    );
    const comments = await client.listComments(created.key, { orderBy: '-created' });
    expect(comments.comments.map((c) => c.id)).toContain(comment.id);
    expect(adfToMarkdown(comments.comments.find((c) => c.id === comment.id)?.body)).toBe(
      'Reproduced on **staging**.',
    );

    const transitions = await client.getTransitions(created.key);
    expect(transitions.map((t) => t.id)).toContain('21');
    await client.transitionIssue(created.key, '21', { comment: markdownToAdf('Starting.') });
    expect((await client.getIssue(created.key)).fields.status?.name).toBe('In Progress');

    await client.assignIssue(created.key, BOB?.accountId ?? '');
    expect((await client.getIssue(created.key)).fields.assignee?.accountId).toBe(BOB?.accountId);
    await client.assignIssue(created.key, null);
    expect((await client.getIssue(created.key)).fields.assignee).toBeNull();

    const worklog = await client.addWorklog(created.key, {
      timeSpentSeconds: 5400,
      started: '2026-01-05T09:00:00.000+0000',
      comment: markdownToAdf('Pairing'),
    });
    expect(worklog.timeSpentSeconds).toBe(5400);

    const linkTypes = await client.listIssueLinkTypes();
    const blocks = linkTypes.find((t) => t.name === 'Blocks');
    expect(blocks).toBeDefined();
    await client.linkIssues({ type: 'Blocks', inwardKey: created.key, outwardKey: 'DEMO-1' });
  });

  it('pages a JQL search with nextPageToken', async () => {
    const first = await client.searchIssues({
      jql: 'project = DEMO ORDER BY key ASC',
      maxResults: 2,
    });
    expect(first.issues).toHaveLength(2);
    expect(first.isLast).toBe(false);
    const second = await client.searchIssues({
      jql: 'project = DEMO ORDER BY key ASC',
      maxResults: 2,
      ...(first.nextPageToken === undefined ? {} : { nextPageToken: first.nextPageToken }),
    });
    expect(second.issues[0]?.key).not.toBe(first.issues[0]?.key);
  });

  it('finds users by name', async () => {
    const users = await client.findUsers('bob');
    expect(users.map((u) => u.accountId)).toEqual([BOB?.accountId]);
  });

  it('maps a missing issue to not_found', async () => {
    const error = await caught(() => client.getIssue('DEMO-99999'));
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('not_found');
    expect((error as JiraError).message).toBe(
      'Issue DEMO-99999 does not exist or you cannot see it.',
    );
  });

  it('maps an unknown priority to invalid_request with the field error', async () => {
    const error = await caught(() =>
      client.createIssue({
        projectKey: 'DEMO',
        issueType: 'Task',
        summary: 'x',
        extraFields: { priority: { name: 'Nope' } },
      }),
    );
    expect((error as JiraError).code).toBe('invalid_request');
    expect(Object.keys((error as JiraError).fieldErrors)).toContain('priority');
  });

  it('maps a wrong API token to unauthorized', async () => {
    const wrong = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: peer.url,
        email: 'alice@example.com',
        apiToken: 'not-the-token',
      }),
    });
    const error = await caught(() => wrong.getMyself());
    expect((error as JiraError).code).toBe('unauthorized');
    expect(JSON.stringify(error)).not.toContain('not-the-token');
  });

  it('retries injected 429s after their Retry-After', async () => {
    sleeps.length = 0;
    peer.sandbox.faults.add({
      status: 429,
      retryAfterSeconds: 2,
      times: 2,
      pathPrefix: '/rest/api/3/myself',
    });
    const me = await client.getMyself();
    expect(me.accountId).toBe(ALICE?.accountId);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('reports rate_limited when the sandbox keeps refusing', async () => {
    peer.sandbox.faults.add({
      status: 429,
      retryAfterSeconds: 1,
      times: 10,
      pathPrefix: '/rest/api/3/myself',
    });
    const error = await caught(() => client.getMyself());
    expect((error as JiraError).code).toBe('rate_limited');
    expect((error as JiraError).retryAfterSeconds).toBe(1);
    peer.sandbox.faults.clear();
  });
});
