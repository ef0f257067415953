/**
 * The gateway's Atlassian 3LO client (src/jira/person/atlassian-oauth-client.ts)
 * against the sandbox playing Atlassian: the two sides agree on every shape.
 */
import { describe, expect, it } from 'vitest';
import { ATLASSIAN_SCOPES } from '../../src/config/config.js';
import {
  ATLASSIAN_OAUTH_ERROR,
  AtlassianOAuthClient,
} from '../../src/jira/person/atlassian-oauth-client.js';
import { SANDBOX_ATLASSIAN_APP, SANDBOX_CLOUD_ID } from '../../src/sandbox/index.js';
import { CALLBACK, EMAILS, hiddenFields, postAuthorize } from './atlassian-fixture.js';
import { ALICE_ID, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

function client(secret: string = SANDBOX_ATLASSIAN_APP.clientSecret): AtlassianOAuthClient {
  return new AtlassianOAuthClient({
    settings: {
      clientId: SANDBOX_ATLASSIAN_APP.clientId,
      authUrl: t.url,
      apiUrl: t.url,
      scopes: [...ATLASSIAN_SCOPES],
      redirectUri: CALLBACK,
    },
    clientSecret: () => Promise.resolve(secret),
    clock: t.clock,
  });
}

/** Follows the client's authorize URL through the sandbox's form as Alice; returns the code. */
async function codeFor(oauth: AtlassianOAuthClient, state: string): Promise<string> {
  const page = await fetch(oauth.authorizeUrl(state));
  expect(page.status).toBe(200);
  const answer = await postAuthorize(t, {
    ...hiddenFields(await page.text()),
    email: EMAILS.alice,
    password: 'sandbox',
    decision: 'accept',
  });
  const location = new URL(answer.headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code') ?? '';
}

describe("the gateway's Atlassian client against the sandbox", () => {
  it('links: code exchange, accessible-resources, /me, then rotating refreshes', async () => {
    const oauth = client();
    const tokens = await oauth.exchangeCode(await codeFor(oauth, 'interop-1'));
    expect(tokens.refreshToken).toBeDefined();
    expect(tokens.expiresAt).toBe(t.clock.now() + 3_600_000);
    const sites = await oauth.accessibleResources(tokens.accessToken);
    expect(sites).toEqual([
      {
        id: SANDBOX_CLOUD_ID,
        name: 'Jira Sandbox',
        url: t.url,
        scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'],
      },
    ]);
    expect(await oauth.me(tokens.accessToken)).toEqual({
      accountId: ALICE_ID,
      name: 'Alice Admin',
      email: 'alice@example.com',
    });
    const next = await oauth.refresh(tokens.refreshToken ?? '');
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
  });

  it('sees a refresh token reused after the leeway as a dead grant ("refused")', async () => {
    const oauth = client();
    const tokens = await oauth.exchangeCode(await codeFor(oauth, 'interop-2'));
    await oauth.refresh(tokens.refreshToken ?? '');
    t.clock.advance(10 * 60_000);
    await expect(oauth.refresh(tokens.refreshToken ?? '')).rejects.toMatchObject({
      code: ATLASSIAN_OAUTH_ERROR.refused,
      status: 403,
      oauthError: 'invalid_grant',
    });
  });

  it('sees a wrong client secret as "rejected", not as a dead grant', async () => {
    const code = await codeFor(client(), 'interop-3');
    await expect(client('wrong-secret').exchangeCode(code)).rejects.toMatchObject({
      code: ATLASSIAN_OAUTH_ERROR.rejected,
      status: 401,
    });
  });
});
