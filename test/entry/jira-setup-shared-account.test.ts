/**
 * `serve` in JIRA_AUTH=service with JIRA_BASE_URL/JIRA_EMAIL/JIRA_API_TOKEN
 * (or a credential stored by an older version): the credential is stored
 * encrypted and who it is (`/myself`) is described next to it, in the
 * background, so the OAuth function on AWS can name the shared account.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { resolveJira, type JiraSetup } from '../../src/entry/jira-setup.js';
import { openLocalRuntime, type LocalRuntime } from '../../src/entry/runtime.js';
import { JIRA_CREDENTIALS_RECORD } from '../../src/jira/credentials.js';
import { SharedJiraAccountStore } from '../../src/jira/shared-account.js';
import { ALICE_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import { SANDBOX_API_TOKENS, startSandboxServer } from '../../src/sandbox/index.js';

let jira: Awaited<ReturnType<typeof startSandboxServer>>;
let sandboxDir: string;
let root: string;
let runtime: LocalRuntime | undefined;
let setup: JiraSetup | undefined;

beforeAll(async () => {
  sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-setup-jira-'));
  jira = await startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') });
});
afterAll(async () => {
  await jira.close();
  rmSync(sandboxDir, { recursive: true, force: true });
});
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'jmg-setup-shared-'));
});
afterEach(async () => {
  await setup?.close();
  await runtime?.close();
  setup = undefined;
  runtime = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<LocalRuntime> {
  const config = loadConfig({ DATA_DIR: path.join(root, 'data'), JIRA_MAX_RETRIES: '0', ...env });
  runtime = await openLocalRuntime(config);
  setup = await resolveJira(config, runtime, path.join(root, 'sandbox.db'));
  return runtime;
}

describe('resolveJira (JIRA_AUTH=service): the shared account is described for processes without the credential', () => {
  it('describes the credential of JIRA_BASE_URL/JIRA_EMAIL/JIRA_API_TOKEN from /myself by the time it closes', async () => {
    const rt = await start({
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: 'alice@example.com',
      JIRA_API_TOKEN: SANDBOX_API_TOKENS.alice,
    });
    await setup?.close();
    setup = undefined;
    expect(await new SharedJiraAccountStore(rt.storage.secrets, rt.clock).get()).toEqual({
      accountId: ALICE_ACCOUNT_ID,
      displayName: 'Alice Admin',
      email: 'alice@example.com',
      siteUrl: jira.url,
    });
  });

  it('stores no description when Jira refuses the credential, and starts anyway', async () => {
    const rt = await start({
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: 'alice@example.com',
      JIRA_API_TOKEN: 'not-a-sandbox-token',
    });
    await setup?.close();
    setup = undefined;
    expect(await rt.storage.secrets.get(JIRA_CREDENTIALS_RECORD)).toBeDefined();
    expect(await new SharedJiraAccountStore(rt.storage.secrets, rt.clock).get()).toBeUndefined();
  });
});
