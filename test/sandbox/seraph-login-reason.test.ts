/**
 * The sandbox names a refused Basic sign-in as Jira Cloud does, in
 * `X-Seraph-LoginReason: AUTHENTICATED_FAILED`, so the gateway's diagnosis
 * of a bad credential runs against it end to end.
 */
import { describe, expect, it } from 'vitest';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JiraClient } from '../../src/jira/client.js';
import { JiraError } from '../../src/jira/errors.js';
import { SANDBOX_API_TOKENS } from '../../src/sandbox/index.js';
import { useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const basicOf = (credentials: string): string =>
  `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('X-Seraph-LoginReason on a refused Basic credential', () => {
  it('is AUTHENTICATED_FAILED for a wrong token, absent without a Basic header or when accepted', async () => {
    const wrong = await fetch(`${t.url}/rest/api/3/myself`, {
      headers: { authorization: basicOf(`alice@example.com:${SANDBOX_API_TOKENS.bob}`) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    const none = await fetch(`${t.url}/rest/api/3/myself`);
    expect(none.status).toBe(401);
    expect(none.headers.get('x-seraph-loginreason')).toBeNull();
    const right = await fetch(`${t.url}/rest/api/3/myself`, {
      headers: { authorization: basicOf(`alice@example.com:${SANDBOX_API_TOKENS.alice}`) },
    });
    expect(right.status).toBe(200);
    expect(right.headers.get('x-seraph-loginreason')).toBeNull();
  });

  it('makes the client say the credential was not accepted', async () => {
    const client = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: t.url,
        email: 'alice@example.com',
        apiToken: 'not-the-token',
      }),
      maxRetries: 0,
    });
    const error = await client.getMyself().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('unauthorized');
    expect((error as JiraError).message).toContain(
      'X-Seraph-LoginReason: AUTHENTICATED_FAILED, HTTP 401',
    );
    expect((error as JiraError).message).not.toContain('not-the-token');
  });
});
