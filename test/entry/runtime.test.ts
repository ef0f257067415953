import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { MasterKeyError } from '../../src/crypto/master-key.js';
import { openLocalRuntime } from '../../src/entry/runtime.js';
import { createCliHarness } from './cli-harness.js';

const CONTEXT = { purpose: 'runtime-test' };

let root: string;
let dataDir: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'jmg-runtime-'));
  dataDir = path.join(root, 'data');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** File descriptors this process holds on `file` (Linux /proc). */
function openHandles(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe('openLocalRuntime (NIST SP 800-57 Part 1 §6.2.2 key at rest)', () => {
  it('creates DATA_DIR owner-only and a 0600 master key on first start, then reuses it', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await openLocalRuntime(config);
    const sealed = await first.cipher.encrypt(new TextEncoder().encode('hello'), CONTEXT);
    await first.close();
    expect(first.masterKeySource).toBe('created');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(config.masterKeyPath).mode & 0o777).toBe(0o600);
    expect(statSync(config.databasePath).mode & 0o777).toBe(0o600);

    const second = await openLocalRuntime(config);
    try {
      expect(second.masterKeySource).toBe('file');
      expect(new TextDecoder().decode(await second.cipher.decrypt(sealed, CONTEXT))).toBe('hello');
    } finally {
      await second.close();
    }
  });

  it('uses MASTER_KEY from the environment and writes no key file', async () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      MASTER_KEY: randomBytes(32).toString('base64'),
    });
    const runtime = await openLocalRuntime(config);
    await runtime.close();
    expect(runtime.masterKeySource).toBe('env');
    expect(existsSync(config.masterKeyPath)).toBe(false);
  });

  it('refuses a key file others can read, and leaves no database connection open', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    await (await openLocalRuntime(config)).close();
    chmodSync(config.masterKeyPath, 0o644);
    expect(openHandles(config.databasePath)).toBe(0);

    await expect(openLocalRuntime(config)).rejects.toThrow(MasterKeyError);
    expect(openHandles(config.databasePath)).toBe(0);
  });

  it('closes the database on close()', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const runtime = await openLocalRuntime(config);
    expect(openHandles(config.databasePath)).toBe(1);
    await runtime.close();
    expect(openHandles(config.databasePath)).toBe(0);
  });
});

describe('CLI with a database written by a newer gateway', () => {
  it('exits 1 and says to upgrade, leaving the file as it was', async () => {
    const cli = createCliHarness();
    try {
      expect((await cli.run(['user', 'list'])).code).toBe(0);
      const db = new Database(cli.databasePath);
      db.pragma('user_version = 999');
      db.close();
      const result = await cli.run(['user', 'list']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^jira-mcp-gateway: database schema version 999 is newer than this code supports \(\d+\); upgrade the gateway\n$/,
      );
      const after = new Database(cli.databasePath, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(999);
      after.close();
    } finally {
      cli.close();
    }
  });
});

describe('CLI with an unusable master key file', () => {
  it('exits 1 and says how to fix the key file', async () => {
    const cli = createCliHarness();
    try {
      expect((await cli.run(['user', 'list'])).code).toBe(0);
      const keyPath = path.join(cli.dir, 'master.key');
      chmodSync(keyPath, 0o640);
      const result = await cli.run(['user', 'list']);
      expect(result).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `jira-mcp-gateway: master key file ${keyPath} has mode 0640, which lets other users read or change it; run \`chmod 600 ${keyPath}\` (and rotate the key if others may have read it)\n`,
      });
    } finally {
      cli.close();
    }
  });
});
