/**
 * Errors that must say what is wrong: a wrong base URL (Jira's HTML "dead
 * link" page on /myself, the real body in errors/404-dead-link-html.json)
 * and Jira Cloud's masking of a bad credential as an anonymous visitor
 * (`X-Seraph-LoginReason`), with any status, even 200 with an empty list.
 * No message echoes the API token or the HTML page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraError } from '../../src/jira/errors.js';
import { API_TOKEN, BASIC, caught, clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

interface ErrorFixture {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const deadLink = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, '../fixtures/real-responses/errors/404-dead-link-html.json'),
    'utf8',
  ),
) as ErrorFixture;

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
});

function expectNoLeak(error: JiraError): void {
  const text = JSON.stringify(error.toJSON());
  expect(text).not.toContain(API_TOKEN);
  expect(text).not.toContain(BASIC);
  expect(text).not.toContain('<html');
  expect(text).not.toContain('dead link');
}

describe('wrong JIRA_BASE_URL: an HTML 404 page instead of a REST answer', () => {
  it('reports invalid_response naming the base URL, not "does not exist"', async () => {
    stub.handle(() => ({
      status: deadLink.status,
      headers: deadLink.headers,
      body: deadLink.body,
    }));
    const { client } = clientFor(stub.url);
    const error = (await caught(() => client.getMyself())) as JiraError;
    expect(error).toBeInstanceOf(JiraError);
    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      'Jira answered GET /rest/api/3/myself with a web page (HTTP 404), not a REST answer: the Jira base URL is probably wrong. It must be the site root, like https://acme.atlassian.net (on Data Center with its context path, like https://jira.example.com/jira).',
    );
    expectNoLeak(error);
  });

  it('keeps Jira’s JSON 404 for a missing issue as not_found', async () => {
    stub.handle(() => ({
      status: 404,
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
    }));
    const { client } = clientFor(stub.url);
    const error = (await caught(() => client.getIssue('DEMO-1'))) as JiraError;
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Issue DEMO-1 does not exist or you cannot see it.');
  });
});

describe('a bad credential masked as anonymous (X-Seraph-LoginReason)', () => {
  it('reports an empty 200 project list as unauthorized, not as "no projects"', async () => {
    stub.handle(() => ({
      status: 200,
      headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' },
      body: { values: [], startAt: 0, maxResults: 50, total: 0, isLast: true },
    }));
    const { client } = clientFor(stub.url);
    const error = (await caught(() => client.searchProjects())) as JiraError;
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(200);
    expect(error.message).toBe(
      'Jira did not accept the Jira credential and answered GET /rest/api/3/project/search as an anonymous visitor (X-Seraph-LoginReason: AUTHENTICATED_FAILED, HTTP 200), so issues would look missing and project lists empty. Check the Jira e-mail and API token (an API token of this Atlassian site’s account); retrying will not help.',
    );
    expectNoLeak(error);
  });

  it('reports a masked 404 on an issue as unauthorized, not as a missing issue', async () => {
    stub.handle(() => ({
      status: 404,
      headers: { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' },
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
    }));
    const { client } = clientFor(stub.url);
    const error = (await caught(() => client.getIssue('DEMO-1'))) as JiraError;
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(404);
    expect(error.message).toContain('X-Seraph-LoginReason: AUTHENTICATED_FAILED, HTTP 404');
  });

  it('explains AUTHENTICATION_DENIED (CAPTCHA after failed sign-ins) and does not retry', async () => {
    stub.handle(() => ({
      status: 403,
      headers: { 'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED' },
      body: 'Forbidden',
    }));
    const { client, sleeps } = clientFor(stub.url);
    const before = stub.requests.length;
    const error = (await caught(() => client.getMyself())) as JiraError;
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      'Jira refused to check the Jira credential (X-Seraph-LoginReason: AUTHENTICATION_DENIED on GET /rest/api/3/myself, HTTP 403): after too many failed sign-ins Jira asks for a CAPTCHA. Sign in to Jira once in a browser as that account, then check its e-mail and API token; retrying will not help.',
    );
    expect(stub.requests.length - before).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reads an answer with X-Seraph-LoginReason: OK as usual', async () => {
    stub.handle(() => ({
      status: 200,
      headers: { 'X-Seraph-LoginReason': 'OK' },
      body: { accountId: 'abc' },
    }));
    const { client } = clientFor(stub.url);
    expect((await client.getMyself()).accountId).toBe('abc');
  });
});
