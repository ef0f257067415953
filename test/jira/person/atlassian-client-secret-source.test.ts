/**
 * The Atlassian client secret's store and the source the per-person Jira
 * code reads it through: bound to its own encryption context, decrypted at
 * most once per five minutes per process, and an absent or unreadable one
 * is never remembered.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { createLocalCipher, SecretDecryptError } from '../../../src/crypto/local-cipher.js';
import type { SecretCipher } from '../../../src/crypto/secret-cipher.js';
import {
  ATLASSIAN_CLIENT_SECRET_MAX_AGE_MS,
  atlassianClientSecretSource,
} from '../../../src/jira/person/atlassian-client-secret-source.js';
import {
  ATLASSIAN_CLIENT_SECRET_CONTEXT,
  ATLASSIAN_CLIENT_SECRET_RECORD,
  AtlassianClientSecretStore,
} from '../../../src/jira/person/atlassian-client-secret-store.js';
import type { Storage } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';

let dir: string;
let storage: Storage;
let clock: ManualClock;
let decrypts: Readonly<Record<string, string>>[];
let cipher: SecretCipher;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jmg-atlassian-secret-'));
  storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  clock = new ManualClock();
  decrypts = [];
  const local = createLocalCipher(randomBytes(32));
  cipher = {
    encrypt: (plaintext, context) => local.encrypt(plaintext, context),
    decrypt: (ciphertext, context) => {
      decrypts.push(context);
      return local.decrypt(ciphertext, context);
    },
  };
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

function source(configured?: string): () => Promise<string | undefined> {
  return atlassianClientSecretSource({ configured, secrets: storage.secrets, cipher, clock });
}

describe('AtlassianClientSecretStore', () => {
  it('stores under atlassian.client_secret with its own encryption context', async () => {
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('s3cret');
    expect(await storage.secrets.get(ATLASSIAN_CLIENT_SECRET_RECORD)).toBeDefined();
    expect(await new AtlassianClientSecretStore(storage.secrets, cipher, clock).get()).toBe(
      's3cret',
    );
    expect(decrypts).toEqual([{ purpose: 'atlassian-client-secret' }]);
    expect(ATLASSIAN_CLIENT_SECRET_CONTEXT).toEqual({ purpose: 'atlassian-client-secret' });
  });

  it('does not read a secret of another purpose moved under its name (the context is bound to the ciphertext)', async () => {
    // A ciphertext bound to another purpose, copied under this record's name.
    const foreign = await cipher.encrypt(new TextEncoder().encode('other'), { purpose: 'x' });
    await storage.secrets.put({
      name: ATLASSIAN_CLIENT_SECRET_RECORD,
      ciphertext: foreign,
      updatedAt: clock.now(),
    });
    await expect(source()()).rejects.toBeInstanceOf(SecretDecryptError);
  });
});

describe('atlassianClientSecretSource', () => {
  it('answers the configured secret without touching storage or the cipher', async () => {
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('stored');
    expect(await source('configured')()).toBe('configured');
    expect(decrypts).toEqual([]);
  });

  it('decrypts the stored secret once per five minutes, once for concurrent callers', async () => {
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('first');
    const read = source();
    expect(await Promise.all([read(), read(), read()])).toEqual(['first', 'first', 'first']);
    expect(decrypts).toHaveLength(1);
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('rotated');
    clock.advance(ATLASSIAN_CLIENT_SECRET_MAX_AGE_MS - 1);
    expect(await read()).toBe('first');
    clock.advance(1);
    expect(await read()).toBe('rotated');
    expect(decrypts).toHaveLength(2);
  });

  it('does not remember an absent secret, so one stored later is used at once', async () => {
    const read = source();
    expect(await read()).toBeUndefined();
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('late');
    expect(await read()).toBe('late');
  });

  it('does not remember a failed read', async () => {
    await storage.secrets.put({
      name: ATLASSIAN_CLIENT_SECRET_RECORD,
      ciphertext: new Uint8Array([1, 2, 3]),
      updatedAt: clock.now(),
    });
    const read = source();
    await expect(read()).rejects.toBeInstanceOf(SecretDecryptError);
    await new AtlassianClientSecretStore(storage.secrets, cipher, clock).set('fixed');
    expect(await read()).toBe('fixed');
  });
});
