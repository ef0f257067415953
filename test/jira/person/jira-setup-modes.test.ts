import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { resolveJira, type JiraSetup } from '../../../src/entry/jira-setup.js';
import { openLocalRuntime, type LocalRuntime } from '../../../src/entry/runtime.js';
import { isJiraError } from '../../../src/jira/errors.js';
import { SANDBOX_API_TOKENS } from '../../../src/sandbox/index.js';
import { consentAt, rejection } from './person-fixture.js';

let root: string;
let runtime: LocalRuntime | undefined;
let setup: JiraSetup | undefined;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'jmg-jira-modes-'));
});

afterEach(async () => {
  await setup?.close();
  await runtime?.close();
  setup = undefined;
  runtime = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<JiraSetup> {
  const config = loadConfig({ DATA_DIR: path.join(root, 'data'), ...env });
  runtime = await openLocalRuntime(config);
  setup = await resolveJira(config, runtime, path.join(root, 'sandbox.db'));
  return setup;
}

describe('resolveJira: JIRA_AUTH with zero configuration (the sandbox plays every peer)', () => {
  it('atlassian-oauth: the sandbox plays Atlassian, and a person links and acts as their own account', async () => {
    const jira = await start({ JIRA_AUTH: 'atlassian-oauth' });
    expect(jira.personal.mode).toBe('atlassian-oauth');
    expect(jira.description).toMatch(
      /^built-in sandbox at http:\/\/127\.0\.0\.1:\d+ playing Atlassian \(JIRA_AUTH=atlassian-oauth\)/,
    );
    const callback = 'http://localhost:8080/jira/oauth/callback';
    expect(jira.notes).toStrictEqual([`Atlassian callback URL: ${callback}`]);
    const { url } = await jira.personal.startLink('usr_1', '/authorize');
    const query = await consentAt(url, 'bob@example.com', 'accept', callback);
    const { actor } = await jira.personal.completeLink('usr_1', query);
    expect([actor.displayName, actor.email]).toStrictEqual(['Bob Builder', 'bob@example.com']);
    const me = await (await jira.personal.clientFor('usr_1')).getMyself();
    expect(me.emailAddress).toBe('bob@example.com');
    // No shared account exists in this mode.
    expect(isJiraError(await rejection(jira.client.getMyself()), 'not_configured')).toBe(true);
  });

  it('personal-token: each person’s token is checked on the sandbox', async () => {
    const jira = await start({ JIRA_AUTH: 'personal-token' });
    expect(jira.personal.mode).toBe('personal-token');
    const actor = await jira.personal.storePersonalToken(
      'usr_1',
      'alice@example.com',
      SANDBOX_API_TOKENS.alice,
    );
    expect(actor.displayName).toBe('Alice Admin');
    expect(jira.description).toMatch(/as each person's own API token \(JIRA_AUTH=personal-token/);
  });

  it('service: the shared client is also every person’s client', async () => {
    const jira = await start({});
    expect(jira.personal.mode).toBe('service');
    expect(await jira.personal.clientFor('usr_1')).toBe(jira.client);
    expect((await jira.personal.actorFor('usr_1'))?.email).toBe('alice@example.com');
  });
});

describe('resolveJira: JIRA_AUTH=atlassian-oauth with a real Atlassian app', () => {
  it('refuses to start without a client secret, naming ATLASSIAN_CLIENT_SECRET', async () => {
    const error = await rejection(
      start({
        JIRA_AUTH: 'atlassian-oauth',
        ATLASSIAN_CLIENT_ID: 'abc',
        JIRA_BASE_URL: 'https://acme.atlassian.net',
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'Invalid configuration:\n  ATLASSIAN_CLIENT_SECRET: required with JIRA_AUTH=atlassian-oauth; set it, or store it with `atlassian set-client-secret`',
    );
  });

  it('names the mode, the site and the callback URL to register for the banner', async () => {
    const jira = await start({
      JIRA_AUTH: 'atlassian-oauth',
      ATLASSIAN_CLIENT_ID: 'abc',
      ATLASSIAN_CLIENT_SECRET: 'shh',
      JIRA_BASE_URL: 'https://acme.atlassian.net',
      PUBLIC_URL: 'https://gw.example.com',
    });
    expect(jira.description).toBe(
      "each person's own Atlassian account (JIRA_AUTH=atlassian-oauth, OAuth 2.0 3LO app abc) on https://acme.atlassian.net",
    );
    expect(jira.notes).toStrictEqual([
      'Atlassian callback URL (register it in the developer console): https://gw.example.com/jira/oauth/callback',
    ]);
    const { url } = await jira.personal.startLink('usr_1', '/authorize');
    expect(
      url.startsWith(
        'https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=abc&',
      ),
    ).toBe(true);
  });
});
