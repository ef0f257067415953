import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalCipher, SecretDecryptError } from '../../src/crypto/local-cipher.js';

const SECRET = new TextEncoder().encode('ATATT3xFfGF0-jira-api-token-value');
const CONTEXT = { record: 'jira.credentials', purpose: 'jira-basic-auth' };

function containsSubarray(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle));
}

describe('local cipher (AWS Encryption SDK, raw AES-256-GCM keyring)', () => {
  it('round-trips a secret under the same key and context', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const plaintext = await cipher.decrypt(ciphertext, CONTEXT);
    expect(Buffer.from(plaintext).toString('utf8')).toBe('ATATT3xFfGF0-jira-api-token-value');
  });

  it('produces a ciphertext that does not contain the plaintext', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    expect(containsSubarray(ciphertext, SECRET)).toBe(false);
    expect(Buffer.from(ciphertext).toString('latin1')).not.toContain('jira-api-token');
  });

  it('uses a fresh data key per encryption, so equal secrets give different ciphertexts', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const a = await cipher.encrypt(SECRET, CONTEXT);
    const b = await cipher.encrypt(SECRET, CONTEXT);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses a ciphertext whose context has a different value', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const error = await cipher
      .decrypt(ciphertext, { ...CONTEXT, record: 'other.record' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretDecryptError);
    expect((error as Error).message).toBe('encryption context mismatch on "record"');
  });

  it('refuses a ciphertext that lacks an expected context entry', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, { record: 'jira.credentials' });
    await expect(cipher.decrypt(ciphertext, CONTEXT)).rejects.toThrow(
      'encryption context mismatch on "purpose"',
    );
  });

  it('accepts an expected context that is a subset of the stored one', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const plaintext = await cipher.decrypt(ciphertext, { record: 'jira.credentials' });
    expect(Buffer.from(plaintext).equals(Buffer.from(SECRET))).toBe(true);
  });

  it('refuses a ciphertext with one flipped byte anywhere', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    // The header (context, wrapped key), the body and the final tag are all
    // authenticated; try one byte in each region.
    for (const index of [20, Math.floor(ciphertext.length / 2), ciphertext.length - 1]) {
      const tampered = new Uint8Array(ciphertext);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expect(cipher.decrypt(tampered, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
    }
  });

  it('refuses a truncated ciphertext', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    await expect(
      cipher.decrypt(ciphertext.subarray(0, ciphertext.length - 10), CONTEXT),
    ).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('refuses a ciphertext made under a different master key', async () => {
    const ciphertext = await createLocalCipher(randomBytes(32)).encrypt(SECRET, CONTEXT);
    const other = createLocalCipher(randomBytes(32));
    await expect(other.decrypt(ciphertext, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('decrypts with a second cipher built from the same key bytes (restart)', async () => {
    const key = randomBytes(32);
    const ciphertext = await createLocalCipher(key).encrypt(SECRET, CONTEXT);
    const plaintext = await createLocalCipher(Buffer.from(key)).decrypt(ciphertext, CONTEXT);
    expect(Buffer.from(plaintext).equals(Buffer.from(SECRET))).toBe(true);
  });

  it('is not affected by the caller zeroing its key buffer afterwards', async () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const cipher = createLocalCipher(key);
    key.fill(0);
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const plaintext = await createLocalCipher(copy).decrypt(ciphertext, CONTEXT);
    expect(Buffer.from(plaintext).equals(Buffer.from(SECRET))).toBe(true);
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => createLocalCipher(randomBytes(16))).toThrow('master key must be 32 bytes, got 16');
  });

  it('round-trips an empty secret and binary bytes', async () => {
    const cipher = createLocalCipher(randomBytes(32));
    const binary = Uint8Array.from([0, 255, 1, 254, 0, 0]);
    expect(await cipher.decrypt(await cipher.encrypt(binary, CONTEXT), CONTEXT)).toEqual(binary);
    const empty = await cipher.decrypt(await cipher.encrypt(new Uint8Array(0), CONTEXT), CONTEXT);
    expect(empty.length).toBe(0);
  });
});
