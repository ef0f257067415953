import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
];

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
        'Stored the Jira credential for ops@acme.test at https://acme.atlassian.net/, encrypted.\n',
    });
  });

  it('jira status then shows the site and the email, never the token', async () => {
    await cli.run(SET, { stdin: `${API_TOKEN}\n` });
    const result = await cli.run(['jira', 'status']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        'Jira site https://acme.atlassian.net, account ops@acme.test (API token stored encrypted).\n',
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
      ],
      { stdin: API_TOKEN },
    );
    expect((await cli.run(['jira', 'status'])).stdout).toBe(
      'Jira site https://other.atlassian.net, account b@x.test (API token stored encrypted).\n',
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
