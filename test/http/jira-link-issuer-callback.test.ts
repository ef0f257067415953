/**
 * With PUBLIC_URL unset the gateway answers as one issuer per loopback
 * spelling, while PersonalJira is built once with PUBLIC_URL's callback. A
 * person linking on another spelling must come back from Atlassian to the
 * spelling that holds their session cookie: the link uses the callback of
 * the issuer the person is on, for the authorize URL and the code exchange.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLASSIAN_SCOPES } from '../../src/config/config.js';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { createPersonalJira, type PersonalJira } from '../../src/jira/person/personal-jira.js';
import { SANDBOX_ATLASSIAN_APP, startSandboxServer } from '../../src/sandbox/index.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
} from '../helpers/oauth-client.js';

const ISSUER_CALLBACK = `${TEST_ISSUER}/jira/oauth/callback`;
/** PUBLIC_URL's callback, as PersonalJira was configured: another spelling. */
const CONFIGURED_CALLBACK = 'http://localhost:8080/jira/oauth/callback';

describe('GET /jira/link and /jira/oauth/callback on an issuer other than PUBLIC_URL (RFC 6749 §4.1.3)', () => {
  let dir: string;
  let sandbox: Awaited<ReturnType<typeof startSandboxServer>>;
  let gw: TestGateway;
  let personal: PersonalJira | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jmg-link-issuer-'));
    sandbox = await startSandboxServer({
      dbPath: path.join(dir, 'sandbox.db'),
      atlassian: { redirectUris: [ISSUER_CALLBACK] },
    });
    gw = await createTestGateway(
      { JIRA_AUTH: 'atlassian-oauth' },
      {},
      {
        personalJira: ({ config, storage, clock }) => {
          personal = createPersonalJira({
            config,
            storage,
            cipher: createLocalCipher(randomBytes(32)),
            clock,
            atlassian: {
              clientId: SANDBOX_ATLASSIAN_APP.clientId,
              clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
              authUrl: sandbox.url,
              apiUrl: sandbox.url,
              scopes: [...ATLASSIAN_SCOPES],
              redirectUri: CONFIGURED_CALLBACK,
            },
          });
          return personal;
        },
      },
    );
  });
  afterAll(async () => {
    await gw.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the person to Atlassian with this issuer’s callback and exchanges the code with the same one', async () => {
    const { client_id: clientId } = await registerClient(gw);
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const html = await (
      await agent.get(
        authorizeUrl({
          client_id: clientId,
          redirect_uri: LOOPBACK_REDIRECT,
          response_type: 'code',
          code_challenge: newPkce().challenge,
          code_challenge_method: 'S256',
          state: 's',
        }),
      )
    ).text();
    const login = await agent.post('/authorize/login', {
      username: TEST_USER.username,
      password: TEST_USER.password,
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
    });
    expect(login.status).toBe(303);

    const start = await agent.get('/jira/link?return_to=%2Faccount');
    expect(start.status).toBe(200);
    const href = /id="continue" href="([^"]+)"/.exec(await start.text())?.[1] ?? '';
    const atlassianUrl = new URL(href.replace(/&amp;/g, '&'));
    expect(atlassianUrl.searchParams.get('redirect_uri')).toBe(ISSUER_CALLBACK);

    const consentPage = await (await fetch(atlassianUrl)).text();
    const form = new URLSearchParams(
      [...consentPage.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
        (m): [string, string] => [m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&')],
      ),
    );
    form.set('email', 'bob@example.com');
    form.set('password', 'sandbox');
    form.set('decision', 'accept');
    const back = await fetch(new URL('/authorize', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const callback = back.headers.get('location') ?? '';
    expect(callback.startsWith(`${ISSUER_CALLBACK}?`)).toBe(true);
    // The sandbox, like Atlassian, refuses an exchange whose redirect_uri differs.
    const done = await agent.get(callback);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/\/account\?notice=jira-linked$|\/account$/);
    const user = await gw.storage.users.getByUsername(TEST_USER.username);
    expect((await personal?.linkStatus(user?.id ?? ''))?.status).toBe('linked');
  });

  it('starts a link that returns to a long authorization request (a metadata-document client id, a long state)', async () => {
    const { client_id: clientId } = await registerClient(gw);
    const agent = new PageAgent(gw.fetch, TEST_ISSUER);
    const request = authorizeUrl({
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
      state: 's'.repeat(3000),
    });
    const html = await (await agent.get(request)).text();
    const login = await agent.post('/authorize/login', {
      username: TEST_USER.username,
      password: TEST_USER.password,
      csrf_token: inputValue(html, 'csrf_token'),
      request: inputValue(html, 'request'),
    });
    expect(login.status).toBe(303);
    const returnTo = `/authorize?${new URL(request).searchParams.toString()}`;
    expect(returnTo.length).toBeGreaterThan(3000);
    const start = await agent.get(`/jira/link?return_to=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('id="continue"');
  });
});
