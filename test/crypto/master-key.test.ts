import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateMasterKey, MasterKeyError } from '../../src/crypto/master-key.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'master-key-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateMasterKey', () => {
  it('returns the environment key and touches no file', async () => {
    const envKey = randomBytes(32);
    const keyPath = path.join(dir, 'data', 'master.key');
    const result = await loadOrCreateMasterKey({ keyFromEnv: envKey, keyPath });
    expect(result.source).toBe('env');
    expect(result.key.equals(envKey)).toBe(true);
    await expect(stat(path.join(dir, 'data'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prefers the environment key over an existing key file', async () => {
    const keyPath = path.join(dir, 'master.key');
    await loadOrCreateMasterKey({ keyPath });
    const envKey = randomBytes(32);
    const result = await loadOrCreateMasterKey({ keyFromEnv: envKey, keyPath });
    expect(result).toEqual({ key: envKey, source: 'env' });
  });

  it('rejects an environment key that is not 32 bytes', async () => {
    await expect(
      loadOrCreateMasterKey({ keyFromEnv: randomBytes(31), keyPath: path.join(dir, 'k') }),
    ).rejects.toThrow('MASTER_KEY must be 32 bytes');
  });

  it('creates a 32-byte key file with mode 0600 in a new 0700 directory', async () => {
    const keyPath = path.join(dir, 'data', 'master.key');
    const result = await loadOrCreateMasterKey({ keyPath });
    expect(result.source).toBe('created');
    expect(result.key.length).toBe(32);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(keyPath))).mode & 0o777).toBe(0o700);
    expect(await readFile(keyPath, 'utf8')).toBe(`${result.key.toString('base64')}\n`);
    // No temporary file is left beside it.
    expect(await readdir(path.dirname(keyPath))).toEqual(['master.key']);
  });

  it('reads the same key back on the next start', async () => {
    const keyPath = path.join(dir, 'master.key');
    const first = await loadOrCreateMasterKey({ keyPath });
    const second = await loadOrCreateMasterKey({ keyPath });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('gives every concurrent first start the same key', async () => {
    const keyPath = path.join(dir, 'master.key');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateMasterKey({ keyPath })),
    );
    const stored = Buffer.from((await readFile(keyPath, 'utf8')).trim(), 'base64');
    expect(results.every((r) => r.key.equals(stored))).toBe(true);
    expect(results.filter((r) => r.source === 'created').length).toBe(1);
    expect(await readdir(dir)).toEqual(['master.key']);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o606])(
    'refuses a key file with mode %o and says how to fix it',
    async (mode) => {
      const keyPath = path.join(dir, 'master.key');
      await writeFile(keyPath, `${randomBytes(32).toString('base64')}\n`);
      await chmod(keyPath, mode);
      const error = await loadOrCreateMasterKey({ keyPath }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MasterKeyError);
      expect((error as Error).message).toBe(
        `master key file ${keyPath} has mode ${mode.toString(8).padStart(4, '0')}, which lets ` +
          `other users read or change it; run \`chmod 600 ${keyPath}\` ` +
          '(and rotate the key if others may have read it)',
      );
    },
  );

  it('accepts an owner-only key file with mode 0400', async () => {
    const keyPath = path.join(dir, 'master.key');
    const key = randomBytes(32);
    await writeFile(keyPath, key.toString('base64'), { mode: 0o400 });
    const result = await loadOrCreateMasterKey({ keyPath });
    expect(result).toEqual({ key, source: 'file' });
  });

  it('refuses a key file that is not 32 base64-encoded bytes', async () => {
    const keyPath = path.join(dir, 'master.key');
    await writeFile(keyPath, randomBytes(16).toString('base64'), { mode: 0o600 });
    await expect(loadOrCreateMasterKey({ keyPath })).rejects.toThrow(
      `master key file ${keyPath} must hold 32 bytes, base64-encoded`,
    );
    await writeFile(keyPath, randomBytes(32));
    await expect(loadOrCreateMasterKey({ keyPath })).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('refuses a key path that is a symbolic link', async () => {
    const target = path.join(dir, 'elsewhere.key');
    await writeFile(target, randomBytes(32).toString('base64'), { mode: 0o600 });
    const keyPath = path.join(dir, 'master.key');
    await symlink(target, keyPath);
    await expect(loadOrCreateMasterKey({ keyPath })).rejects.toThrow(
      `master key file ${keyPath} is a symbolic link; refusing to use it`,
    );
  });
});
