/**
 * A personal access token used by the official MCP TypeScript SDK 1.x
 * client as a static header (`requestInit.headers`), as clients without
 * OAuth do, against the gateway as a real process: made on /account, its
 * scopes enforced at /mcp, its tool calls audited under its grant, refused
 * once PERSONAL_ACCESS_TOKENS is turned off (and accepted again when on),
 * and refused once its person is disabled.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, inputValue } from '../helpers/browser.js';
import { freePort, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { auditTrail } from '../helpers/mcp-oauth-flow.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN_SHAPE = /jmcp_pat_[A-Za-z0-9_-]{43}/;

describe('personal access token as a static header with the MCP TypeScript SDK 1.x client', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jmg-pat-'));
  let port: number;
  let gw: GatewayProcess | undefined;
  let adminPassword = '';
  let token = '';
  const open: Client[] = [];

  const restart = async (enabled: boolean): Promise<GatewayProcess> => {
    await gw?.stop();
    gw = await startGatewayProcess({
      PORT: String(port),
      DATA_DIR: dataDir,
      PERSONAL_ACCESS_TOKENS: String(enabled),
    });
    return gw;
  };

  /** An MCP client that sends the token as a fixed header and does no OAuth. */
  const connect = async (running: GatewayProcess): Promise<Client> => {
    const transport = new StreamableHTTPClientTransport(new URL(`${running.publicUrl}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'e2e-pat', version: '1.0.0' });
    await client.connect(transport);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    port = await freePort();
    const first = await restart(true);
    adminPassword = first.adminPassword ?? '';
    expect(adminPassword).not.toBe('');
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a read-only token on /account and uses it for the read tools only', async () => {
    const running = gw as GatewayProcess;
    const agent = new PageAgent(fetch, running.publicUrl);
    const signIn = await (await agent.get('/account')).text();
    const login = await agent.post('/account/login', {
      csrf_token: inputValue(signIn, 'csrf_token'),
      username: 'admin',
      password: adminPassword,
    });
    expect(login.status).toBe(303);
    const account = await (await agent.get('/account')).text();
    const section = /<section id="personal-tokens">[\s\S]*?<\/section>/.exec(account)?.[0] ?? '';
    const created = await agent.post('/account/personal-tokens', {
      csrf_token: inputValue(section, 'csrf_token'),
      form_id: inputValue(section, 'form_id'),
      name: 'CI job',
      scope: 'jira:read',
      days: '7',
    });
    expect(created.status).toBe(200);
    token = TOKEN_SHAPE.exec(await created.text())?.[0] ?? '';
    expect(token).not.toBe('');

    const client = await connect(running);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('jira_get_issue');
    const read = await client.callTool({
      name: 'jira_get_issue',
      arguments: { issueKey: 'DEMO-1' },
    });
    expect(read.isError).toBeFalsy();
    expect(read.structuredContent).toMatchObject({ key: 'DEMO-1' });
    // Scopes hold for a token too: no OAuth to step up with, so the 403 reaches the caller.
    await expect(
      client.callTool({ name: 'jira_add_comment', arguments: { issueKey: 'DEMO-1', body: 'x' } }),
    ).rejects.toMatchObject({ code: 403 });

    const trail = await auditTrail(dataDir);
    const calls = trail.filter(
      (e) => e.type === 'tool.called' && e.clientId === 'personal-access-token',
    );
    expect(calls.map((e) => e.outcome)).toEqual(['success', 'failure']);
    expect(trail.filter((e) => e.type === 'token.personal_issued')).toHaveLength(1);
  });

  it('is refused at /mcp while PERSONAL_ACCESS_TOKENS=false, and accepted again once it is back on', async () => {
    const off = await restart(false);
    await expect(connect(off)).rejects.toMatchObject({ code: 401 });
    const creation = await fetch(`${off.publicUrl}/account/personal-tokens`, { method: 'POST' });
    expect(creation.status).toBe(404);

    const on = await restart(true);
    const client = await connect(on);
    expect((await client.callTool({ name: 'jira_whoami', arguments: {} })).isError).toBeFalsy();
  });

  it('is refused once its person is disabled (disabling revokes the grant)', async () => {
    const running = gw as GatewayProcess;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/entry/node.ts', 'user', 'disable', 'admin', '--data-dir', dataDir],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
      },
    );
    expect(stdout).toContain('Disabled user admin.');
    await expect(connect(running)).rejects.toMatchObject({ code: 401 });
    const grants = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/entry/node.ts', 'grant', 'list', '--data-dir', dataDir],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
      },
    );
    const row = grants.stdout.split('\n').find((line) => line.includes('personal-access-token'));
    expect(row).toContain('revoked (user disabled)');
  });
});
