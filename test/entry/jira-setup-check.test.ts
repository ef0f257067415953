/**
 * The start-up check of the shared Jira account (JIRA_AUTH=service): a wrong
 * JIRA_BASE_URL (Jira's HTML dead-link page on /myself) and a credential
 * Jira answers as anonymous (`X-Seraph-LoginReason`) are logged saying what
 * is wrong, without the token or the page; the gateway starts anyway.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { resolveJira, type JiraSetup } from '../../src/entry/jira-setup.js';
import { openLocalRuntime, type LocalRuntime } from '../../src/entry/runtime.js';
import { createLogger } from '../../src/http/logger.js';
import { startStubServer, type StubServer } from '../jira/helpers/stub-server.js';
import { createCliHarness } from './cli-harness.js';

const TOKEN = 'ATATT3x-startup-check-token-9f8e7d';
const deadLink = JSON.parse(
  readFileSync(
    path.join(import.meta.dirname, '../fixtures/real-responses/errors/404-dead-link-html.json'),
    'utf8',
  ),
) as { status: number; headers: Record<string, string>; body: string };

let stub: StubServer;
let root: string;
let runtime: LocalRuntime | undefined;
let setup: JiraSetup | undefined;

beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'jmg-setup-check-'));
});
afterEach(async () => {
  await setup?.close();
  await runtime?.close();
  setup = undefined;
  runtime = undefined;
  rmSync(root, { recursive: true, force: true });
});

/** Starts the Jira side against the stub and returns the log lines once the check is done. */
async function startAndLog(): Promise<{ level: string; msg: string; error?: string }[]> {
  const lines: string[] = [];
  const config = loadConfig({
    DATA_DIR: path.join(root, 'data'),
    JIRA_MAX_RETRIES: '0',
    JIRA_BASE_URL: stub.url,
    JIRA_EMAIL: 'bot@example.com',
    JIRA_API_TOKEN: TOKEN,
  });
  runtime = await openLocalRuntime(config);
  setup = await resolveJira(
    config,
    runtime,
    path.join(root, 'sandbox.db'),
    createLogger('debug', (line) => lines.push(line)),
  );
  // close() waits for the background check.
  await setup.close();
  setup = undefined;
  for (const line of lines) {
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('<html');
  }
  return lines.map((line) => JSON.parse(line) as { level: string; msg: string; error?: string });
}

describe('resolveJira (JIRA_AUTH=service): start-up check of the shared account', () => {
  it('logs a wrong base URL when /myself answers with an HTML 404 page', async () => {
    stub.handle(() => ({ status: 404, headers: deadLink.headers, body: deadLink.body }));
    const warnings = (await startAndLog()).filter((l) => l.level === 'warn');
    expect(warnings).toEqual([
      {
        level: 'warn',
        time: expect.any(String) as unknown,
        msg: 'Jira start-up check (GET /rest/api/3/myself) failed: Jira answered GET /rest/api/3/myself with a web page (HTTP 404), not a REST answer: the Jira base URL is probably wrong. It must be the site root, like https://acme.atlassian.net (on Data Center with its context path, like https://jira.example.com/jira).',
        error: 'invalid_response',
      },
    ]);
  });

  it('logs a credential Jira answered as anonymous (X-Seraph-LoginReason: AUTHENTICATED_FAILED)', async () => {
    stub.handle(() => ({
      status: 401,
      headers: {
        'content-type': 'text/html;charset=UTF-8',
        'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED',
      },
      body: 'Client must be authenticated to access this resource.',
    }));
    const warnings = (await startAndLog()).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.error).toBe('unauthorized');
    expect(warnings[0]?.msg).toContain(
      'Jira start-up check (GET /rest/api/3/myself) failed: Jira did not accept the Jira credential and answered GET /rest/api/3/myself as an anonymous visitor (X-Seraph-LoginReason: AUTHENTICATED_FAILED, HTTP 401)',
    );
  });
});

describe('jira set-credentials: what is wrong, from the same diagnosis', () => {
  it('names a wrong --base-url (HTML 404 on /myself) and a masked refusal, storing nothing', async () => {
    const cli = createCliHarness();
    try {
      const set = ['jira', 'set-credentials', '--base-url', stub.url, '--email', 'bot@example.com'];
      stub.handle(() => ({ status: 404, headers: deadLink.headers, body: deadLink.body }));
      const wrongUrl = await cli.run(set, { stdin: `${TOKEN}\n`, env: { JIRA_MAX_RETRIES: '0' } });
      expect(wrongUrl).toMatchObject({
        code: 1,
        stderr:
          'jira-mcp-gateway: could not check the credential with Jira (invalid_response): Jira answered GET /rest/api/3/myself with a web page (HTTP 404), not a REST answer: the Jira base URL is probably wrong. It must be the site root, like https://acme.atlassian.net (on Data Center with its context path, like https://jira.example.com/jira). Nothing was stored; --skip-verify stores it unchecked.\n',
      });
      stub.handle(() => ({
        status: 403,
        headers: { 'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED' },
        body: 'Forbidden',
      }));
      const denied = await cli.run(set, { stdin: `${TOKEN}\n`, env: { JIRA_MAX_RETRIES: '0' } });
      expect(denied).toMatchObject({
        code: 1,
        stderr:
          'jira-mcp-gateway: Jira refused to check the Jira credential (X-Seraph-LoginReason: AUTHENTICATION_DENIED on GET /rest/api/3/myself, HTTP 403): after too many failed sign-ins Jira asks for a CAPTCHA. Sign in to Jira once in a browser as that account, then check its e-mail and API token; retrying will not help. Nothing was stored.\n',
      });
      expect(cli.allOutput()).not.toContain(TOKEN);
      expect(await cli.withStorage((s) => s.secrets.get('jira.credentials'))).toBeUndefined();
    } finally {
      cli.close();
    }
  });
});
