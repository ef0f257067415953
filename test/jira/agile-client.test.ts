/**
 * The agile part of the Jira client (/rest/agile/1.0): what it sends
 * (paths, queries, bodies valid against Atlassian's Jira Software
 * OpenAPI description), what it parses (a real Cloud sample, lenient
 * schemas) and a round trip against the sandbox over real HTTP.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JiraError } from '../../src/jira/errors.js';
import { AGILE_ISSUE_PAGE_SCHEMA } from '../../src/jira/schemas-agile.js';
import { confineJira } from '../../src/mcp/tools/confined-jira.js';
import { createProjectAllowList } from '../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError } from '../../src/mcp/tools/tool-definition.js';
import { SANDBOX_API_TOKENS, startSandboxServer, type Sandbox } from '../../src/sandbox/index.js';
import { validateRequestBody, validateSchema } from '../helpers/openapi-validator.js';
import { caught, clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

const SAMPLE = JSON.parse(
  readFileSync(
    new URL('../fixtures/software-cloud/samples/go-jira-issues_in_sprint.json', import.meta.url),
    'utf8',
  ),
) as unknown;

describe('JiraClient agile methods: requests', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(async () => {
    await stub.close();
  });

  it('sends board, sprint and backlog reads to the documented paths and queries', async () => {
    const { client } = clientFor(stub.url);
    stub.handle(() => ({ status: 200, body: { values: [{ id: 7, name: 'B' }], isLast: true } }));
    await client.listBoards({
      projectKeyOrId: 'demo',
      type: 'scrum',
      name: 'x y',
      startAt: 5,
      maxResults: 10,
    });
    expect(stub.requests.at(-1)?.url).toBe(
      '/rest/agile/1.0/board?projectKeyOrId=DEMO&type=scrum&name=x+y&startAt=5&maxResults=10',
    );
    await client.listSprints(7, { states: ['active', 'future'] });
    expect(stub.requests.at(-1)?.url).toBe('/rest/agile/1.0/board/7/sprint?state=active%2Cfuture');
    stub.handle(() => ({ status: 200, body: { issues: [], total: 0 } }));
    await client.getBoardBacklog(7, { jql: 'project = DEMO', fields: ['summary', 'status'] });
    expect(stub.requests.at(-1)?.url).toBe(
      '/rest/agile/1.0/board/7/backlog?jql=project+%3D+DEMO&fields=summary%2Cstatus',
    );
  });

  it('sends sprint writes with bodies valid against the Jira Software description', async () => {
    const { client } = clientFor(stub.url);
    stub.handle(() => ({ status: 201, body: { id: 9, name: 'S' } }));
    await client.createSprint({
      boardId: 7,
      name: 'S',
      goal: 'G',
      startDate: '2026-02-02T09:00:00Z',
    });
    const create = stub.requests.at(-1);
    expect(create?.method).toBe('POST');
    expect(create?.url).toBe('/rest/agile/1.0/sprint');
    const createBody = JSON.parse(create?.body ?? '') as unknown;
    expect(createBody).toEqual({
      name: 'S',
      originBoardId: 7,
      goal: 'G',
      startDate: '2026-02-02T09:00:00Z',
    });
    expect(validateRequestBody('POST', '/rest/agile/1.0/sprint', createBody).errors).toEqual([]);
    stub.handle(() => ({ status: 200, body: { id: 9, name: 'S', state: 'closed' } }));
    await client.updateSprint(9, { state: 'closed' });
    const update = stub.requests.at(-1);
    expect(update?.url).toBe('/rest/agile/1.0/sprint/9');
    const updateBody = JSON.parse(update?.body ?? '') as unknown;
    expect(updateBody).toEqual({ state: 'closed' });
    expect(
      validateRequestBody('POST', '/rest/agile/1.0/sprint/{sprintId}', updateBody).errors,
    ).toEqual([]);
    stub.handle(() => ({ status: 204 }));
    await client.moveIssuesToSprint(9, ['demo-1', 'DEMO-2', 'DEMO-1']);
    const move = stub.requests.at(-1);
    expect(move?.url).toBe('/rest/agile/1.0/sprint/9/issue');
    const moveBody = JSON.parse(move?.body ?? '') as unknown;
    expect(moveBody).toEqual({ issues: ['DEMO-1', 'DEMO-2'] });
    expect(
      validateRequestBody('POST', '/rest/agile/1.0/sprint/{sprintId}/issue', moveBody).errors,
    ).toEqual([]);
    await client.moveIssuesToBacklog(['DEMO-3']);
    const backlog = stub.requests.at(-1);
    expect(backlog?.url).toBe('/rest/agile/1.0/backlog/issue');
    const backlogBody = JSON.parse(backlog?.body ?? '') as unknown;
    expect(
      validateRequestBody('POST', '/rest/agile/1.0/backlog/issue', backlogBody).errors,
    ).toEqual([]);
  });

  it('refuses bad ids and move sizes before sending anything', async () => {
    const { client } = clientFor(stub.url);
    const sent = stub.requests.length;
    const badBoard = await caught(() => client.getBoard(0));
    expect(badBoard).toBeInstanceOf(JiraError);
    expect((badBoard as JiraError).code).toBe('invalid_request');
    expect((badBoard as JiraError).message).toBe('0 is not a valid board id.');
    const tooMany = await caught(() =>
      client.moveIssuesToBacklog(Array.from({ length: 51 }, (_, i) => `DEMO-${i + 1}`)),
    );
    expect((tooMany as JiraError).message).toBe(
      'Between 1 and 50 issues can be moved at once (got 51).',
    );
    const badKey = await caught(() => client.moveIssuesToSprint(1, ['../x']));
    expect((badKey as JiraError).code).toBe('invalid_request');
    expect(stub.requests.length).toBe(sent);
  });

  it('parses a real Jira Cloud sprint issue page (go-jira sample) with the lenient schema', async () => {
    const { client } = clientFor(stub.url);
    stub.handle(() => ({ status: 200, body: SAMPLE }));
    const page = await client.getBoardBacklog(1);
    expect(page.total).toBe(10);
    expect(page.issues.map((i) => i.key)).toEqual(['AR-86']);
    expect(page.issues[0]?.fields.status?.name).toBeTypeOf('string');
    expect(AGILE_ISSUE_PAGE_SCHEMA.safeParse(SAMPLE).success).toBe(true);
  });
});

describe('JiraClient agile methods against the sandbox', () => {
  let dir: string;
  let peer: { url: string; sandbox: Sandbox; close(): Promise<void> };
  let client: JiraClient;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'agile-client-'));
    peer = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db') });
    client = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: peer.url,
        email: 'alice@example.com',
        apiToken: SANDBOX_API_TOKENS.alice,
      }),
    });
  });
  afterAll(async () => {
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads boards and sprints, creates, starts and moves, with Jira's errors as JiraError", async () => {
    const boards = await client.listBoards({ type: 'scrum' });
    expect(boards.values.map((b) => [b.id, b.location?.projectKey])).toEqual([[1, 'DEMO']]);
    const sprints = await client.listSprints(1, { states: ['active'] });
    expect(sprints.values.map((s) => s.name)).toEqual(['DEMO Sprint 2']);
    const sprint = await client.getSprint(2);
    expect(validateSchema('SprintBean', sprint, 'software').errors).toEqual([]);
    const created = await client.createSprint({ boardId: 1, name: 'Client sprint' });
    expect(created).toMatchObject({ name: 'Client sprint', state: 'future', originBoardId: 1 });
    await client.moveIssuesToSprint(created.id, ['DEMO-19']);
    const backlog = await client.getBoardBacklog(1, { fields: ['summary'] });
    expect(backlog.issues.map((i) => i.key)).not.toContain('DEMO-19');
    const missing = await caught(() => client.getBoard(99));
    expect(missing).toBeInstanceOf(JiraError);
    expect((missing as JiraError).code).toBe('not_found');
    expect((missing as JiraError).status).toBe(404);
    const busy = await caught(() =>
      client.updateSprint(created.id, {
        state: 'active',
        startDate: '2026-02-01T00:00:00Z',
        endDate: '2026-02-10T00:00:00Z',
      }),
    );
    expect((busy as JiraError).code).toBe('invalid_request');
    expect((busy as JiraError).errorMessages).toEqual([
      "Sprint 'DEMO Sprint 2' is already active on this board: only one sprint can be active at a time.",
    ]);
  });

  it('the confined agile methods (JIRA_PROJECTS=OPS) refuse DEMO boards, sprints and keys before writing', async () => {
    const confined = confineJira(client, createProjectAllowList(['OPS']));
    const writesBefore = peer.sandbox.requests.filter((r) => r.method !== 'GET').length;
    const refused = async (call: () => Promise<unknown>, message: string): Promise<void> => {
      const error = await caught(call);
      expect(error).toBeInstanceOf(ToolUsageError);
      expect((error as ToolUsageError).code).toBe('project_not_allowed');
      expect((error as ToolUsageError).message).toBe(
        `${message} is outside the projects this gateway may access (OPS).`,
      );
    };
    expect((await confined.listBoards()).values.map((b) => b.id)).toEqual([2]);
    await refused(() => confined.getBoard(3), 'Board 3');
    await refused(() => confined.getSprint(2), 'Sprint 2');
    await refused(() => confined.updateSprint(2, { name: 'renamed' }), 'Sprint 2');
    await refused(() => confined.createSprint({ boardId: 1, name: 'x' }), 'Board 1');
    await refused(() => confined.moveIssuesToSprint(3, ['OPS-1']), 'Sprint 3');
    await refused(() => confined.moveIssuesToBacklog(['OPS-1', 'DEMO-3']), 'Issue DEMO-3');
    await refused(() => confined.getBoardBacklog(1), 'Board 1');
    expect(peer.sandbox.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    const backlog = await confined.getBoardBacklog(2, { jql: 'priority = High' });
    expect(backlog.issues.every((i) => i.key.startsWith('OPS-'))).toBe(true);
  });
});
