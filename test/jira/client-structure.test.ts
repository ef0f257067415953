import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JiraError } from '../../src/jira/errors.js';
import { confineJira } from '../../src/mcp/tools/confined-jira.js';
import { createProjectAllowList } from '../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError } from '../../src/mcp/tools/tool-definition.js';
import { SANDBOX_API_TOKENS, startSandboxServer } from '../../src/sandbox/index.js';
import { validateRequestBody } from '../helpers/openapi-validator.js';
import { caught, clientFor } from './helpers/client-setup.js';
import { startStubServer, type ReceivedRequest, type StubServer } from './helpers/stub-server.js';

type Json = Record<string, unknown>;

const SPEC = JSON.parse(
  readFileSync(new URL('../fixtures/jira-platform-rest-v3.openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };

/** Atlassian's own example answer for an operation, as published in the OpenAPI description. */
function example(path: string, method: string, status: string): unknown {
  const content = SPEC.paths[path]?.[method]?.responses[status]?.['content'] as
    Record<string, { example?: string }> | undefined;
  const text = content?.['application/json']?.example;
  if (text === undefined) throw new Error(`no example for ${method} ${path} ${status}`);
  return JSON.parse(text);
}

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

function only(): ReceivedRequest {
  expect(stub.requests).toHaveLength(1);
  const [request] = stub.requests;
  if (request === undefined) throw new Error('no request');
  return request;
}

describe('JiraClient structure methods against Atlassian’s published examples', () => {
  it('listProjectVersions sends paging and filters and reads PageBeanVersion', async () => {
    stub.handle(() => ({
      status: 200,
      body: example('/rest/api/3/project/{projectIdOrKey}/version', 'get', '200'),
    }));
    const { client } = clientFor(stub.url);
    const page = await client.listProjectVersions('pr', {
      startAt: 0,
      maxResults: 2,
      statuses: ['released', 'unreleased'],
      query: 'next',
    });
    expect(only().url).toBe(
      '/rest/api/3/project/PR/version?startAt=0&maxResults=2&status=released%2Cunreleased&query=next',
    );
    expect(page.values.map((v) => [v.id, v.name, v.released])).toEqual([
      ['10000', 'New Version 1', true],
      ['10010', 'Next Version', false],
    ]);
    expect(page.isLast).toBe(false);
  });

  it('createVersion posts a body the description accepts and reads the Version', async () => {
    stub.handle(() => ({ status: 201, body: example('/rest/api/3/version', 'post', '201') }));
    const { client } = clientFor(stub.url);
    const version = await client.createVersion({
      projectKey: 'PXA',
      projectId: '10000',
      name: 'New Version 1',
      description: 'An excellent version',
      releaseDate: '2010-07-06',
      released: true,
    });
    const request = only();
    expect(request.method).toBe('POST');
    const body = JSON.parse(request.body) as unknown;
    expect(body).toEqual({
      projectId: 10000,
      name: 'New Version 1',
      description: 'An excellent version',
      releaseDate: '2010-07-06',
      released: true,
    });
    expect(validateRequestBody('POST', '/rest/api/3/version', body).errors).toEqual([]);
    expect(version).toMatchObject({ id: '10000', name: 'New Version 1' });
  });

  it('listProjectComponents reads PageBeanComponentWithIssueCount', async () => {
    stub.handle(() => ({
      status: 200,
      body: example('/rest/api/3/project/{projectIdOrKey}/component', 'get', '200'),
    }));
    const { client } = clientFor(stub.url);
    const page = await client.listProjectComponents('PR', { query: 'comp' });
    expect(only().url).toBe('/rest/api/3/project/PR/component?query=comp');
    expect(page.values.map((c) => [c.name, c.issueCount, c.lead?.displayName])).toEqual([
      ['Component 1', 1, 'Mia Krystof'],
      ['PXA', 5, 'Mia Krystof'],
    ]);
  });

  it('getIssueLink reads IssueLink; deleteIssueLink sends DELETE', async () => {
    stub.handle((request) =>
      request.method === 'GET'
        ? { status: 200, body: example('/rest/api/3/issueLink/{linkId}', 'get', '200') }
        : { status: 204 },
    );
    const { client } = clientFor(stub.url);
    const link = await client.getIssueLink('10001');
    expect([link.outwardIssue.key, link.type.outward, link.inwardIssue.key]).toEqual([
      'PR-2',
      'Duplicates',
      'PR-3',
    ]);
    await client.deleteIssueLink('10001');
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /rest/api/3/issueLink/10001',
      'DELETE /rest/api/3/issueLink/10001',
    ]);
  });

  it('addRemoteLink posts a RemoteIssueLinkRequest and reads RemoteIssueLinkIdentifies', async () => {
    stub.handle(() => ({
      status: 201,
      body: example('/rest/api/3/issue/{issueIdOrKey}/remotelink', 'post', '201'),
    }));
    const { client } = clientFor(stub.url);
    const created = await client.addRemoteLink('MKY-1', {
      url: 'https://example.com/doc',
      title: 'Doc',
      summary: 'The doc',
      relationship: 'is documented by',
    });
    const body = JSON.parse(only().body) as unknown;
    expect(body).toEqual({
      relationship: 'is documented by',
      object: { url: 'https://example.com/doc', title: 'Doc', summary: 'The doc' },
    });
    expect(
      validateRequestBody('POST', '/rest/api/3/issue/{issueIdOrKey}/remotelink', body).errors,
    ).toEqual([]);
    expect(created.id).toBe(10000);
  });

  it('addWatcher sends the accountId as a JSON string; removeWatcher puts it in the query', async () => {
    stub.handle((request) =>
      request.method === 'GET'
        ? {
            status: 200,
            body: example('/rest/api/3/issue/{issueIdOrKey}/watchers', 'get', '200'),
          }
        : { status: 204 },
    );
    const { client } = clientFor(stub.url);
    await client.addWatcher('EX-1', '5b10ac8d82e05b22cc7d4ef5');
    await client.removeWatcher('EX-1', '5b10ac8d82e05b22cc7d4ef5');
    const watchers = await client.getWatchers('EX-1');
    const [add, remove] = stub.requests;
    expect(add?.body).toBe('"5b10ac8d82e05b22cc7d4ef5"');
    expect(add?.headers['content-type']).toMatch(/^application\/json/);
    expect(
      validateRequestBody(
        'POST',
        '/rest/api/3/issue/{issueIdOrKey}/watchers',
        JSON.parse(add?.body ?? ''),
      ).errors,
    ).toEqual([]);
    expect(`${remove?.method ?? ''} ${remove?.url ?? ''}`).toBe(
      'DELETE /rest/api/3/issue/EX-1/watchers?accountId=5b10ac8d82e05b22cc7d4ef5',
    );
    expect(watchers.watchCount).toBe(1);
  });

  it.each([
    [
      'a javascript: URL',
      () =>
        clientFor(stub.url).client.addRemoteLink('EX-1', {
          url: 'javascript:alert(1)',
          title: 'x',
        }),
    ],
    [
      'a relative URL',
      () => clientFor(stub.url).client.addRemoteLink('EX-1', { url: '/x', title: 'x' }),
    ],
    [
      'a bad date',
      () =>
        clientFor(stub.url).client.createVersion({
          projectKey: 'EX',
          projectId: '1',
          name: 'x',
          releaseDate: '1/2/2026',
        }),
    ],
    ['a non-numeric link id', () => clientFor(stub.url).client.deleteIssueLink('../1')],
  ])('refuses %s with invalid_request before sending anything', async (_what, call) => {
    const error = await caught(call);
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('invalid_request');
    expect(stub.requests).toEqual([]);
  });
});

describe('JiraClient structure methods against the sandbox', () => {
  let sandbox: Awaited<ReturnType<typeof startSandboxServer>>;
  let client: JiraClient;
  beforeAll(async () => {
    sandbox = await startSandboxServer({ dbPath: ':memory:' });
    client = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: sandbox.url,
        email: 'alice@example.com',
        apiToken: SANDBOX_API_TOKENS.alice,
      }),
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('round-trips versions, components, watchers, remote links and link deletion', async () => {
    expect((await client.listProjectVersions('DEMO')).values.map((v) => v.name)).toEqual([
      '1.0',
      '1.1',
    ]);
    const created = await client.createVersion({
      projectKey: 'DEMO',
      projectId: '10000',
      name: '5.0',
    });
    expect(created).toMatchObject({ name: '5.0', released: false, projectId: 10000 });
    expect((await client.listProjectComponents('DEMO')).values.map((c) => c.name)).toEqual([
      'API',
      'Web',
    ]);
    await client.addWatcher('DEMO-3', '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb');
    expect((await client.getWatchers('DEMO-3')).watchCount).toBe(2);
    await client.removeWatcher('DEMO-3', '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb');
    expect((await client.getWatchers('DEMO-3')).watchCount).toBe(1);
    const remote = await client.addRemoteLink('DEMO-3', { url: 'https://x.example/', title: 'X' });
    expect(remote.id).toBeGreaterThan(10000);
    const issue = await client.getIssue('DEMO-4', { fields: ['issuelinks'] });
    const linkId = String((issue.fields['issuelinks'] as Json[])[0]?.['id']);
    expect((await client.getIssueLink(linkId)).outwardIssue.key).toBe('DEMO-4');
    await client.deleteIssueLink(linkId);
    const gone = await caught(() => client.getIssueLink(linkId));
    expect((gone as JiraError).code).toBe('not_found');
  });

  it('the confined deleteIssueLink checks both ends of a bare link id before deleting', async () => {
    const confined = confineJira(client, createProjectAllowList(['DEMO']));
    const issue = await client.getIssue('DEMO-10', { fields: ['issuelinks'] });
    const linkId = String((issue.fields['issuelinks'] as Json[])[0]?.['id']);
    const refused = await caught(() => confined.deleteIssueLink(linkId));
    expect(refused).toBeInstanceOf(ToolUsageError);
    expect((refused as ToolUsageError).code).toBe('project_not_allowed');
    expect((await client.getIssueLink(linkId)).outwardIssue.key).toBe('OPS-2');
  });
});
