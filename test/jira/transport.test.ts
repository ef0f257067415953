import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  staticCredentialsProvider,
  type JiraCredentialsProvider,
} from '../../src/jira/credentials.js';
import { JiraClient } from '../../src/jira/client.js';
import { JiraError } from '../../src/jira/errors.js';
import { API_TOKEN, BASIC, EMAIL, caught, clientFor } from './helpers/client-setup.js';
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
  stub.handle(() => ({ status: 200, body: { accountId: 'acc-1', displayName: 'Bot' } }));
});

async function jiraError(fn: () => Promise<unknown>): Promise<JiraError> {
  const error = await caught(fn);
  expect(error).toBeInstanceOf(JiraError);
  return error as JiraError;
}

describe('Jira request headers (RFC 7617 Basic auth)', () => {
  it('sends Basic base64(email:token), Accept and the gateway User-Agent, nothing else identifying', async () => {
    const { client } = clientFor(stub.url);
    await client.getMyself();
    const [request] = stub.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/rest/api/3/myself');
    expect(request?.headers['authorization']).toBe(`Basic ${BASIC}`);
    expect(Buffer.from(BASIC, 'base64').toString()).toBe(`${EMAIL}:${API_TOKEN}`);
    expect(request?.headers['accept']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('jira-mcp-gateway/0.1.0');
    expect(request?.headers['content-type']).toBeUndefined();
    // Only transport headers that fetch itself adds; no caller identity, no cookies.
    const allowed = [
      'accept',
      'accept-encoding',
      'accept-language',
      'authorization',
      'connection',
      'host',
      'sec-fetch-mode',
      'user-agent',
    ];
    expect(Object.keys(request?.headers ?? {}).filter((h) => !allowed.includes(h))).toEqual([]);
  });

  it('sends a JSON body with Content-Type application/json', async () => {
    stub.handle(() => ({ status: 201, body: { id: '10001', key: 'DEMO-2' } }));
    const { client } = clientFor(stub.url);
    await client.createIssue({ projectKey: 'DEMO', issueType: 'Task', summary: 'Hi' });
    expect(stub.requests[0]?.headers['content-type']).toBe('application/json');
  });
});

describe('Jira retries (RFC 9110 §10.2.3 Retry-After)', () => {
  it('waits the Retry-After seconds on 429 and succeeds on a later attempt', async () => {
    stub.handle((_r, i) =>
      i < 2
        ? { status: 429, headers: { 'retry-after': '2' }, body: { errorMessages: ['slow down'] } }
        : { status: 200, body: { accountId: 'acc-1' } },
    );
    const { client, sleeps } = clientFor(stub.url);
    const me = await client.getMyself();
    expect(me.accountId).toBe('acc-1');
    expect(stub.requests).toHaveLength(3);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('reads Retry-After as an HTTP date against the injected clock', async () => {
    const { client, sleeps, clock } = clientFor(stub.url);
    const at = new Date(clock.now() + 3000).toUTCString();
    stub.handle((_r, i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': at } }
        : { status: 200, body: { accountId: 'acc-1' } },
    );
    await client.getMyself();
    expect(sleeps).toEqual([3000]);
  });

  it('stops after maxRetries and reports rate_limited with the Retry-After hint', async () => {
    stub.handle(() => ({ status: 429, headers: { 'retry-after': '1' } }));
    const { client, sleeps } = clientFor(stub.url, { maxRetries: 2 });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.message).toBe('Jira rate limited the gateway (3 attempts); retry after 1 s.');
    expect(stub.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('does not wait out a Retry-After longer than the cap; it reports it at once', async () => {
    stub.handle(() => ({ status: 429, headers: { 'retry-after': '60' } }));
    const { client, sleeps } = clientFor(stub.url, { maxRetryWaitMs: 10_000 });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(60);
    expect(error.message).toContain('retry after 60 s');
    expect(stub.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('backs off exponentially with jitter on 503 without Retry-After, then reports unavailable', async () => {
    stub.handle(() => ({ status: 503, body: 'upstream overloaded' }));
    const { client, sleeps } = clientFor(stub.url, { maxRetries: 3, baseDelayMs: 500 });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.message).toBe('Jira is unavailable (HTTP 503 after 4 attempts); try again later.');
    // random() = 0.5: half the step plus a quarter of it.
    expect(sleeps).toEqual([375, 750, 1500]);
  });

  it('caps each backoff step at maxRetryWaitMs', async () => {
    stub.handle(() => ({ status: 503 }));
    const { client, sleeps } = clientFor(stub.url, {
      maxRetries: 4,
      baseDelayMs: 4000,
      maxRetryWaitMs: 10_000,
      random: () => 0.999,
    });
    await caught(() => client.getMyself());
    expect(sleeps.every((ms) => ms <= 10_000)).toBe(true);
    expect(sleeps).toEqual([3998, 7996, 9995, 9995]);
  });

  it('retries a POST on 429 (Jira did not process it)', async () => {
    stub.handle((_r, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' } }
        : { status: 201, body: { id: '1', key: 'DEMO-9' } },
    );
    const { client } = clientFor(stub.url);
    const created = await client.createIssue({
      projectKey: 'DEMO',
      issueType: 'Task',
      summary: 'x',
    });
    expect(created.key).toBe('DEMO-9');
    expect(stub.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it('does not retry a 500', async () => {
    stub.handle(() => ({ status: 500, body: { errorMessages: ['boom'] } }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(500);
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a GET after a dropped connection, then reports network', async () => {
    stub.handle(() => 'reset');
    const { client, sleeps } = clientFor(stub.url, { maxRetries: 2 });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('network');
    expect(error.message).toMatch(
      new RegExp(`^Could not reach Jira at ${stub.url} \\([A-Za-z_ ]+\\) after 3 attempts;`),
    );
    expect(stub.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('never resends a POST after a dropped connection (it may have been applied)', async () => {
    stub.handle(() => 'reset');
    const { client, sleeps } = clientFor(stub.url, { maxRetries: 3 });
    const error = await jiraError(() =>
      client.addComment('DEMO-1', { version: 1, type: 'doc', content: [] }),
    );
    expect(error.code).toBe('network');
    expect(stub.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reports network with the socket error code when nothing listens', async () => {
    const closed = await startStubServer();
    const url = closed.url;
    await closed.close();
    const { client } = clientFor(url, { maxRetries: 0 });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('network');
    expect(error.message).toBe(
      `Could not reach Jira at ${url} (ECONNREFUSED) after 1 attempt; check the Jira base URL or try again later.`,
    );
  });
});

describe('Jira request timeout (AbortSignal)', () => {
  it('reports timeout when the per-request signal fires, without retrying', async () => {
    stub.handle(() => 'hang');
    const controller = new AbortController();
    const { client } = clientFor(stub.url, {
      timeoutMs: 15_000,
      timeoutSignal: () => controller.signal,
    });
    const arrived = stub.nextRequest();
    const pending = caught(() => client.getMyself());
    await arrived;
    controller.abort(new DOMException('timed out', 'TimeoutError'));
    const error = await pending;
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('timeout');
    expect((error as JiraError).message).toBe(
      'Jira did not answer GET /rest/api/3/myself within 15000 ms; try again later or narrow the request.',
    );
    expect(stub.requests).toHaveLength(1);
  });

  it('gives each attempt its own timeout signal', async () => {
    stub.handle((_r, i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': '0' } }
        : { status: 200, body: { accountId: 'a' } },
    );
    const asked: number[] = [];
    const { client } = clientFor(stub.url, {
      timeoutMs: 1234,
      timeoutSignal: (ms) => {
        asked.push(ms);
        return new AbortController().signal;
      },
    });
    await client.getMyself();
    expect(asked).toEqual([1234, 1234]);
  });
});

describe('Jira error mapping (HTTP status → JiraError code)', () => {
  it('maps 404 to not_found naming the issue', async () => {
    stub.handle(() => ({
      status: 404,
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] },
    }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.getIssue('DEMO-999'));
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.message).toBe('Issue DEMO-999 does not exist or you cannot see it.');
  });

  it('maps 400 to invalid_request carrying errorMessages and field errors', async () => {
    stub.handle(() => ({
      status: 400,
      body: {
        errorMessages: ['The issue could not be created.'],
        errors: {
          summary: 'You must specify a summary of the issue.',
          priority: 'Priority name "Urgent" is not valid.',
        },
      },
    }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() =>
      client.createIssue({
        projectKey: 'DEMO',
        issueType: 'Task',
        summary: 'x',
        priority: 'Urgent',
      }),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.errorMessages).toEqual(['The issue could not be created.']);
    expect(error.fieldErrors).toEqual({
      summary: 'You must specify a summary of the issue.',
      priority: 'Priority name "Urgent" is not valid.',
    });
    expect(error.message).toBe(
      'Jira rejected POST /rest/api/3/issue (HTTP 400); fix the input and retry. Jira says: The issue could not be created. field errors: summary: You must specify a summary of the issue.; priority: Priority name "Urgent" is not valid.',
    );
    expect(error.toJSON()).toEqual({
      code: 'invalid_request',
      message: error.message,
      status: 400,
      errorMessages: error.errorMessages,
      fieldErrors: error.fieldErrors,
    });
  });

  it('maps 401 to unauthorized (a bad gateway credential)', async () => {
    stub.handle(() => ({ status: 401, body: 'Unauthorized' }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toContain('update the Jira email and API token');
    expect(stub.requests).toHaveLength(1);
  });

  it('maps 403 to forbidden', async () => {
    stub.handle(() => ({
      status: 403,
      body: { errorMessages: ['You do not have permission to edit issues in this project.'] },
    }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.updateIssue('DEMO-1', { summary: 'x' }));
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'The gateway’s Jira account is not allowed to do PUT /rest/api/3/issue/DEMO-1 (HTTP 403). Jira says: You do not have permission to edit issues in this project.',
    );
  });

  it('maps 409 to conflict', async () => {
    stub.handle(() => ({ status: 409, body: { errorMessages: ['Conflict.'] } }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.transitionIssue('DEMO-1', '31'));
    expect(error.code).toBe('conflict');
    expect(error.status).toBe(409);
  });

  it('reports invalid_response for a 200 that is not JSON', async () => {
    stub.handle(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html>login</html>',
    }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('was not JSON');
  });

  it('reports invalid_response naming the field when the shape is wrong', async () => {
    stub.handle(() => ({ status: 200, body: { issues: [{ id: '1' }] } }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.searchIssues({ jql: 'project = DEMO' }));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('issues.0.key');
  });

  it('does not follow redirects (the credential must not travel elsewhere)', async () => {
    const elsewhere = await startStubServer();
    try {
      stub.handle(() => ({
        status: 302,
        headers: { location: `${elsewhere.url}/rest/api/3/myself` },
      }));
      const { client } = clientFor(stub.url);
      const error = await jiraError(() => client.getMyself());
      expect(error.code).toBe('invalid_response');
      expect(error.status).toBe(302);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('reports not_configured without sending anything when there is no credential', async () => {
    const client = new JiraClient({ credentials: staticCredentialsProvider(undefined) });
    const error = await jiraError(() => client.getMyself());
    expect(error.code).toBe('not_configured');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('Jira errors never carry the credential', () => {
  it('keeps the token and Basic value out of messages, JSON and inspect output even when Jira echoes them', async () => {
    const echo = (r: { headers: Record<string, unknown> }): Record<string, unknown> => {
      const auth = String(r.headers['authorization']);
      return {
        errorMessages: [`bad header ${auth}`, `token ${API_TOKEN}`],
        errors: { [API_TOKEN]: `value ${auth}` },
      };
    };
    const leaks = [API_TOKEN, BASIC];
    for (const status of [400, 401, 403, 404, 409, 429, 500, 503]) {
      stub.handle((r) => ({ status, headers: { 'retry-after': '99' }, body: echo(r) }));
      const { client } = clientFor(stub.url, { maxRetries: 0 });
      const error = await jiraError(() => client.getIssue('DEMO-1'));
      const views = [
        error.message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        String(error.stack),
      ];
      for (const view of views) {
        for (const secret of leaks) expect(view).not.toContain(secret);
      }
    }
    // The redaction is visible, so the message still says what Jira complained about.
    stub.handle((r) => ({ status: 400, body: echo(r) }));
    const { client } = clientFor(stub.url);
    const error = await jiraError(() => client.getIssue('DEMO-1'));
    expect(error.errorMessages).toEqual(['bad header Basic [redacted]', 'token [redacted]']);
    expect(error.fieldErrors).toEqual({ '[redacted]': 'value Basic [redacted]' });
  });

  it('keeps the token out of network and timeout errors', async () => {
    stub.handle(() => 'reset');
    const { client } = clientFor(stub.url, { maxRetries: 0 });
    const error = await jiraError(() => client.getMyself());
    expect(JSON.stringify(error)).not.toContain(API_TOKEN);
    expect(inspect(error)).not.toContain(BASIC);
  });
});

describe('Bearer credentials (RFC 6750 §2.1) and a refused token (RFC 6750 §3.1)', () => {
  const ACCESS = 'person-access-token-0123456789abcdef';

  function bearerClient(provider: JiraCredentialsProvider): JiraClient {
    return new JiraClient({ credentials: provider, maxRetries: 0 });
  }

  it('sends Authorization: Bearer and keeps the token out of errors when Jira echoes it', async () => {
    stub.handle((r) => ({
      status: 400,
      body: { errorMessages: [`bad ${String(r.headers['authorization'])}`, ACCESS] },
    }));
    const client = bearerClient({
      get: () => Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: ACCESS }),
    });
    const error = await jiraError(() => client.getMyself());
    expect(stub.requests[0]?.headers['authorization']).toBe(`Bearer ${ACCESS}`);
    expect(error.errorMessages).toEqual(['bad Bearer [redacted]', '[redacted]']);
    expect(JSON.stringify(error)).not.toContain(ACCESS);
  });

  it('tells the provider about a 401, and retries once with the credential it then gives', async () => {
    const seen: string[] = [];
    let token = 'first-token';
    stub.handle((r) =>
      r.headers['authorization'] === 'Bearer second-token'
        ? { status: 200, body: { accountId: 'acc-1' } }
        : { status: 401, body: { code: 401, message: 'Unauthorized' } },
    );
    const client = bearerClient({
      get: () => Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: token }),
      rejected: (credentials, rejection) => {
        seen.push(
          `${credentials.kind ?? 'basic'} ${String(rejection.status)} ${rejection.bodyText}`,
        );
        token = 'second-token';
        return Promise.resolve(true);
      },
    });
    expect((await client.getMyself()).accountId).toBe('acc-1');
    expect(seen).toEqual(['bearer 401 {"code":401,"message":"Unauthorized"}']);
    expect(stub.requests).toHaveLength(2);
  });

  it('makes a 401 final when the provider declines, and never retries twice', async () => {
    stub.handle(() => ({ status: 401, body: 'Unauthorized' }));
    let calls = 0;
    const declining = bearerClient({
      get: () => Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: ACCESS }),
      rejected: () => Promise.resolve(false),
    });
    expect((await jiraError(() => declining.getMyself())).code).toBe('unauthorized');
    expect(stub.requests).toHaveLength(1);
    const eager = bearerClient({
      get: () => Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: ACCESS }),
      rejected: () => {
        calls += 1;
        return Promise.resolve(true);
      },
    });
    expect((await jiraError(() => eager.getMyself())).code).toBe('unauthorized');
    expect(calls).toBe(1);
    expect(stub.requests).toHaveLength(3);
  });

  it('lets the provider turn a 401 into its own error (a broken link)', async () => {
    stub.handle(() => ({ status: 401, body: 'Unauthorized' }));
    const client = bearerClient({
      get: () => Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: ACCESS }),
      rejected: () => Promise.reject(new RangeError('link broken')),
    });
    await expect(client.getMyself()).rejects.toThrow(new RangeError('link broken'));
  });
});
