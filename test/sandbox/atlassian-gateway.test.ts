import { describe, expect, it } from 'vitest';
import { SANDBOX_CLOUD_ID } from '../../src/sandbox/index.js';
import { bearerGet, EMAILS, linkAs, sample, SCOPE_MISMATCH } from './atlassian-fixture.js';
import {
  ALICE_ID,
  arr,
  BOB_ID,
  obj,
  readResponse,
  specErrors,
  useTestSandbox,
} from './sandbox-fixture.js';

const t = useTestSandbox();
const UNAUTHORIZED = { code: 401, message: 'Unauthorized' };
const JIRA = `/ex/jira/${SANDBOX_CLOUD_ID}/rest/api/3`;

async function bearerSend(
  method: string,
  path: string,
  token: string,
  body: unknown,
): Promise<ReturnType<typeof readResponse>> {
  return readResponse(
    await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

function keysOf(value: unknown): string[] {
  return Object.keys(obj(value)).sort();
}

describe('GET /oauth/token/accessible-resources', () => {
  it("lists the sandbox site with the sample's keys: the cloud id, the sandbox origin, the token's site scopes", async () => {
    const tokens = await linkAs(t, EMAILS.alice);
    const res = await bearerGet(t, '/oauth/token/accessible-resources', tokens.access_token);
    expect(res.status).toBe(200);
    const [site] = arr(res.body);
    expect(arr(res.body)).toHaveLength(1);
    expect(keysOf(site)).toEqual(keysOf(arr(sample('accessible-resources.json'))[0]));
    expect(site).toEqual({
      id: SANDBOX_CLOUD_ID,
      name: 'Jira Sandbox',
      url: t.url,
      scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'],
      avatarUrl: `${t.url}/atlassian/site-avatar.svg`,
    });
    const avatar = await fetch(obj(site)['avatarUrl'] as string);
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 401 in the gateway shape without a valid token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic YTpi' }]) {
      const res = await readResponse(
        await fetch(`${t.url}/oauth/token/accessible-resources`, { headers }),
      );
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api.atlassian.com"');
    }
  });
});

describe('GET /me (user identity, scope read:me)', () => {
  it("describes the person behind the token with the sample's keys (account_id = Jira accountId)", async () => {
    const tokens = await linkAs(t, EMAILS.bob);
    const res = await bearerGet(t, '/me', tokens.access_token);
    expect(res.status).toBe(200);
    const me = obj(res.body);
    const expected = obj(sample('me.json'));
    for (const key of Object.keys(expected)) expect(me).toHaveProperty(key);
    expect(keysOf(me['extended_profile'])).toEqual(
      expect.arrayContaining(['job_title', 'organization']),
    );
    expect(me).toMatchObject({
      account_type: 'atlassian',
      account_id: BOB_ID,
      email: 'bob@example.com',
      name: 'Bob Builder',
      account_status: 'active',
      nickname: 'bob',
      locale: 'en-US',
    });
    for (const key of Object.keys(expected)) expect(typeof me[key]).toBe(typeof expected[key]);
  });

  it('answers "scope does not match" without read:me', async () => {
    const tokens = await linkAs(t, EMAILS.alice, 'read:jira-work');
    const res = await bearerGet(t, '/me', tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(SCOPE_MISMATCH);
  });
});

describe('/ex/jira/{cloudId}/rest/api/3 (the API gateway in front of Jira)', () => {
  it('acts as the person who consented', async () => {
    for (const [email, id] of [
      [EMAILS.alice, ALICE_ID],
      [EMAILS.bob, BOB_ID],
    ] as const) {
      const tokens = await linkAs(t, email);
      const res = await bearerGet(t, `${JIRA}/myself`, tokens.access_token);
      expect(res.status).toBe(200);
      expect(obj(res.body)['accountId']).toBe(id);
      expect(specErrors('get', '/rest/api/3/myself', res)).toEqual([]);
      expect(obj(res.body)['self']).toBe(
        `${t.url}/ex/jira/${SANDBOX_CLOUD_ID}/rest/api/3/user?accountId=${encodeURIComponent(id)}`,
      );
    }
  });

  it("applies the person's Jira permissions: Bob does not see OPS", async () => {
    const bob = await linkAs(t, EMAILS.bob);
    expect((await bearerGet(t, `${JIRA}/issue/DEMO-1`, bob.access_token)).status).toBe(200);
    const ops = await bearerGet(t, `${JIRA}/issue/OPS-1`, bob.access_token);
    expect(ops.status).toBe(404);
    const alice = await linkAs(t, EMAILS.alice);
    expect((await bearerGet(t, `${JIRA}/issue/OPS-1`, alice.access_token)).status).toBe(200);
  });

  it('reads and writes issues with the Jira scopes', async () => {
    const tokens = await linkAs(t, EMAILS.alice);
    const issue = await bearerGet(t, `${JIRA}/issue/DEMO-1`, tokens.access_token);
    expect(issue.status).toBe(200);
    expect(obj(issue.body)['key']).toBe('DEMO-1');
    const search = await bearerSend('POST', `${JIRA}/search/jql`, tokens.access_token, {
      jql: 'project = DEMO',
      maxResults: 1,
    });
    expect(search.status).toBe(200);
    const comment = await bearerSend('POST', `${JIRA}/issue/DEMO-1/comment`, tokens.access_token, {
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'via 3LO' }] }],
      },
    });
    expect(comment.status).toBe(201);
    expect(obj(obj(comment.body)['author'])['accountId']).toBe(ALICE_ID);
  });

  it('refuses an operation whose scope the token lacks: 401 "scope does not match"', async () => {
    const readOnly = await linkAs(t, EMAILS.alice, 'read:jira-work');
    const write = await bearerSend('POST', `${JIRA}/issue`, readOnly.access_token, {});
    expect(write.status).toBe(401);
    expect(write.body).toEqual(SCOPE_MISMATCH);
    const users = await bearerGet(t, `${JIRA}/myself`, readOnly.access_token);
    expect(users.body).toEqual(SCOPE_MISMATCH);
    expect((await bearerGet(t, `${JIRA}/issue/DEMO-1`, readOnly.access_token)).status).toBe(200);
    expect(
      (
        await bearerSend('POST', `${JIRA}/search/jql`, readOnly.access_token, {
          jql: 'project = DEMO',
        })
      ).status,
    ).toBe(200);

    const writeOnly = await linkAs(t, EMAILS.alice, 'write:jira-work');
    const read = await bearerGet(t, `${JIRA}/issue/DEMO-1`, writeOnly.access_token);
    expect(read.status).toBe(401);
    expect(read.body).toEqual(SCOPE_MISMATCH);

    const userOnly = await linkAs(t, EMAILS.alice, 'read:jira-user');
    expect(
      (await bearerGet(t, `${JIRA}/user/search?query=bob`, userOnly.access_token)).status,
    ).toBe(200);
    expect((await bearerGet(t, `${JIRA}/project/search`, userOnly.access_token)).body).toEqual(
      SCOPE_MISMATCH,
    );
  });

  it('answers 404 for another cloud id and 401 for a missing, unknown or expired token', async () => {
    const tokens = await linkAs(t, EMAILS.alice);
    const other = await bearerGet(
      t,
      '/ex/jira/00000000-0000-4000-8000-000000000000/rest/api/3/myself',
      tokens.access_token,
    );
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ code: 404, message: 'Not Found' });
    expect((await bearerGet(t, `${JIRA}/myself`, 'unknown')).body).toEqual(UNAUTHORIZED);
    const none = await readResponse(await fetch(`${t.url}${JIRA}/myself`));
    expect(none.status).toBe(401);
    expect(none.body).toEqual(UNAUTHORIZED);
    t.clock.advance(60 * 60_000);
    const expired = await bearerGet(t, `${JIRA}/myself`, tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(UNAUTHORIZED);
  });

  it('refuses Basic at the gateway and Bearer at the site URL, as Atlassian does', async () => {
    const tokens = await linkAs(t, EMAILS.alice);
    const onSite = await bearerGet(t, '/rest/api/3/myself', tokens.access_token);
    expect(onSite.status).toBe(401);
    expect(onSite.body).toEqual({
      errorMessages: ['Client must be authenticated to access this resource.'],
      errors: {},
    });
    const basic = `Basic ${Buffer.from('alice@example.com:sandbox-token-alice').toString('base64')}`;
    const res = await readResponse(
      await fetch(`${t.url}${JIRA}/myself`, { headers: { authorization: basic } }),
    );
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });
});
