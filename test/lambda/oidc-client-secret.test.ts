/**
 * A confidential OpenID client on Lambda: the OAuth function reads the
 * client secret an administrator stored with `oidc set-client-secret`
 * (envelope-encrypted under the KMS key, in the table), decrypting it
 * through the same KMS cipher the MCP function uses for the Jira
 * credential, and authenticates to the provider's token endpoint with it.
 * Without a stored secret it stays a public client (PKCE only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClientSecretStore } from '../../src/accounts/oidc/client-secret-store.js';
import { createKmsCipher } from '../../src/crypto/kms-cipher.js';
import { createLambdaHandlers } from '../../src/entry/lambda.js';
import {
  startScriptedOpenIdProvider,
  type ScriptedOpenIdProvider,
} from '../helpers/scripted-openid-provider.js';
import { HttpApiAgent, resultHeader, resultText } from './helpers/http-api-event.js';
import { KEY_ARN, PUBLIC_URL, startLambdaBed, type LambdaBed } from './helpers/lambda-bed.js';

const CLIENT_SECRET = 'lambda-oidc-client-secret-Zq8xW3vN5pR7tY9u';
const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

describe('OAuth function: a confidential OpenID client with the stored secret (OpenID Connect Core 1.0 §9)', () => {
  let op: ScriptedOpenIdProvider;
  let bed: LambdaBed;

  beforeAll(async () => {
    op = await startScriptedOpenIdProvider();
    bed = await startLambdaBed({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: op.clientId,
      OIDC_PROVIDER_NAME: 'Acme SSO',
    });
  });
  afterAll(async () => {
    await bed.close();
    await op.close();
  });

  /**
   * Fresh handlers over the bed's table (a new container, with nothing
   * discovered yet), and a new browser for each call.
   */
  function newContainer(): () => HttpApiAgent {
    const handlers = createLambdaHandlers(bed.env, {
      dynamoDbClient: bed.local.newClient(),
      kmsClient: bed.kms,
      clock: bed.clock,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    return () => new HttpApiAgent((target, event) => handlers[target](event), PUBLIC_URL);
  }

  /** Register, authorize, "Sign in with Acme SSO", the provider's answer, the callback. */
  async function signIn(agent: HttpApiAgent): Promise<{ status: number; location: string }> {
    const registered = await agent.send({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    const clientId = (JSON.parse(resultText(registered.result)) as { client_id: string }).client_id;
    const authorize = `/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'client-state',
    }).toString()}`;
    const page = await agent.send({ method: 'GET', url: authorize });
    expect(page.result.statusCode).toBe(200);
    const link = /<a class="button primary" href="([^"]+)">Sign in with Acme SSO<\/a>/
      .exec(resultText(page.result))?.[1]
      ?.replace(/&amp;/g, '&');
    expect(link).toBeDefined();
    const start = await agent.send({ method: 'GET', url: link ?? '' });
    expect(start.target).toBe('oauth');
    expect(start.result.statusCode).toBe(303);
    const provider = await fetch(resultHeader(start.result, 'location') ?? '', {
      redirect: 'manual',
    });
    expect(provider.status).toBe(303);
    const callback = new URL(provider.headers.get('location') ?? '');
    expect(callback.origin + callback.pathname).toBe(`${PUBLIC_URL}/login/oidc/callback`);
    const back = await agent.send({ method: 'GET', url: callback.pathname + callback.search });
    return {
      status: back.result.statusCode ?? 0,
      location: resultHeader(back.result, 'location') ?? '',
    };
  }

  it('is a public client (PKCE, no client authentication) while no secret is stored', async () => {
    op.tokenRequests.length = 0;
    const { status, location } = await signIn(newContainer()());
    expect(status).toBe(303);
    expect(location).toMatch(/^\/authorize\?/);
    expect(op.tokenRequests).toHaveLength(1);
    expect(op.tokenRequests[0]?.authorization).toBeUndefined();
    expect(op.tokenRequests[0]?.form.get('client_id')).toBe(op.clientId);
  });

  it('authenticates with client_secret_basic once the secret is stored, decrypted through KMS under its own context', async () => {
    // What `oidc set-client-secret` does from the administrator's machine (KMS_KEY_ID set).
    await new OidcClientSecretStore(
      bed.storage.secrets,
      createKmsCipher({ keyId: KEY_ARN, client: bed.kms }),
      bed.clock,
    ).set(CLIENT_SECRET);
    op.tokenRequests.length = 0;
    const decryptsBefore = bed.kms.calls.filter((c) => c.op === 'Decrypt').length;

    const { status, location } = await signIn(newContainer()());
    expect(status).toBe(303);
    expect(location).toMatch(/^\/authorize\?/);
    expect(op.tokenRequests).toHaveLength(1);
    const [token] = op.tokenRequests;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64.
    const basic = Buffer.from((token?.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')
      .map(decodeURIComponent);
    expect(basic).toStrictEqual([op.clientId, CLIENT_SECRET]);
    expect(token?.form.get('client_secret')).toBeNull();

    const decrypts = bed.kms.calls.filter((c) => c.op === 'Decrypt').slice(decryptsBefore);
    expect(decrypts).toEqual([
      { op: 'Decrypt', keyId: KEY_ARN, context: { purpose: 'oidc-client-secret' } },
    ]);
  });

  it('decrypts the secret once per container, not per sign-in', async () => {
    const browser = newContainer();
    const before = bed.kms.calls.filter((c) => c.op === 'Decrypt').length;
    expect((await signIn(browser())).status).toBe(303);
    expect((await signIn(browser())).status).toBe(303);
    expect(bed.kms.calls.filter((c) => c.op === 'Decrypt').length).toBe(before + 1);
  });

  it('never writes the secret to the log or the audit trail', async () => {
    expect(JSON.stringify(bed.logs)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(await bed.storage.audit.tail(200))).not.toContain(CLIENT_SECRET);
  });
});
