import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/accounts/login-throttle.js';
import { UserService } from '../../src/accounts/users.js';
import { ManualClock } from '../../src/clock.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { SCOPES } from '../../src/oauth/scopes.js';
import type { GrantRecord, Storage, TokenRecord } from '../../src/storage/ports.js';
import { createCliHarness, occurrences, type CliHarness } from './cli-harness.js';

const PASSWORD = 'correct horse battery staple';
const OTHER_PASSWORD = 'tr0ub4dor & 3, but longer';
const HOUR = 3_600_000;

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  // The passwords came in on stdin; nothing may print them back.
  expect(cli.allOutput()).not.toContain(PASSWORD);
  expect(cli.allOutput()).not.toContain(OTHER_PASSWORD);
  cli.close();
});

async function addUser(name: string, password = PASSWORD): Promise<void> {
  const result = await cli.run(['user', 'add', name, '--password-stdin'], {
    stdin: `${password}\n`,
  });
  expect(result.code).toBe(0);
}

interface Issued {
  grant: GrantRecord;
  access: TokenRecord;
  refresh: TokenRecord;
  sessionHash: string;
}

/** A client, a live grant with an access and a refresh token, and a login session for a user. */
async function issueFor(storage: Storage, userId: string): Promise<Issued> {
  const now = Date.now();
  const clientId = randomId('cli');
  await storage.clients.create({
    clientId,
    kind: 'oauth',
    redirectUris: ['http://127.0.0.1/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: now,
  });
  const grant: GrantRecord = {
    id: randomId('grt'),
    userId,
    clientId,
    scopes: [SCOPES.read],
    resource: 'http://localhost:8080/mcp',
    createdAt: now,
    expiresAt: now + 24 * HOUR,
  };
  await storage.grants.create(grant);
  const token = (kind: 'access' | 'refresh'): TokenRecord => ({
    tokenHash: hashSecret(randomToken()),
    kind,
    grantId: grant.id,
    clientId,
    userId,
    scopes: grant.scopes,
    resource: grant.resource,
    issuedAt: now,
    expiresAt: now + HOUR,
  });
  const access = token('access');
  const refresh = token('refresh');
  await storage.tokens.save([access, refresh]);
  const sessionHash = hashSecret(randomToken());
  await storage.sessions.create({
    idHash: sessionHash,
    userId,
    createdAt: now,
    expiresAt: now + HOUR,
  });
  return { grant, access, refresh, sessionHash };
}

async function userId(name: string): Promise<string> {
  const user = await cli.withStorage((s) => s.users.getByUsername(name));
  expect(user).toBeDefined();
  return user?.id ?? '';
}

describe('user add', () => {
  it('creates a user with the password read from stdin, without its trailing newline', async () => {
    const result = await cli.run(['user', 'add', 'alice', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    });
    expect(result).toMatchObject({
      code: 0,
      stdout: 'Created user alice.\n',
      stderr: '',
      stdinReads: 1,
    });
    await cli.withStorage(async (storage) => {
      const users = new UserService(storage.users, new ManualClock());
      expect(await users.authenticate('alice', PASSWORD)).toMatchObject({ username: 'alice' });
      expect(await users.authenticate('alice', `${PASSWORD}\n`)).toBeUndefined();
    });
  });

  it('folds the name to lowercase', async () => {
    const result = await cli.run(['user', 'add', 'Bob', '--password-stdin'], { stdin: PASSWORD });
    expect(result.stdout).toBe('Created user bob.\n');
  });

  it('stores only an argon2id hash of the password', async () => {
    await addUser('alice');
    const bytes = cli.dataBytes();
    expect(occurrences(bytes, PASSWORD)).toBe(0);
    expect(bytes.includes('$argon2id$')).toBe(true);
  });

  it('records user.created in the audit trail', async () => {
    await addUser('alice');
    const { stdout } = await cli.run(['audit', 'tail', '--json']);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'user.created',
        outcome: 'success',
        username: 'alice',
        ip: 'cli',
      }),
    ]);
  });

  it('exits 1 with the rule when the password is too short', async () => {
    const result = await cli.run(['user', 'add', 'alice', '--password-stdin'], {
      stdin: 'short\n',
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: password must be at least 12 characters\n',
    });
    expect(await cli.withStorage((s) => s.users.count())).toBe(0);
  });

  it('exits 1 when the username is taken, keeping the first password', async () => {
    await addUser('alice');
    const result = await cli.run(['user', 'add', 'ALICE', '--password-stdin'], {
      stdin: OTHER_PASSWORD,
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: username "alice" is taken\n',
    });
    await cli.withStorage(async (storage) => {
      const users = new UserService(storage.users, new ManualClock());
      expect(await users.authenticate('alice', PASSWORD)).toBeDefined();
      expect(await users.authenticate('alice', OTHER_PASSWORD)).toBeUndefined();
    });
  });

  it('exits 1 for an invalid username, and 2 for one the parser takes for a flag', async () => {
    const result = await cli.run(['user', 'add', '-bad name', '--password-stdin'], {
      stdin: PASSWORD,
    });
    // `-bad name` starts with a dash, so the parser sees a flag: a usage error.
    expect(result.code).toBe(2);
    const spaced = await cli.run(['user', 'add', 'bad name', '--password-stdin'], {
      stdin: PASSWORD,
    });
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toMatch(/^jira-mcp-gateway: username must be 1–64 characters/);
  });

  it('exits 2 without --password-stdin and never reads stdin', async () => {
    const result = await cli.run(['user', 'add', 'alice'], { stdin: PASSWORD });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'jira-mcp-gateway: --password-stdin is required (passwords are never taken as arguments)',
    );
  });

  it('refuses --password-stdin=value', async () => {
    const result = await cli.run(['user', 'add', 'alice', `--password-stdin=${OTHER_PASSWORD}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^jira-mcp-gateway: Option '--password-stdin' does not take an argument/,
    );
  });

  it('exits 2 when the name is missing', async () => {
    const result = await cli.run(['user', 'add', '--password-stdin'], { stdin: PASSWORD });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'jira-mcp-gateway: missing argument; usage: jira-mcp-gateway user add <name> --password-stdin',
    );
  });
});

describe('user list', () => {
  it('prints a header only when there are no users', async () => {
    const result = await cli.run(['user', 'list']);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'USERNAME  STATE  SIGN-IN  EMAIL  CREATED\n',
      stderr: '',
    });
  });

  it('lists each user with its state and never a password hash', async () => {
    await addUser('alice');
    await addUser('bob', OTHER_PASSWORD);
    const result = await cli.run(['user', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('USERNAME  STATE   SIGN-IN  EMAIL  CREATED');
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(0, 4))).toEqual([
      ['alice', 'active', 'local', '-'],
      ['bob', 'active', 'local', '-'],
    ]);
    expect(lines[1]).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(result.stdout).not.toContain('$argon2id$');
  });
});

describe('user disable / user enable', () => {
  it('disables the user, revokes their grants and ends their sessions', async () => {
    await addUser('alice');
    await addUser('bob', OTHER_PASSWORD);
    const alice = await cli.withStorage(async (s) => issueFor(s, await userId('alice')));
    const bob = await cli.withStorage(async (s) => issueFor(s, await userId('bob')));

    const result = await cli.run(['user', 'disable', 'alice']);
    expect(result).toMatchObject({ code: 0, stdout: 'Disabled user alice.\n', stderr: '' });

    await cli.withStorage(async (storage) => {
      const now = Date.now();
      expect((await storage.users.getByUsername('alice'))?.disabled).toBe(true);
      const grant = await storage.grants.get(alice.grant.id);
      expect(grant?.revokedReason).toBe('user disabled');
      expect(grant?.revokedAt).toBeGreaterThanOrEqual(alice.grant.createdAt);
      expect(
        await storage.tokens.findActive(alice.access.tokenHash, 'access', now),
      ).toBeUndefined();
      expect(
        await storage.tokens.findActive(alice.refresh.tokenHash, 'refresh', now),
      ).toBeUndefined();
      expect(await storage.sessions.get(alice.sessionHash, now)).toBeUndefined();
      // Nobody else is touched.
      expect((await storage.users.getByUsername('bob'))?.disabled).toBe(false);
      expect((await storage.grants.get(bob.grant.id))?.revokedAt).toBeUndefined();
      expect(await storage.tokens.findActive(bob.access.tokenHash, 'access', now)).toBeDefined();
      expect(await storage.sessions.get(bob.sessionHash, now)).toBeDefined();
    });

    const list = await cli.run(['user', 'list']);
    expect(list.stdout).toMatch(/^alice +disabled +local +- +\S+$/m);
    expect(list.stdout).toMatch(/^bob +active +local +- +\S+$/m);
  });

  it('keeps the grants revoked when the user is enabled again', async () => {
    await addUser('alice');
    const alice = await cli.withStorage(async (s) => issueFor(s, await userId('alice')));
    expect((await cli.run(['user', 'disable', 'alice'])).code).toBe(0);

    const result = await cli.run(['user', 'enable', 'alice']);
    expect(result).toMatchObject({ code: 0, stdout: 'Enabled user alice.\n', stderr: '' });
    await cli.withStorage(async (storage) => {
      expect((await storage.users.getByUsername('alice'))?.disabled).toBe(false);
      expect((await storage.grants.get(alice.grant.id))?.revokedReason).toBe('user disabled');
      const users = new UserService(storage.users, new ManualClock());
      expect(await users.authenticate('alice', PASSWORD)).toBeDefined();
    });
    expect((await cli.run(['user', 'list'])).stdout).toMatch(/^alice +active +local +- +\S+$/m);
  });

  it('finds the user whatever the case of the name given', async () => {
    await addUser('alice');
    expect(await cli.run(['user', 'disable', 'Alice'])).toMatchObject({
      code: 0,
      stdout: 'Disabled user alice.\n',
    });
    expect((await cli.withStorage((s) => s.users.getByUsername('alice')))?.disabled).toBe(true);
  });

  it('records user.disabled and user.enabled in the audit trail', async () => {
    await addUser('alice');
    await cli.run(['user', 'disable', 'alice']);
    await cli.run(['user', 'enable', 'alice']);
    const { stdout } = await cli.run(['audit', 'tail', '-n', '2', '--json']);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.type, e.username, e.ip])).toEqual([
      ['user.disabled', 'alice', 'cli'],
      ['user.enabled', 'alice', 'cli'],
    ]);
  });

  it.each(['disable', 'enable'])('user %s exits 1 for an unknown user', async (verb) => {
    const result = await cli.run(['user', verb, 'nobody']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: no user named nobody\n',
    });
  });
});

describe('user set-password (recovery, NIST SP 800-63B §6.1.2.3)', () => {
  const NEW_PASSWORD = 'a brand new passphrase, long enough';

  afterEach(() => {
    expect(cli.allOutput()).not.toContain(NEW_PASSWORD);
  });

  it('replaces the password, ends the user’s sessions and keeps their grants', async () => {
    await addUser('alice');
    await addUser('bob', OTHER_PASSWORD);
    const alice = await cli.withStorage(async (s) => issueFor(s, await userId('alice')));
    const bob = await cli.withStorage(async (s) => issueFor(s, await userId('bob')));

    const result = await cli.run(['user', 'set-password', 'Alice', '--password-stdin'], {
      stdin: `${NEW_PASSWORD}\n`,
    });
    expect(result).toMatchObject({
      code: 0,
      stdout:
        'Set the password of alice and ended their sessions; their grants stay valid (--revoke-grants revokes them).\n',
      stderr: '',
      stdinReads: 1,
    });
    await cli.withStorage(async (storage) => {
      const now = Date.now();
      const users = new UserService(storage.users, new ManualClock());
      expect(await users.authenticate('alice', NEW_PASSWORD)).toMatchObject({ username: 'alice' });
      expect(await users.authenticate('alice', PASSWORD)).toBeUndefined();
      expect(await users.authenticate('alice', `${NEW_PASSWORD}\n`)).toBeUndefined();
      expect(await storage.sessions.get(alice.sessionHash, now)).toBeUndefined();
      expect((await storage.grants.get(alice.grant.id))?.revokedAt).toBeUndefined();
      expect(await storage.tokens.findActive(alice.access.tokenHash, 'access', now)).toBeDefined();
      // Nobody else is touched.
      expect(await users.authenticate('bob', OTHER_PASSWORD)).toBeDefined();
      expect(await storage.sessions.get(bob.sessionHash, now)).toBeDefined();
    });
    expect(occurrences(cli.dataBytes(), NEW_PASSWORD)).toBe(0);
  });

  it('with --revoke-grants also revokes every grant of the user and the tokens under them', async () => {
    await addUser('alice');
    const alice = await cli.withStorage(async (s) => issueFor(s, await userId('alice')));
    const result = await cli.run(
      ['user', 'set-password', 'alice', '--password-stdin', '--revoke-grants'],
      { stdin: NEW_PASSWORD },
    );
    expect(result).toMatchObject({
      code: 0,
      stdout: 'Set the password of alice, ended their sessions and revoked 1 grant.\n',
    });
    await cli.withStorage(async (storage) => {
      const now = Date.now();
      expect((await storage.grants.get(alice.grant.id))?.revokedReason).toBe('password changed');
      expect(
        await storage.tokens.findActive(alice.refresh.tokenHash, 'refresh', now),
      ).toBeUndefined();
    });
  });

  it('lifts a login-throttle lock of the name, so the person can sign in at once', async () => {
    await addUser('alice');
    await cli.withStorage(async (storage) => {
      const throttle = new LoginThrottle(storage.counters, new ManualClock(Date.now()));
      for (let i = 0; i < 5; i += 1) await throttle.reserve('alice', '203.0.113.7');
      expect((await throttle.reserve('alice', '203.0.113.7')).allowed).toBe(false);
    });
    expect(
      (
        await cli.run(['user', 'set-password', 'alice', '--password-stdin'], {
          stdin: NEW_PASSWORD,
        })
      ).code,
    ).toBe(0);
    await cli.withStorage(async (storage) => {
      const throttle = new LoginThrottle(storage.counters, new ManualClock(Date.now()));
      expect((await throttle.reserve('alice', '198.51.100.1')).allowed).toBe(true);
    });
  });

  it('records user.password_changed in the audit trail, without the password', async () => {
    await addUser('alice');
    await cli.run(['user', 'set-password', 'alice', '--password-stdin'], { stdin: NEW_PASSWORD });
    const { stdout } = await cli.run(['audit', 'tail', '-n', '1', '--json']);
    expect(JSON.parse(stdout) as Record<string, unknown>).toMatchObject({
      type: 'user.password_changed',
      outcome: 'success',
      username: 'alice',
      ip: 'cli',
      detail: { sessionsEnded: true, grantsRevoked: 0 },
    });
    expect(stdout).not.toContain(NEW_PASSWORD);
  });

  it('exits 1 with the rule for a too-short password, keeping the old one and the sessions', async () => {
    await addUser('alice');
    const alice = await cli.withStorage(async (s) => issueFor(s, await userId('alice')));
    const result = await cli.run(['user', 'set-password', 'alice', '--password-stdin'], {
      stdin: 'short\n',
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: password must be at least 12 characters\n',
    });
    await cli.withStorage(async (storage) => {
      const users = new UserService(storage.users, new ManualClock());
      expect(await users.authenticate('alice', PASSWORD)).toBeDefined();
      expect(await storage.sessions.get(alice.sessionHash, Date.now())).toBeDefined();
    });
  });

  it('exits 1 for a person who signs in with the OpenID provider, without reading stdin', async () => {
    await cli.withStorage((storage) =>
      storage.users.create({
        id: randomId('usr'),
        username: 'carol',
        passwordHash: '',
        disabled: false,
        createdAt: Date.now(),
        identity: { issuer: 'https://idp.example', subject: 'carol-1' },
      }),
    );
    const result = await cli.run(['user', 'set-password', 'carol', '--password-stdin'], {
      stdin: NEW_PASSWORD,
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'jira-mcp-gateway: carol signs in with the OpenID Connect provider and has no password here\n',
      stdinReads: 0,
    });
    expect((await cli.withStorage((s) => s.users.getByUsername('carol')))?.passwordHash).toBe('');
  });

  it('exits 1 for an unknown user without reading stdin', async () => {
    const result = await cli.run(['user', 'set-password', 'nobody', '--password-stdin'], {
      stdin: NEW_PASSWORD,
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: no user named nobody\n',
      stdinReads: 0,
    });
  });

  it('exits 2 without --password-stdin and never reads stdin', async () => {
    await addUser('alice');
    const result = await cli.run(['user', 'set-password', 'alice'], { stdin: NEW_PASSWORD });
    expect(result.code).toBe(2);
    expect(result.stdinReads).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'jira-mcp-gateway: --password-stdin is required (passwords are never taken as arguments)',
    );
  });

  it('explains itself and the admin recovery in --help, and is listed in the top-level help', async () => {
    const help = await cli.run(['user', 'set-password', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'Usage: jira-mcp-gateway user set-password <name> --password-stdin\n',
    );
    expect(help.stdout).toContain('--revoke-grants');
    expect(help.stdout).toContain(
      "printf '%s\\n' 'a new long password' | jira-mcp-gateway user set-password admin --password-stdin",
    );
    const verbs = await cli.run(['user', '--help']);
    expect(verbs.stdout).toContain('jira-mcp-gateway user set-password <name> --password-stdin');
  });
});
