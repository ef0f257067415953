/**
 * What every MCP client that finished the OAuth flow must see from the
 * gateway and its Jira sandbox, whichever SDK it is built on: the Jira
 * tools, a search and an issue of project DEMO, and a refresh of an expired
 * access token that needs no person.
 */
import { expect } from 'vitest';
import type { InMemoryOAuthProvider, OAuthRecordTypes } from './in-memory-oauth-provider.js';
import type { LoopbackCallback } from './loopback-servers.js';
import { auditTrail, waitUntilRejected } from './mcp-oauth-flow.js';

/** The part of an MCP client (SDK 1.x or v2) these checks use. */
export interface ToolClient {
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(params: {
    name: string;
    arguments: Record<string, unknown>;
  }): Promise<Record<string, unknown>>;
}

interface TextContent {
  type: string;
  text?: string;
}

/**
 * `tools/list` includes the Jira read tools.
 * @see MCP 2025-11-25 server/tools
 */
export async function expectJiraToolsListed(client: ToolClient): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names).toEqual(
    expect.arrayContaining(['jira_search_issues', 'jira_get_issue', 'jira_whoami']),
  );
}

/**
 * `jira_get_issue` of DEMO-1 returns the sandbox's epic.
 * @see MCP 2025-11-25 server/tools
 */
export async function expectDemoEpic(client: ToolClient): Promise<void> {
  const result = await client.callTool({
    name: 'jira_get_issue',
    arguments: { issueKey: 'DEMO-1' },
  });
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toMatchObject({ key: 'DEMO-1', summary: 'Checkout revamp' });
}

/**
 * A search of project DEMO returns all 28 sandbox issues in one page, and
 * DEMO-3 reads back with its parent and its comment as text.
 * @see MCP 2025-11-25 server/tools
 */
export async function expectDemoSearchAndIssue(client: ToolClient): Promise<void> {
  const search = await client.callTool({
    name: 'jira_search_issues',
    arguments: { jql: 'project = DEMO', maxResults: 50 },
  });
  expect(search.isError).toBeFalsy();
  const found = search.structuredContent as {
    issues: { key: string; summary: string }[];
    isLast: boolean;
  };
  expect(found.isLast).toBe(true);
  expect(found.issues).toHaveLength(28);
  expect(found.issues.every((issue) => /^DEMO-\d+$/.test(issue.key))).toBe(true);
  expect(found.issues).toContainEqual(
    expect.objectContaining({ key: 'DEMO-1', summary: 'Checkout revamp' }),
  );

  const issue = await client.callTool({
    name: 'jira_get_issue',
    arguments: { issueKey: 'DEMO-3' },
  });
  expect(issue.isError).toBeFalsy();
  expect(issue.structuredContent).toMatchObject({
    key: 'DEMO-3',
    summary: 'As a shopper I can pay with a saved card',
    parent: 'DEMO-1',
  });
  const text = (issue.content as TextContent[]).map((c) => c.text ?? '').join('\n');
  expect(text).toContain('Design review done; starting the UI part.');
}

/**
 * Once the access token has expired (the gateway answers 401
 * `invalid_token`), the client's next tool call refreshes by itself: a new
 * access token, a rotated refresh token, the same scopes, no second visit to
 * the browser, and a `token.refreshed` audit event with no reuse detected.
 * Returns the tokens after the refresh.
 * @see draft-ietf-oauth-v2-1-13 §4.3.1; RFC 6750 §3.1
 */
export async function expectSilentRefresh<R extends OAuthRecordTypes>(
  client: ToolClient,
  suite: {
    provider: InMemoryOAuthProvider<R>;
    callback: LoopbackCallback;
    mcpUrl: URL;
    gw: { dataDir: string };
  },
): Promise<R['tokens'] | undefined> {
  const { provider } = suite;
  const before = provider.tokens();
  if (before === undefined) throw new Error('no tokens after the first test');
  const refused = await waitUntilRejected(suite.mcpUrl.href, before.access_token);
  expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');

  await expectDemoEpic(client);

  const after = provider.tokens();
  expect(after?.access_token).not.toBe(before.access_token);
  expect(after?.refresh_token).toMatch(/\S{20,}/);
  expect(after?.refresh_token).not.toBe(before.refresh_token);
  expect(after?.scope).toBe('jira:read jira:write');
  // A refresh needs no person: the browser was used exactly once.
  expect(suite.callback.count()).toBe(1);

  const clientId = provider.clientInformation()?.client_id;
  const trail = await auditTrail(suite.gw.dataDir);
  expect(trail).toContainEqual(
    expect.objectContaining({ type: 'token.refreshed', outcome: 'success', clientId }),
  );
  expect(trail).not.toContainEqual(expect.objectContaining({ type: 'refresh.reuse_detected' }));
  return after;
}
