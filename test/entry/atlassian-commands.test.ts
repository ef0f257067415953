/**
 * `atlassian set-client-secret`: the Atlassian OAuth app's client secret is
 * read from standard input only, stored only envelope-encrypted, audited
 * without its value, and read back by the source the per-person Jira code
 * uses (the environment's ATLASSIAN_CLIENT_SECRET still wins).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import { loadOrCreateMasterKey } from '../../src/crypto/master-key.js';
import { atlassianClientSecretSource } from '../../src/jira/person/atlassian-client-secret-source.js';
import { ATLASSIAN_CLIENT_SECRET_RECORD } from '../../src/jira/person/atlassian-client-secret-store.js';
import { createCliHarness, occurrences, type CliHarness } from './cli-harness.js';

// Shaped like an Atlassian app secret, and unique to this run.
const SECRET = `ATOA${randomBytes(30).toString('hex')}`;
const SET = ['atlassian', 'set-client-secret'];
const CLOCK = { now: () => Date.now() };

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});
afterEach(() => {
  expect(cli.allOutput()).not.toContain(SECRET);
  cli.close();
});

async function storedSecret(configured?: string): Promise<string | undefined> {
  const master = await loadOrCreateMasterKey({ keyPath: path.join(cli.dir, 'master.key') });
  return cli.withStorage((s) =>
    atlassianClientSecretSource({
      configured,
      secrets: s.secrets,
      cipher: createLocalCipher(master.key),
      clock: CLOCK,
    })(),
  );
}

describe('atlassian set-client-secret (RFC 6749 §2.3.1 client password, stored envelope-encrypted)', () => {
  it('stores the secret read once from stdin, only encrypted, and audits the change without it', async () => {
    const result = await cli.run(SET, { stdin: `${SECRET}\n` });
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdinReads: 1,
      stdout:
        'Stored the Atlassian client secret, encrypted. It is used when ATLASSIAN_CLIENT_SECRET is not set; running gateways use it within five minutes.\n',
    });
    expect(occurrences(cli.dataBytes(), SECRET)).toBe(0);
    await cli.withStorage(async (s) => {
      const record = await s.secrets.get(ATLASSIAN_CLIENT_SECRET_RECORD);
      expect(record?.ciphertext.length).toBeGreaterThan(SECRET.length);
      const [event] = await s.audit.tail(1);
      expect(event).toMatchObject({
        type: AUDIT_EVENT.atlassianClientSecretSet,
        outcome: 'success',
        ip: 'cli',
      });
      expect(JSON.stringify(event)).not.toContain(SECRET);
    });
    expect(await storedSecret()).toBe(SECRET);
  });

  it('replaces an earlier secret', async () => {
    await cli.run(SET, { stdin: 'the-old-secret\n' });
    await cli.run(SET, { stdin: SECRET });
    expect(await storedSecret()).toBe(SECRET);
  });

  it('lets ATLASSIAN_CLIENT_SECRET from the environment win over the stored one (local deployments)', async () => {
    await cli.run(SET, { stdin: SECRET });
    expect(await storedSecret('from-the-environment')).toBe('from-the-environment');
  });

  it('reads no secret when none is stored', async () => {
    expect(await storedSecret()).toBeUndefined();
  });

  it.each([
    ['an empty secret', '\n'],
    ['a secret of two lines', `${SECRET}\nsecond line\n`],
    ['an oversized secret', 'x'.repeat(4097)],
  ])('refuses %s with exit code 1 and stores nothing', async (_case, stdin) => {
    const result = await cli.run(SET, { stdin });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: the client secret must be 1 to 4096 characters on one line\n',
    });
    expect(await cli.withStorage((s) => s.secrets.get(ATLASSIAN_CLIENT_SECRET_RECORD))).toBe(
      undefined,
    );
  });

  it('never takes the secret as an argument: exit 2 without echoing it and without reading stdin', async () => {
    const result = await cli.run([...SET, SECRET]);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stdinReads: 0,
      stderr:
        "jira-mcp-gateway: unexpected argument; usage: jira-mcp-gateway atlassian set-client-secret\nRun 'jira-mcp-gateway atlassian --help' for usage.\n",
    });
  });

  it('explains itself in --help', async () => {
    const result = await cli.run([...SET, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: jira-mcp-gateway atlassian set-client-secret\n');
    expect(result.stdout).toContain('JIRA_AUTH=atlassian-oauth');
    expect(result.stdout).toContain('never taken as an argument');
  });
});
