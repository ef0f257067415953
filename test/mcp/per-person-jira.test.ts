/**
 * `/mcp` with per-person Jira (JIRA_AUTH=personal-token, H5's PersonalJira
 * against the multi-user sandbox): each call runs as the caller's own Jira
 * account and the audit names it; a caller without a working link gets
 * HTTP 401 `invalid_token` (and loses the calling grant, so the client's
 * refresh fails and it authorizes again, which links), or a URL-mode
 * elicitation (-32042) when its `initialize` declared `elicitation.url`.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { createPersonalJira, type PersonalJira } from '../../src/jira/person/personal-jira.js';
import { BOB_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import { sandboxToken } from '../../src/sandbox/index.js';
import { RESOURCE_METADATA, startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';
import { createPrincipal, mintToken, type Principal } from './helpers/tokens.js';

const LINK_CHALLENGE = `Bearer error="invalid_token", error_description="Link your Jira account to this gateway: authorize again", resource_metadata="${RESOURCE_METADATA}", scope="jira:read jira:write"`;
const LINK_URL = 'https://gateway.test/jira/link';

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

function whoamiCall(id: number): object {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'jira_whoami', arguments: {} },
  };
}

function initialize(capabilities: object, protocolVersion = '2025-11-25'): object {
  return {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion, capabilities, clientInfo: { name: 'raw', version: '1' } },
  };
}

describe('/mcp with per-person Jira (JIRA_AUTH=personal-token; MCP 2025-11-25 authorization, client/elicitation)', () => {
  let bed: McpTestBed;
  let personal: PersonalJira | undefined;
  const jira = (): PersonalJira => {
    if (personal === undefined) throw new Error('the bed starts in beforeAll');
    return personal;
  };

  beforeAll(async () => {
    bed = await startMcpTestBed({
      env: { JIRA_AUTH: 'personal-token' },
      callerJira: ({ config, storage, clock, jiraUrl }) => {
        personal = createPersonalJira({
          config,
          storage,
          cipher: createLocalCipher(randomBytes(32)),
          clock,
          siteUrl: jiraUrl,
        });
        return personal;
      },
    });
  });
  afterAll(async () => {
    await bed.close();
  });

  async function person(username: string): Promise<Principal> {
    return createPrincipal(bed.storage, bed.clock, username);
  }

  async function mint(who: Principal): Promise<{ token: string; grantId: string }> {
    return mintToken(bed.storage, bed.clock, who, {
      resource: bed.config.resource,
      scopes: ['jira:read', 'jira:write'],
    });
  }

  function post(token: string, body: object): Promise<Response> {
    return fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  }

  async function connect(token: string, capabilities: object = {}): Promise<Client> {
    const client = new Client({ name: 'per-person-test', version: '1.0.0' }, { capabilities });
    await client.connect(
      new StreamableHTTPClientTransport(bed.mcpUrl, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    return client;
  }

  async function eventsOf(type: string, userId: string) {
    return (await bed.audit.tail(10_000)).filter((e) => e.type === type && e.userId === userId);
  }

  it('answers a tools/call of a person without a link with 401 invalid_token and the link description, and revokes the calling grant', async () => {
    const carol = await person('carol-unlinked');
    const { token, grantId } = await mint(carol);
    // Initialize and tools/list need no Jira: they still work.
    expect((await post(token, initialize({}))).status).toBe(200);
    const list = await post(token, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(list.status).toBe(200);

    const res = await post(token, whoamiCall(3));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(LINK_CHALLENGE);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32000);
    expect(body.error.message).toContain('Your Jira account is not linked to this gateway');

    const grant = await bed.storage.grants.get(grantId);
    expect(grant?.revokedAt).toBe(bed.clock.now());
    expect(grant?.revokedReason).toBe('jira link required');
    // The token is dead now: the client's refresh fails too, so it authorizes again.
    expect((await post(token, whoamiCall(4))).headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="The access token is not valid for this resource"/,
    );

    const [called] = await eventsOf('tool.called', carol.userId);
    expect(called).toMatchObject({
      outcome: 'failure',
      grantId,
      detail: {
        tool: 'jira_whoami',
        error: 'jira_link_required',
        jiraAuth: 'personal-token',
        jiraAccountId: null,
        jiraSite: null,
      },
    });
    const [revoked] = await eventsOf('grant.revoked', carol.userId);
    expect(revoked).toMatchObject({
      outcome: 'success',
      grantId,
      detail: { reason: 'jira_link_required', link: 'missing' },
    });
  });

  it('runs each call as the caller’s own Jira account, says so in jira_whoami, and names the account in the audit', async () => {
    const dave = await person('dave-bob');
    const actor = await jira().storePersonalToken(
      dave.userId,
      'bob@example.com',
      sandboxToken('bob'),
    );
    expect(actor).toMatchObject({ mode: 'personal-token', accountId: BOB_ACCOUNT_ID });
    const { token, grantId } = await mint(dave);
    const client = await connect(token);
    try {
      const result = await client.callTool({ name: 'jira_whoami', arguments: {} });
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toMatchObject({
        jiraAccount: { accountId: BOB_ACCOUNT_ID, displayName: 'Bob Builder' },
        actingAs: { mode: 'personal-token', shared: false, site: bed.jiraUrl },
      });
      const text = (result.content as { text: string }[])[0]?.text ?? '';
      expect(text).toContain(
        `Jira account: **Bob Builder** (accountId \`${BOB_ACCOUNT_ID}\`) on ${bed.jiraUrl}`,
      );
      expect(text).toContain('Acting as: your own Jira API token, stored at this gateway');
      // The sandbox saw bob's own credential, not a shared one.
      const seen = bed.sandbox.requests.filter((r) => r.path === '/rest/api/3/myself').at(-1);
      expect(seen).toBeDefined();
    } finally {
      await client.close();
    }
    const [called] = await eventsOf('tool.called', dave.userId);
    expect(called).toMatchObject({
      outcome: 'success',
      grantId,
      detail: {
        tool: 'jira_whoami',
        error: null,
        jiraAuth: 'personal-token',
        jiraAccountId: BOB_ACCOUNT_ID,
        jiraSite: bed.jiraUrl,
      },
    });
  });

  it('asks a client that declared elicitation.url to open the link page (-32042) instead of failing, keeps its grant, and runs the retried call once linked', async () => {
    const erin = await person('erin-elicit');
    const { token, grantId } = await mint(erin);
    const client = await connect(token, { elicitation: { url: {} } });
    try {
      const refusal = await client.callTool({ name: 'jira_whoami', arguments: {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(UrlElicitationRequiredError);
      const elicitation = (refusal as UrlElicitationRequiredError).elicitations[0];
      expect(elicitation?.elicitationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect({ ...elicitation, elicitationId: 'x' }).toEqual({
        mode: 'url',
        url: LINK_URL,
        elicitationId: 'x',
        message:
          'Your Jira account is not linked to this gateway. Open this page to link it, then try again.',
      });
      expect((await bed.storage.grants.get(grantId))?.revokedAt).toBeUndefined();

      // The person opens the page and links; the client retries the same call.
      await jira().storePersonalToken(erin.userId, 'bob@example.com', sandboxToken('bob'));
      const retried = await client.callTool({ name: 'jira_whoami', arguments: {} });
      expect(retried.structuredContent).toMatchObject({
        jiraAccount: { accountId: BOB_ACCOUNT_ID },
      });
    } finally {
      await client.close();
    }
  });

  it('never sends -32042 to a client that did not declare elicitation.url, or to one that speaks an older revision', async () => {
    // Declared URL mode, but negotiated 2025-06-18 (no URL mode there).
    const frank = await person('frank-old');
    const old = await mint(frank);
    expect(
      (await post(old.token, initialize({ elicitation: { url: {} } }, '2025-06-18'))).status,
    ).toBe(200);
    const oldAnswer = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: {
        ...JSON_HEADERS,
        'mcp-protocol-version': '2025-06-18',
        authorization: `Bearer ${old.token}`,
      },
      body: JSON.stringify(whoamiCall(1)),
    });
    expect(oldAnswer.status).toBe(401);
    expect(oldAnswer.headers.get('www-authenticate')).toBe(LINK_CHALLENGE);

    // Form mode only: no URL mode.
    const gina = await person('gina-form');
    const form = await mint(gina);
    expect((await post(form.token, initialize({ elicitation: { form: {} } }))).status).toBe(200);
    const formAnswer = await post(form.token, whoamiCall(1));
    expect(formAnswer.status).toBe(401);

    // Declared, then re-initialized without it: forgotten at once.
    const hank = await person('hank-changed');
    const changed = await mint(hank);
    await post(changed.token, initialize({ elicitation: { url: {} } }));
    await post(changed.token, initialize({}));
    expect((await post(changed.token, whoamiCall(1))).status).toBe(401);
  });

  it('turns a token Jira stops accepting mid-call into a broken link and 401 invalid_token', async () => {
    const ivan = await person('ivan-broken');
    const account = bed.sandbox.addUser({ name: 'ivan', projects: ['DEMO'] });
    await jira().storePersonalToken(ivan.userId, account.emailAddress, account.apiToken);
    const { token, grantId } = await mint(ivan);
    expect((await post(token, whoamiCall(1))).status).toBe(200);

    // The person revoked the API token at Atlassian.
    account.apiToken = 'sandbox-token-revoked';
    const res = await post(token, whoamiCall(2));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(LINK_CHALLENGE);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('The link to your Jira account stopped working');
    expect((await jira().linkStatus(ivan.userId)).status).toBe('broken');
    expect((await bed.storage.grants.get(grantId))?.revokedReason).toBe('jira link required');
    const calls = await eventsOf('tool.called', ivan.userId);
    expect(calls.map((e) => [e.outcome, e.detail?.['error'], e.detail?.['jiraAccountId']])).toEqual(
      [
        ['success', null, account.accountId],
        ['failure', 'jira_link_required', account.accountId],
      ],
    );
    const [revoked] = await eventsOf('grant.revoked', ivan.userId);
    expect(revoked?.detail).toEqual({ reason: 'jira_link_required', link: 'broken' });
  });
});
