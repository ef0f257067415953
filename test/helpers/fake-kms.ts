/**
 * A KMS stand-in built on node:crypto, speaking the three calls the AWS
 * Encryption SDK makes (GenerateDataKey, Encrypt, Decrypt). Like KMS it binds
 * the encryption context to the wrapped key (as AES-GCM additional data), so
 * a wrong context or another key fails here exactly where KMS would. KMS
 * itself cannot run in the tests; everything around it is real.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type KmsContext = Readonly<Record<string, string>> | undefined;

export interface FakeKmsCall {
  op: 'GenerateDataKey' | 'Encrypt' | 'Decrypt';
  keyId: string | undefined;
  context: KmsContext;
}

function aad(context: KmsContext): Buffer {
  const sorted = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/** One KMS key (`arn`) with its own random key material. */
export class FakeKms {
  readonly #key = randomBytes(32);
  /** Every call, oldest first (never the plaintext). */
  readonly calls: FakeKmsCall[] = [];

  constructor(readonly arn: string) {}

  generateDataKey(args: {
    KeyId: string;
    NumberOfBytes?: number;
    EncryptionContext?: KmsContext;
  }): Promise<{ KeyId: string; Plaintext: Uint8Array; CiphertextBlob: Uint8Array }> {
    this.calls.push({ op: 'GenerateDataKey', keyId: args.KeyId, context: args.EncryptionContext });
    const plaintext = randomBytes(args.NumberOfBytes ?? 32);
    return Promise.resolve({
      KeyId: this.arn,
      Plaintext: new Uint8Array(plaintext),
      CiphertextBlob: this.#wrap(plaintext, args.EncryptionContext),
    });
  }

  encrypt(args: {
    KeyId: string;
    Plaintext: Uint8Array;
    EncryptionContext?: KmsContext;
  }): Promise<{ KeyId: string; CiphertextBlob: Uint8Array }> {
    this.calls.push({ op: 'Encrypt', keyId: args.KeyId, context: args.EncryptionContext });
    return Promise.resolve({
      KeyId: this.arn,
      CiphertextBlob: this.#wrap(args.Plaintext, args.EncryptionContext),
    });
  }

  decrypt(args: {
    KeyId?: string;
    CiphertextBlob: Uint8Array;
    EncryptionContext?: KmsContext;
  }): Promise<{ KeyId: string; Plaintext: Uint8Array }> {
    this.calls.push({ op: 'Decrypt', keyId: args.KeyId, context: args.EncryptionContext });
    const blob = Buffer.from(args.CiphertextBlob);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, blob.subarray(0, 12));
      decipher.setAAD(aad(args.EncryptionContext));
      decipher.setAuthTag(blob.subarray(12, 28));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
      return Promise.resolve({ KeyId: this.arn, Plaintext: new Uint8Array(plaintext) });
    } catch {
      return Promise.reject(new Error('InvalidCiphertextException'));
    }
  }

  #wrap(plaintext: Uint8Array, context: KmsContext): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }
}
