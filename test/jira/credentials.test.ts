import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createLocalCipher } from '../../src/crypto/local-cipher.js';
import type { SecretCipher } from '../../src/crypto/secret-cipher.js';
import {
  JIRA_CREDENTIALS_CONTEXT,
  JIRA_CREDENTIALS_RECORD,
  JiraCredentialStore,
  staticCredentialsProvider,
  storedCredentialsProvider,
} from '../../src/jira/credentials.js';
import { JiraError } from '../../src/jira/errors.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { caught } from './helpers/client-setup.js';

const CREDS = {
  baseUrl: 'https://acme.atlassian.net',
  email: 'bot@acme.example',
  apiToken: 'ATATT3x-credential-test-token-9f8e7d',
};

interface CipherCall {
  op: 'encrypt' | 'decrypt';
  context: Readonly<Record<string, string>>;
}

/** The real local cipher, recording the contexts it is asked to use. */
function recording(cipher: SecretCipher, calls: CipherCall[]): SecretCipher {
  return {
    encrypt: (plaintext, context) => {
      calls.push({ op: 'encrypt', context });
      return cipher.encrypt(plaintext, context);
    },
    decrypt: (ciphertext, context) => {
      calls.push({ op: 'decrypt', context });
      return cipher.decrypt(ciphertext, context);
    },
  };
}

let dir: string;
let storage: Storage;
let calls: CipherCall[];
let cipher: SecretCipher;
let clock: ManualClock;
let store: JiraCredentialStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jira-credentials-'));
  storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  calls = [];
  cipher = recording(createLocalCipher(randomBytes(32)), calls);
  clock = new ManualClock();
  store = new JiraCredentialStore(storage.secrets, cipher, clock);
});

afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

describe('JiraCredentialStore (envelope-encrypted at rest)', () => {
  it('stores only ciphertext under jira.credentials and reads the credential back', async () => {
    await store.set({ ...CREDS, baseUrl: 'https://acme.atlassian.net/' });
    const record = await storage.secrets.get(JIRA_CREDENTIALS_RECORD);
    expect(record?.name).toBe('jira.credentials');
    expect(record?.updatedAt).toBe(clock.now());
    const raw = Buffer.from(record?.ciphertext ?? new Uint8Array()).toString('latin1');
    expect(raw).not.toContain(CREDS.apiToken);
    expect(raw).not.toContain(CREDS.email);
    expect(await store.get()).toEqual(CREDS);
  });

  it('binds the ciphertext to the purpose jira-credentials', async () => {
    await store.set(CREDS);
    await store.get();
    expect(JIRA_CREDENTIALS_CONTEXT).toEqual({ purpose: 'jira-credentials' });
    expect(calls).toEqual([
      { op: 'encrypt', context: { purpose: 'jira-credentials' } },
      { op: 'decrypt', context: { purpose: 'jira-credentials' } },
    ]);
  });

  it('refuses a blob encrypted for another purpose', async () => {
    const foreign = await cipher.encrypt(new TextEncoder().encode(JSON.stringify(CREDS)), {
      purpose: 'something-else',
    });
    await storage.secrets.put({ name: JIRA_CREDENTIALS_RECORD, ciphertext: foreign, updatedAt: 1 });
    const error = await caught(() => store.get());
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify(error)).not.toContain(CREDS.apiToken);
  });

  it('returns undefined when nothing is stored, and clear() reports whether it removed one', async () => {
    expect(await store.get()).toBeUndefined();
    expect(await store.clear()).toBe(false);
    await store.set(CREDS);
    expect(await store.clear()).toBe(true);
    expect(await store.get()).toBeUndefined();
  });

  it('replaces the previous credential', async () => {
    await store.set(CREDS);
    clock.advance(1000);
    await store.set({ ...CREDS, apiToken: 'second-token-abcdef' });
    expect((await store.get())?.apiToken).toBe('second-token-abcdef');
    expect((await storage.secrets.get(JIRA_CREDENTIALS_RECORD))?.updatedAt).toBe(clock.now());
  });

  it('rejects an invalid credential without echoing the token', async () => {
    for (const bad of [
      { ...CREDS, baseUrl: 'ftp://acme.example' },
      { ...CREDS, baseUrl: 'https://user:pw@acme.atlassian.net' },
      { ...CREDS, baseUrl: 'https://acme.atlassian.net/?x=1' },
      { ...CREDS, email: ' ' },
      { ...CREDS, apiToken: '' },
    ]) {
      const error = await caught(() => store.set(bad));
      expect(error).toBeInstanceOf(JiraError);
      expect((error as JiraError).code).toBe('invalid_request');
      expect((error as JiraError).message).toMatch(/^Invalid Jira credential: check /);
      expect(JSON.stringify(error)).not.toContain(CREDS.apiToken);
    }
    expect(await storage.secrets.get(JIRA_CREDENTIALS_RECORD)).toBeUndefined();
  });
});

describe('Jira credential providers', () => {
  it('a static provider returns the configured credential, normalized', async () => {
    const provider = staticCredentialsProvider({
      ...CREDS,
      baseUrl: 'https://acme.atlassian.net/',
    });
    expect(await provider.get()).toEqual(CREDS);
  });

  it('a static provider without a complete credential reports not_configured', async () => {
    for (const creds of [undefined, { ...CREDS, apiToken: '' }, { ...CREDS, email: '' }]) {
      const error = await caught(() => staticCredentialsProvider(creds).get());
      expect((error as JiraError).code).toBe('not_configured');
    }
  });

  it('the stored provider decrypts once and then serves from memory', async () => {
    await store.set(CREDS);
    calls.length = 0;
    const provider = storedCredentialsProvider(store);
    const results = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(results).toEqual([CREDS, CREDS, CREDS]);
    expect(calls.filter((c) => c.op === 'decrypt')).toHaveLength(1);
    await store.set({ ...CREDS, apiToken: 'rotated-token-123456' });
    expect((await provider.get()).apiToken).toBe(CREDS.apiToken);
    provider.invalidate();
    expect((await provider.get()).apiToken).toBe('rotated-token-123456');
  });

  it('the stored provider reports not_configured and picks up a credential set later', async () => {
    const provider = storedCredentialsProvider(store);
    const error = await caught(() => provider.get());
    expect((error as JiraError).code).toBe('not_configured');
    await store.set(CREDS);
    expect(await provider.get()).toEqual(CREDS);
  });
});

describe('parseJiraCredentials with a malformed site', () => {
  it('reports a base URL that is not a URL as a validation error, not a TypeError', async () => {
    const { parseJiraCredentials } = await import('../../src/jira/credentials.js');
    let thrown: unknown;
    try {
      parseJiraCredentials({
        baseUrl: 'acme.atlassian.net',
        email: 'a@example.com',
        apiToken: 't',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(TypeError);
  });
});
