import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  JIRA_SHARED_ACCOUNT_RECORD,
  SharedJiraAccountStore,
} from '../../src/jira/shared-account.js';
import { ALICE_ACCOUNT_ID } from '../../src/sandbox/catalog.js';
import { SANDBOX_API_TOKENS, startSandboxServer } from '../../src/sandbox/index.js';
import { createCliHarness, occurrences, type CliHarness } from './cli-harness.js';

// Looks like an Atlassian API token, and is unique to this run.
const API_TOKEN = `ATATT3x${randomBytes(24).toString('base64url')}`;
const SET = [
  'jira',
  'set-credentials',
  '--base-url',
  'https://acme.atlassian.net/',
  '--email',
  'ops@acme.test',
  // These tests are about storage; Jira's check of the credential is tested below.
  '--skip-verify',
];
const UNCHECKED =
  'Not checked with Jira (--skip-verify): the consent page on AWS will not name the shared account.\n';
const UNNAMED =
  'Jira has not named this account (stored unchecked or by an older version): the consent page on AWS does not name it; run `jira set-credentials` again to fix that.\n';

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  expect(cli.allOutput()).not.toContain(API_TOKEN);
  cli.close();
});

describe('jira set-credentials (RFC 7617 Basic credential, stored envelope-encrypted)', () => {
  it('stores the credential with the token read from stdin', async () => {
    const result = await cli.run(SET, { stdin: `${API_TOKEN}\n` });
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdinReads: 1,
      stdout:
        'Stored the Jira credential for ops@acme.test at https://acme.atlassian.net/, encrypted.\n' +
        UNCHECKED,
    });
  });

  it('jira status then shows the site and the email, never the token', async () => {
    await cli.run(SET, { stdin: `${API_TOKEN}\n` });
    const result = await cli.run(['jira', 'status']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        'Jira site https://acme.atlassian.net, account ops@acme.test (API token stored encrypted).\n' +
        UNNAMED,
    });
  });

  it('leaves no trace of the token in the SQLite files', async () => {
    await cli.run(SET, { stdin: API_TOKEN });
    const bytes = cli.dataBytes();
    expect(occurrences(bytes, API_TOKEN)).toBe(0);
    // Nor the whole plaintext record: the email sits only inside the ciphertext too.
    expect(occurrences(bytes, 'ops@acme.test')).toBe(0);
    const stored = await cli.withStorage((s) => s.secrets.get('jira.credentials'));
    expect(stored?.ciphertext.length).toBeGreaterThan(API_TOKEN.length);
  });

  it('replaces an earlier credential', async () => {
    await cli.run(SET, { stdin: 'an-older-token' });
    await cli.run(
      [
        'jira',
        'set-credentials',
        '--base-url',
        'https://other.atlassian.net',
        '--email',
        'b@x.test',
        '--skip-verify',
      ],
      { stdin: API_TOKEN },
    );
    expect((await cli.run(['jira', 'status'])).stdout).toBe(
      'Jira site https://other.atlassian.net, account b@x.test (API token stored encrypted).\n' +
        UNNAMED,
    );
  });

  it('records jira.credentials_set with the site host only', async () => {
    await cli.run(SET, { stdin: API_TOKEN });
    const { stdout } = await cli.run(['audit', 'tail', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({
      type: 'jira.credentials_set',
      outcome: 'success',
      ip: 'cli',
      detail: { site: 'acme.atlassian.net' },
    });
    expect(stdout).not.toContain('ops@acme.test');
  });

  it.each([
    [['jira', 'set-credentials', '--email', 'ops@acme.test']],
    [['jira', 'set-credentials', '--base-url', 'https://acme.atlassian.net']],
    [['jira', 'set-credentials']],
  ])('exits 2 for %j without reading stdin', async (argv) => {
    const result = await cli.run(argv, { stdin: API_TOKEN });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'jira-mcp-gateway: --base-url and --email are required',
    );
  });

  it('exits 2 for a token passed as a flag, without echoing it', async () => {
    const result = await cli.run([...SET, '--api-token', API_TOKEN], { stdin: API_TOKEN });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
    expect(result.stderr).toMatch(/^jira-mcp-gateway: Unknown option '--api-token'/);
  });

  it('exits 2 for a token passed as an argument, without echoing it', async () => {
    const result = await cli.run([...SET, API_TOKEN], { stdin: API_TOKEN });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
  });

  it.each(['acme.atlassian.net', 'ftp://acme.atlassian.net', ''])(
    'exits 2 for --base-url %j without reading stdin',
    async (baseUrl) => {
      const result = await cli.run(
        ['jira', 'set-credentials', '--base-url', baseUrl, '--email', 'ops@acme.test'],
        { stdin: API_TOKEN },
      );
      expect(result.code).toBe(2);
      expect(result.stdinReads).toBe(0);
      expect(result.stderr.split('\n')[0]).toBe(
        'jira-mcp-gateway: --base-url must be an http(s) URL, e.g. https://acme.atlassian.net',
      );
    },
  );

  it.each([
    ['https://me:pw@acme.atlassian.net', 'ops@acme.test', 'baseUrl'],
    ['https://acme.atlassian.net/?x=1', 'ops@acme.test', 'baseUrl'],
    ['https://acme.atlassian.net', ' ', 'email'],
  ])('exits 1 for --base-url %s --email %j, naming the field', async (baseUrl, email, field) => {
    const result = await cli.run(
      ['jira', 'set-credentials', '--base-url', baseUrl, '--email', email],
      { stdin: API_TOKEN },
    );
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `jira-mcp-gateway: Invalid Jira credential: check ${field}.\n`,
    });
    expect(await cli.withStorage((s) => s.secrets.get('jira.credentials'))).toBeUndefined();
  });

  it('exits 1 when stdin holds no token', async () => {
    const result = await cli.run(SET, { stdin: '  \n' });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'jira-mcp-gateway: Invalid Jira credential: check apiToken.\n',
    });
  });
});

describe('jira status', () => {
  it('says when no credential is stored', async () => {
    expect(await cli.run(['jira', 'status'])).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'No Jira credential is stored.\n',
    });
  });

  it('exits 1 with a hint when the master key does not decrypt the credential', async () => {
    const key = randomBytes(32).toString('base64');
    await cli.run(SET, { stdin: API_TOKEN, env: { MASTER_KEY: key } });
    const other = randomBytes(32).toString('base64');
    expect(await cli.run(['jira', 'status'], { env: { MASTER_KEY: other } })).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'jira-mcp-gateway: the stored Jira credential does not decrypt with this master key (has MASTER_KEY or DATA_DIR/master.key changed?)\n',
    });
    expect((await cli.run(['jira', 'status'], { env: { MASTER_KEY: key } })).stdout).toContain(
      'account ops@acme.test',
    );
  });
});

describe('jira set-credentials checks the credential with Jira (GET /rest/api/3/myself) and describes the shared account', () => {
  let jira: Awaited<ReturnType<typeof startSandboxServer>>;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(path.join(tmpdir(), 'jmg-cli-jira-'));
    jira = await startSandboxServer({ dbPath: path.join(sandboxDir, 'sandbox.db') });
  });
  afterAll(async () => {
    await jira.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  const setAlice = (token: string = SANDBOX_API_TOKENS.alice, extra: string[] = []) =>
    cli.run(
      ['jira', 'set-credentials', '--base-url', jira.url, '--email', 'alice@example.com', ...extra],
      { stdin: `${token}\n` },
    );
  const described = () =>
    cli.withStorage((s) => new SharedJiraAccountStore(s.secrets, new ManualClock()).get());

  it('stores the account Jira names (id, name, e-mail, site), never the token, and jira status shows it', async () => {
    const result = await setAlice();
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        `Stored the Jira credential for alice@example.com at ${jira.url}, encrypted.\n` +
        `Jira accepted it as Alice Admin (account ${ALICE_ACCOUNT_ID}); the consent page names this shared account.\n`,
    });
    expect(await described()).toEqual({
      accountId: ALICE_ACCOUNT_ID,
      displayName: 'Alice Admin',
      email: 'alice@example.com',
      siteUrl: jira.url,
    });
    const raw = await cli.withStorage((s) => s.secrets.get(JIRA_SHARED_ACCOUNT_RECORD));
    const text = new TextDecoder().decode(raw?.ciphertext);
    expect(text).toContain('Alice Admin');
    expect(text).not.toContain(SANDBOX_API_TOKENS.alice);
    expect(occurrences(cli.dataBytes(), SANDBOX_API_TOKENS.alice)).toBe(0);
    expect((await cli.run(['jira', 'status'])).stdout).toBe(
      `Jira site ${jira.url}, account alice@example.com (API token stored encrypted).\n` +
        `Jira names it Alice Admin (account ${ALICE_ACCOUNT_ID}); the consent page shows that name.\n`,
    );
  });

  it('refuses a credential Jira answers 401 to, storing nothing and keeping the earlier one', async () => {
    expect((await setAlice()).code).toBe(0);
    const before = await cli.withStorage((s) => s.secrets.get('jira.credentials'));
    const result = await setAlice('not-a-sandbox-token');
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'jira-mcp-gateway: Jira refused this credential (401 on /rest/api/3/myself): check --base-url, --email and the API token. Nothing was stored.\n',
    });
    expect(cli.allOutput()).not.toContain('not-a-sandbox-token');
    expect(await cli.withStorage((s) => s.secrets.get('jira.credentials'))).toEqual(before);
    expect((await described())?.displayName).toBe('Alice Admin');
  });

  it('refuses, storing nothing, when Jira cannot be reached, and says how to store it unchecked', async () => {
    const port = await closedPort();
    const result = await cli.run(
      ['jira', 'set-credentials', '--base-url', `http://127.0.0.1:${port}`, '--email', 'a@x.test'],
      { stdin: API_TOKEN, env: { JIRA_MAX_RETRIES: '0' } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^jira-mcp-gateway: could not check the credential with Jira \(network\): .* Nothing was stored; --skip-verify stores it unchecked\.\n$/,
    );
    expect(await cli.withStorage((s) => s.secrets.get('jira.credentials'))).toBeUndefined();
  });

  it('drops the description when a credential is stored unchecked (--skip-verify): no earlier name is shown for it', async () => {
    await setAlice();
    const result = await setAlice(SANDBOX_API_TOKENS.bob, ['--skip-verify']);
    expect(result.code).toBe(0);
    expect(await described()).toBeUndefined();
    expect(await cli.withStorage((s) => s.secrets.get(JIRA_SHARED_ACCOUNT_RECORD))).toBeUndefined();
  });

  it('ignores a description of an earlier credential (one replaced by an older version)', async () => {
    await setAlice();
    // An older version's set-credentials replaces the credential record only.
    await cli.withStorage(async (s) => {
      const credential = await s.secrets.get('jira.credentials');
      if (credential === undefined) throw new Error('no credential stored');
      await s.secrets.put({ ...credential, updatedAt: credential.updatedAt + 1 });
    });
    expect(await described()).toBeUndefined();
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
