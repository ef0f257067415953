import { KMS } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createKmsCipher } from '../../src/crypto/kms-cipher.js';
import type { KmsClientLike } from '../../src/crypto/kms-cipher.js';
import { SecretDecryptError } from '../../src/crypto/local-cipher.js';
import { FakeKms } from '../helpers/fake-kms.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET = new TextEncoder().encode('jira-api-token-0123456789');
const CONTEXT = { record: 'jira.credentials' };

describe('KMS cipher (AWS Encryption SDK, KMS keyring)', () => {
  it('round-trips a secret through GenerateDataKey and Decrypt on the configured key', async () => {
    const kms = new FakeKms(KEY_ARN);
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: kms });
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const plaintext = await cipher.decrypt(ciphertext, CONTEXT);

    expect(Buffer.from(plaintext).toString('utf8')).toBe('jira-api-token-0123456789');
    expect(kms.calls.map((c) => c.op)).toEqual(['GenerateDataKey', 'Decrypt']);
    expect(kms.calls.every((c) => c.keyId === KEY_ARN)).toBe(true);
    // The context travels to KMS, where CloudTrail records it with each unwrap.
    expect(kms.calls[0]?.context).toEqual(CONTEXT);
    expect(kms.calls[1]?.context).toEqual(CONTEXT);
  });

  it('produces a ciphertext that does not contain the plaintext', async () => {
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: new FakeKms(KEY_ARN) });
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    expect(Buffer.from(ciphertext).includes(Buffer.from(SECRET))).toBe(false);
  });

  it('refuses a ciphertext read with another context', async () => {
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: new FakeKms(KEY_ARN) });
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    await expect(cipher.decrypt(ciphertext, { record: 'other.record' })).rejects.toThrow(
      'encryption context mismatch on "record"',
    );
  });

  it('refuses a tampered ciphertext', async () => {
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: new FakeKms(KEY_ARN) });
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const tampered = new Uint8Array(ciphertext);
    const last = tampered.length - 1;
    tampered[last] = (tampered[last] ?? 0) ^ 0xff;
    await expect(cipher.decrypt(tampered, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('refuses a ciphertext whose data key another KMS key wrapped', async () => {
    const ciphertext = await createKmsCipher({
      keyId: KEY_ARN,
      client: new FakeKms(KEY_ARN),
    }).encrypt(SECRET, CONTEXT);
    // Same ARN, different key material: KMS itself refuses the unwrap.
    const other = createKmsCipher({ keyId: KEY_ARN, client: new FakeKms(KEY_ARN) });
    await expect(other.decrypt(ciphertext, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('does not ask KMS to unwrap a data key recorded under a key it was not configured with', async () => {
    const otherArn = KEY_ARN.replace('1234abcd', 'ffffffff');
    const ciphertext = await createKmsCipher({
      keyId: otherArn,
      client: new FakeKms(otherArn),
    }).encrypt(SECRET, CONTEXT);
    const kms = new FakeKms(KEY_ARN);
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: kms });
    await expect(cipher.decrypt(ciphertext, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
    expect(kms.calls).toEqual([]);
  });

  it('rejects a key alias, which would encrypt but never decrypt', () => {
    expect(() =>
      createKmsCipher({ keyId: 'alias/jira-mcp', client: new FakeKms(KEY_ARN) }),
    ).toThrow('KMS keyId must be a key ARN');
    expect(() =>
      createKmsCipher({
        keyId: 'arn:aws:kms:eu-west-1:123456789012:alias/jira-mcp',
        client: new FakeKms(KEY_ARN),
      }),
    ).toThrow('KMS keyId must be a key ARN');
  });

  it('refuses a KMS answer that names no key', async () => {
    const kms = new FakeKms(KEY_ARN);
    const cipher = createKmsCipher({ keyId: KEY_ARN, client: kms });
    const ciphertext = await cipher.encrypt(SECRET, CONTEXT);
    const anonymous: KmsClientLike = {
      generateDataKey: (input) => kms.generateDataKey(input),
      encrypt: (input) => kms.encrypt(input),
      decrypt: async (input) => ({ ...(await kms.decrypt(input)), KeyId: undefined }),
    };
    const reader = createKmsCipher({ keyId: KEY_ARN, client: anonymous });
    await expect(reader.decrypt(ciphertext, CONTEXT)).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('accepts the AWS SDK v3 KMS client type', () => {
    // Type-level check: the aggregated client is what callers pass in production.
    // Constructing it makes no network call.
    const client: KmsClientLike = new KMS({ region: 'eu-west-1' });
    expect(typeof createKmsCipher({ keyId: KEY_ARN, client }).encrypt).toBe('function');
  });
});
