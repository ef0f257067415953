/**
 * `JIRA_PROJECTS` under per-person Jira: the allow-list may name a project
 * the acting person cannot see. Jira answers a `project in (…)` naming it
 * with 400 ("does not exist"), so a search acting as that person is
 * confined to the allowed projects their account can browse, and names
 * the case when there is none.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { createPersonalJira, type PersonalJira } from '../../src/jira/person/personal-jira.js';
import { sandboxToken } from '../../src/sandbox/index.js';
import { startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';
import { createPrincipal, mintToken } from './helpers/tokens.js';

describe('jira_search_issues with JIRA_PROJECTS=DEMO,OPS acting as each person (JIRA_AUTH=personal-token)', () => {
  let bed: McpTestBed;
  let personal: PersonalJira | undefined;

  beforeAll(async () => {
    bed = await startMcpTestBed({
      env: { JIRA_AUTH: 'personal-token', JIRA_PROJECTS: 'DEMO,OPS' },
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

  async function search(
    username: string,
    email: string,
    apiToken: string,
  ): Promise<{ isError: boolean; text: string; jql: unknown; projects: string[] }> {
    const who = await createPrincipal(bed.storage, bed.clock, username);
    if (personal === undefined) throw new Error('the bed starts in beforeAll');
    await personal.storePersonalToken(who.userId, email, apiToken);
    const { token } = await mintToken(bed.storage, bed.clock, who, {
      resource: bed.config.resource,
      scopes: ['jira:read'],
    });
    const client = new Client({ name: 'allow-list-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(bed.mcpUrl, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const result = await client.callTool({
        name: 'jira_search_issues',
        arguments: { jql: 'ORDER BY key ASC', maxResults: 50 },
      });
      const structured = result.structuredContent as
        { jql: string; issues: { key: string }[] } | undefined;
      return {
        isError: result.isError === true,
        text: (result.content as { text: string }[])[0]?.text ?? '',
        jql: structured?.jql,
        projects: [...new Set((structured?.issues ?? []).map((i) => i.key.split('-')[0] ?? ''))],
      };
    } finally {
      await client.close();
    }
  }

  it('confines bob’s search to DEMO, the allowed project his account can see, instead of failing on OPS', async () => {
    const bob = await search('bob-person', 'bob@example.com', sandboxToken('bob'));
    expect(bob.isError).toBe(false);
    expect(bob.jql).toBe('project in ("DEMO") ORDER BY key ASC');
    expect(bob.projects).toEqual(['DEMO']);
  });

  it('keeps both projects for alice, who can see both', async () => {
    const alice = await search('alice-person', 'alice@example.com', sandboxToken('alice'));
    expect(alice.isError).toBe(false);
    expect(alice.jql).toBe('project in ("DEMO", "OPS") ORDER BY key ASC');
    expect(alice.projects.sort()).toEqual(['DEMO', 'OPS']);
  });

  it('answers a tool error naming the case for an account that sees none of the allowed projects', async () => {
    const zoe = bed.sandbox.addUser({ name: 'zoe', projects: [] });
    const result = await search('zoe-person', zoe.emailAddress, zoe.apiToken);
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      'Your Jira account cannot see any of the projects this gateway may access (DEMO, OPS).',
    );
  });
});
