/**
 * A personal access token of a person whose Jira account is not linked:
 * the token cannot authorize again, so `/mcp` neither challenges it as
 * invalid nor revokes its grant. It answers 403 naming the link page, and
 * the same token works once the person has linked.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { createPersonalJira, type PersonalJira } from '../../src/jira/person/personal-jira.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import { sandboxToken } from '../../src/sandbox/index.js';
import { PERSONAL_ACCESS_TOKEN_CLIENT_ID } from '../../src/storage/ports.js';
import { startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';
import { createPrincipal } from './helpers/tokens.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('/mcp: a personal access token without a working Jira link (JIRA_AUTH=personal-token; RFC 6750 §3.1)', () => {
  let bed: McpTestBed;
  let personal: PersonalJira | undefined;

  beforeAll(async () => {
    bed = await startMcpTestBed({
      env: { JIRA_AUTH: 'personal-token', PERSONAL_ACCESS_TOKENS: 'true' },
      // The bed's storage exists only once it has started: build on first use.
      verifier: (config) => ({
        verify: (token) =>
          createInProcessTokenVerifier({
            storage: bed.storage,
            clock: bed.clock,
            resource: config.resource,
            acceptPersonalAccessTokens: true,
          }).verify(token),
      }),
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

  it('answers 403 without a challenge, keeps the grant, and the same token works once linked', async () => {
    const who = await createPrincipal(bed.storage, bed.clock, 'pat-person');
    const now = bed.clock.now();
    const grantId = randomId('grt');
    await bed.storage.grants.create({
      id: grantId,
      userId: who.userId,
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      scopes: ['jira:read'],
      resource: bed.config.resource,
      createdAt: now,
      expiresAt: now + 30 * DAY_MS,
      kind: 'personal',
      label: 'ci job',
    });
    const token = `jmcp_pat_${randomToken()}`;
    await bed.storage.tokens.save([
      {
        tokenHash: hashSecret(token),
        kind: 'access',
        grantId,
        clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
        userId: who.userId,
        scopes: ['jira:read'],
        resource: bed.config.resource,
        issuedAt: now,
        expiresAt: now + 30 * DAY_MS,
      },
    ]);
    const call = (): Promise<Response> =>
      fetch(bed.mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'jira_whoami', arguments: {} },
        }),
      });

    const refused = await call();
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBeNull();
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      'Forbidden: Your Jira account is not linked to this gateway. Link it at https://gateway.test/jira/link; this personal access token works again once it is linked.',
    );
    expect((await bed.storage.grants.get(grantId))?.revokedAt).toBeUndefined();

    if (personal === undefined) throw new Error('the bed starts in beforeAll');
    await personal.storePersonalToken(who.userId, 'bob@example.com', sandboxToken('bob'));
    const works = await call();
    expect(works.status).toBe(200);
    expect(await works.text()).toContain('Bob Builder');
  });
});
