/**
 * Issue 12 on AWS: in JIRA_AUTH=service the OAuth function cannot decrypt
 * the shared Jira credential (least privilege), yet its consent page names
 * the shared account, from the non-secret description `jira set-credentials`
 * stores next to the credential. It asks KMS for nothing to do so.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsGrants } from '../../infra/kms-grants.js';
import { OAUTH_TABLE_ACTIONS } from '../../infra/table-actions.js';
import { createKmsCipher } from '../../src/crypto/kms-cipher.js';
import { storeSharedCredential } from '../../src/entry/jira-credentials-command.js';
import { JiraClient } from '../../src/jira/client.js';
import { JIRA_CREDENTIALS_RECORD, staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JIRA_SHARED_ACCOUNT_RECORD } from '../../src/jira/shared-account.js';
import { SANDBOX_API_TOKENS } from '../../src/sandbox/index.js';
import { inputValue } from '../helpers/browser.js';
import { resultHeader, resultText, type HttpApiAgent } from './helpers/http-api-event.js';
import { KEY_ARN, PUBLIC_URL, startLambdaBed, USER, type LambdaBed } from './helpers/lambda-bed.js';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
const GENERIC =
  '<p id="jira-account">Actions in Jira will be made by this gateway\'s shared Jira account; every person using this gateway acts as that account.</p>';

describe('Lambda OAuth function, JIRA_AUTH=service: the consent page names the shared Jira account without the credential', () => {
  let bed: LambdaBed;
  let agent: HttpApiAgent;
  let authorizePath: string;

  beforeAll(async () => {
    bed = await startLambdaBed();
    agent = bed.agent();
    // What `jira set-credentials` does from the administrator's machine (with the KMS key).
    const credentials = {
      baseUrl: bed.jiraUrl,
      email: 'alice@example.com',
      apiToken: SANDBOX_API_TOKENS.alice,
    };
    await storeSharedCredential(
      {
        secrets: bed.storage.secrets,
        cipher: createKmsCipher({ keyId: KEY_ARN, client: bed.kms }),
        clock: bed.clock,
      },
      credentials,
      new JiraClient({ credentials: staticCredentialsProvider(credentials), maxRetries: 0 }),
    );

    const registered = await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        client_name: 'Consent naming client',
      }),
    });
    expect(registered.result.statusCode).toBe(201);
    const clientId = String(
      (JSON.parse(resultText(registered.result)) as { client_id: unknown }).client_id,
    );
    const challenge = createHash('sha256')
      .update(randomBytes(32).toString('base64url'))
      .digest('base64url');
    authorizePath = `/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'naming',
      resource: `${PUBLIC_URL}/mcp`,
    }).toString()}`;
    const loginPage = await agent.send({ method: 'GET', url: authorizePath });
    const loginHtml = resultText(loginPage.result);
    const login = await agent.postForm('/authorize/login', {
      username: USER.username,
      password: USER.password,
      csrf_token: inputValue(loginHtml, 'csrf_token'),
      request: inputValue(loginHtml, 'request'),
    });
    expect(login.result.statusCode).toBe(303);
    expect(resultHeader(login.result, 'location')).toContain('/authorize?');
  });
  afterAll(async () => {
    await bed.close();
  });

  async function consentParagraph(): Promise<string> {
    const page = await agent.send({ method: 'GET', url: authorizePath });
    expect(page.target).toBe('oauth');
    expect(page.result.statusCode).toBe(200);
    const html = resultText(page.result);
    return /<p id="jira-account">[\s\S]*?<\/p>/.exec(html)?.[0] ?? 'no Jira paragraph';
  }

  it('names the shared account and its site, making no KMS call', async () => {
    const kmsBefore = bed.kms.calls.length;
    expect(await consentParagraph()).toBe(
      `<p id="jira-account">Actions in Jira will be made by the shared account <strong>Alice Admin</strong> on <strong>${bed.jiraUrl}</strong>; every person using this gateway acts as that account.</p>`,
    );
    expect(bed.kmsCalls.oauth).toEqual([]);
    expect(bed.kms.calls.length).toBe(kmsBefore);
  });

  it('says only "shared account" when the credential was stored without a description (an older version)', async () => {
    const description = await bed.storage.secrets.get(JIRA_SHARED_ACCOUNT_RECORD);
    expect(description).toBeDefined();
    await bed.storage.secrets.delete(JIRA_SHARED_ACCOUNT_RECORD);
    try {
      expect(await consentParagraph()).toBe(GENERIC);
    } finally {
      if (description !== undefined) await bed.storage.secrets.put(description);
    }
  });

  it('never shows the name of an earlier credential (replaced without a new description)', async () => {
    const credential = await bed.storage.secrets.get(JIRA_CREDENTIALS_RECORD);
    if (credential === undefined) throw new Error('no credential stored');
    await bed.storage.secrets.put({ ...credential, updatedAt: credential.updatedAt + 1 });
    try {
      expect(await consentParagraph()).toBe(GENERIC);
    } finally {
      await bed.storage.secrets.put(credential);
    }
  });

  it('uses only the DynamoDB actions and KMS grants the CDK app gives the OAuth function, with no secret in its environment', () => {
    expect([...bed.actions.oauth].filter((a) => !OAUTH_TABLE_ACTIONS.includes(a))).toEqual([]);
    expect(bed.kmsCalls.oauth).toEqual([]);
    expect(kmsGrants('oauth', { jiraAuth: 'service', oidcClientSecret: false })).toEqual({
      decrypt: [],
      encrypt: [],
    });
    expect(Object.keys(bed.env).filter((k) => /TOKEN|SECRET|PASSWORD|JIRA_/.test(k))).toEqual([
      'JIRA_MAX_RETRIES',
    ]);
  });
});
