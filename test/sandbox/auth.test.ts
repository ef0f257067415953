import { describe, expect, it } from 'vitest';
import { SANDBOX_API_TOKENS } from '../../src/sandbox/index.js';
import { BOB_ID, jiraErrorBody, obj, readResponse, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const UNAUTHENTICATED = jiraErrorBody(['Client must be authenticated to access this resource.']);

async function myself(authorization?: string): Promise<Awaited<ReturnType<typeof readResponse>>> {
  return readResponse(
    await fetch(
      `${t.url}/rest/api/3/myself`,
      authorization === undefined ? {} : { headers: { authorization } },
    ),
  );
}

const basicOf = (credentials: string): string =>
  `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('Basic auth on /rest (email:apiToken)', () => {
  it("answers 401 with Jira's body and a Basic challenge when the header is missing", async () => {
    const res = await myself();
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHENTICATED);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Jira Sandbox", charset="UTF-8"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('rejects a wrong token, an unknown email, a token without an email, and garbage', async () => {
    for (const authorization of [
      basicOf(`alice@example.com:${SANDBOX_API_TOKENS.bob}`),
      basicOf(`mallory@example.com:${SANDBOX_API_TOKENS.alice}`),
      basicOf(SANDBOX_API_TOKENS.alice),
      'Basic !!!',
      'Digest username="alice"',
    ]) {
      const res = await myself(authorization);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHENTICATED);
    }
  });

  it('rejects a Bearer token: the sandbox, like Jira with API tokens, only takes Basic', async () => {
    const res = await myself('Bearer some-mcp-access-token');
    expect(res.status).toBe(401);
  });

  it('authenticates each user as themselves, with the email in any case', async () => {
    const res = await myself(basicOf(`BOB@example.com:${SANDBOX_API_TOKENS.bob}`));
    expect(res.status).toBe(200);
    expect(obj(res.body)['accountId']).toBe(BOB_ID);
  });

  it('guards every /rest route, including unknown ones', async () => {
    const res = await readResponse(await fetch(`${t.url}/rest/api/3/issue/DEMO-1`));
    expect(res.status).toBe(401);
    const unknown = await readResponse(await fetch(`${t.url}/rest/api/3/nothing-here`));
    expect(unknown.status).toBe(401);
  });

  it('answers an unknown route, once authenticated, with a 404 error collection', async () => {
    const res = await t.call('GET', '/rest/api/3/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(jiraErrorBody(['No resource matches GET /rest/api/3/nothing-here.']));
  });
});

describe('Recorded requests', () => {
  it('records method, path, query, body and status, with Authorization reduced to its scheme', async () => {
    const before = t.sandbox.requests.length;
    await fetch(`${t.url}/rest/api/3/search/jql?jql=project%3DOPS`, {
      headers: { authorization: 'Bearer secret-mcp-token-123', cookie: 'session=abc' },
    });
    await t.call('POST', '/rest/api/3/search/jql', { jql: 'project = OPS' });
    const [bearer, basic] = t.sandbox.requests.slice(before);
    expect(bearer).toMatchObject({
      method: 'GET',
      path: '/rest/api/3/search/jql',
      query: '?jql=project%3DOPS',
      status: 401,
    });
    expect(bearer?.headers['authorization']).toBe('Bearer [REDACTED]');
    expect(bearer?.headers['cookie']).toBe('[REDACTED]');
    expect(basic).toMatchObject({ method: 'POST', body: '{"jql":"project = OPS"}', status: 200 });
    expect(basic?.headers['authorization']).toBe('Basic [REDACTED]');
    expect(JSON.stringify(t.sandbox.requests)).not.toContain('secret-mcp-token-123');
    expect(JSON.stringify(t.sandbox.requests)).not.toContain(SANDBOX_API_TOKENS.alice);
  });
});
