import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hash, parseOptions } from '@node-rs/argon2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import * as passwords from '../../src/accounts/passwords.js';
import {
  ACCOUNT_ERROR,
  AccountError,
  DUMMY_PASSWORD_HASH,
  UserService,
} from '../../src/accounts/users.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../src/storage/ports.js';

// A pass-through spy: real argon2 runs, and the test sees which hash was checked.
vi.mock('../../src/accounts/passwords.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/accounts/passwords.js')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

const PASSWORD = 'correct horse battery staple';

let dir: string;
let storage: Storage;
let clock: ManualClock;
let service: UserService;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'users-'));
  storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  clock = new ManualClock();
  service = new UserService(storage.users, clock);
  vi.mocked(passwords.verifyPassword).mockClear();
});

afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

async function accountError(promise: Promise<unknown>): Promise<AccountError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountError);
  return error as AccountError;
}

describe('UserService.create', () => {
  it('stores an enabled user with an argon2id hash and returns it without the hash', async () => {
    const user = await service.create('alice', PASSWORD);
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[A-Za-z0-9_-]{22}$/) as unknown,
      username: 'alice',
      disabled: false,
      createdAt: clock.now(),
    });
    expect(user).not.toHaveProperty('passwordHash');
    const stored = await storage.users.getByUsername('alice');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
  });

  it('folds ASCII capitals to lowercase', async () => {
    const user = await service.create('Alice.Smith_2', PASSWORD);
    expect(user.username).toBe('alice.smith_2');
  });

  it.each([
    ['empty', ''],
    ['leading dot', '.alice'],
    ['leading dash', '-alice'],
    ['a space', 'al ice'],
    ['a slash', 'al/ice'],
    ['an @', 'alice@example.com'],
    ['65 characters', 'a'.repeat(65)],
    ['a non-ASCII letter', 'jos\u00e9'],
    ['the Kelvin sign look-alike of k', '\u212Aevin'],
  ])('rejects a username with %s as invalid_username', async (_name, username) => {
    const error = await accountError(service.create(username, PASSWORD));
    expect(error.code).toBe(ACCOUNT_ERROR.invalidUsername);
    expect(await storage.users.count()).toBe(0);
  });

  it('accepts a 64-character username', async () => {
    const user = await service.create('a'.repeat(64), PASSWORD);
    expect(user.username).toHaveLength(64);
  });

  it('rejects an 11-character password as password_too_short and accepts 12', async () => {
    const error = await accountError(service.create('alice', '12345678901'));
    expect(error.code).toBe(ACCOUNT_ERROR.passwordTooShort);
    expect(error.message).toBe('password must be at least 12 characters');
    await expect(service.create('alice', '123456789012')).resolves.toMatchObject({
      username: 'alice',
    });
  });

  it('counts characters, not UTF-16 units', async () => {
    // Six emoji are 12 UTF-16 units but only 6 characters.
    const error = await accountError(service.create('alice', '\u{1F511}'.repeat(6)));
    expect(error.code).toBe(ACCOUNT_ERROR.passwordTooShort);
  });

  it('rejects a password over 1024 characters as password_too_long', async () => {
    const error = await accountError(service.create('alice', 'x'.repeat(1025)));
    expect(error.code).toBe(ACCOUNT_ERROR.passwordTooLong);
  });

  it('rejects a taken username, whatever its case, as username_taken', async () => {
    await service.create('alice', PASSWORD);
    const error = await accountError(service.create('ALICE', 'another password'));
    expect(error.code).toBe(ACCOUNT_ERROR.usernameTaken);
    expect(error.message).toBe('username "alice" is taken');
  });
});

describe('UserService.authenticate', () => {
  it('returns the user, without its hash, for the right password', async () => {
    const created = await service.create('alice', PASSWORD);
    const user = await service.authenticate('alice', PASSWORD);
    expect(user).toEqual(created);
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('matches the username case-insensitively', async () => {
    await service.create('alice', PASSWORD);
    expect((await service.authenticate('Alice', PASSWORD))?.username).toBe('alice');
  });

  it('returns undefined for a wrong password', async () => {
    await service.create('alice', PASSWORD);
    expect(await service.authenticate('alice', `${PASSWORD}!`)).toBeUndefined();
  });

  it('returns undefined for a disabled user even with the right password', async () => {
    await service.create('alice', PASSWORD);
    await storage.users.setDisabled('alice', true);
    expect(await service.authenticate('alice', PASSWORD)).toBeUndefined();
  });

  it.each([
    ['an unknown username', 'nobody'],
    ['a malformed username', '../etc/passwd'],
  ])('runs one argon2 verification against the dummy hash for %s', async (_name, username) => {
    await service.create('alice', PASSWORD);
    expect(await service.authenticate(username, PASSWORD)).toBeUndefined();
    expect(vi.mocked(passwords.verifyPassword).mock.calls).toEqual([
      [DUMMY_PASSWORD_HASH, PASSWORD],
    ]);
  });

  it('runs one argon2 verification against the dummy hash for a disabled user', async () => {
    await service.create('alice', PASSWORD);
    await storage.users.setDisabled('alice', true);
    await service.authenticate('alice', PASSWORD);
    expect(vi.mocked(passwords.verifyPassword).mock.calls).toEqual([
      [DUMMY_PASSWORD_HASH, PASSWORD],
    ]);
  });

  it('uses a dummy hash as costly as a real one', () => {
    expect(parseOptions(DUMMY_PASSWORD_HASH)).toMatchObject({
      algorithm: 2,
      memoryCost: passwords.PASSWORD_HASH_OPTIONS.memoryCost,
      timeCost: passwords.PASSWORD_HASH_OPTIONS.timeCost,
      parallelism: passwords.PASSWORD_HASH_OPTIONS.parallelism,
    });
  });

  it('replaces a hash made with weaker parameters after a good login', async () => {
    const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await storage.users.create({
      id: 'usr_legacy',
      username: 'bob',
      passwordHash: weak,
      disabled: false,
      createdAt: clock.now(),
    });
    expect((await service.authenticate('bob', PASSWORD))?.id).toBe('usr_legacy');
    const stored = await storage.users.getByUsername('bob');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await service.authenticate('bob', PASSWORD))?.id).toBe('usr_legacy');
  });
});

describe('UserService.setPassword', () => {
  it('replaces the password so only the new one works', async () => {
    await service.create('alice', PASSWORD);
    expect(await service.setPassword('Alice', 'a brand new passphrase')).toBe(true);
    expect(await service.authenticate('alice', PASSWORD)).toBeUndefined();
    expect((await service.authenticate('alice', 'a brand new passphrase'))?.username).toBe('alice');
  });

  it('returns false for an unknown user and rejects a short password', async () => {
    expect(await service.setPassword('nobody', 'a brand new passphrase')).toBe(false);
    await service.create('alice', PASSWORD);
    const error = await accountError(service.setPassword('alice', 'short'));
    expect(error.code).toBe(ACCOUNT_ERROR.passwordTooShort);
  });
});

describe('UserService.ensureFirstAdmin', () => {
  it('creates admin with a random 32-character password on an empty store, once', async () => {
    const password = await service.ensureFirstAdmin();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await service.authenticate('admin', password ?? ''))?.username).toBe('admin');
    expect(await service.ensureFirstAdmin()).toBeUndefined();
    expect(await storage.users.count()).toBe(1);
  });

  it('does nothing when any user exists', async () => {
    await service.create('alice', PASSWORD);
    expect(await service.ensureFirstAdmin()).toBeUndefined();
    expect(await storage.users.getByUsername('admin')).toBeUndefined();
  });

  it('hands out exactly one password when two starts race', async () => {
    const other = new UserService(storage.users, clock);
    const results = await Promise.all([service.ensureFirstAdmin(), other.ensureFirstAdmin()]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await storage.users.count()).toBe(1);
  });
});
