/**
 * Envelope encryption under an AWS KMS key: KMS generates and wraps each data
 * key; the data key never leaves this process unwrapped.
 */
import { KmsKeyringNode } from '@aws-crypto/client-node';
import type { KmsNodeClientSupplier } from '@aws-crypto/client-node';
import { createKeyringCipher } from './local-cipher.js';
import type { SecretCipher } from './secret-cipher.js';

type EsdkKmsClient = Exclude<ReturnType<KmsNodeClientSupplier>, false>;
type EsdkInput<M extends keyof EsdkKmsClient> = Parameters<EsdkKmsClient[M]>[0];

/**
 * The three KMS calls the ESDK makes. `new KMS({ region })` from
 * `@aws-sdk/client-kms` satisfies it (the bare `KMSClient` with `send()` does
 * not), and so does a test double.
 */
export interface KmsClientLike {
  generateDataKey(input: EsdkInput<'generateDataKey'>): Promise<{
    KeyId?: string | undefined;
    Plaintext?: Uint8Array | undefined;
    CiphertextBlob?: Uint8Array | undefined;
  }>;
  encrypt(
    input: EsdkInput<'encrypt'>,
  ): Promise<{ KeyId?: string | undefined; CiphertextBlob?: Uint8Array | undefined }>;
  decrypt(
    input: EsdkInput<'decrypt'>,
  ): Promise<{ KeyId?: string | undefined; Plaintext?: Uint8Array | undefined }>;
}

/**
 * The SDK's v3 responses spell absent fields as `undefined`, which the ESDK's
 * types (under exactOptionalPropertyTypes) do not admit; dropping them is all
 * the adaptation needed, since the ESDK validates each response itself.
 */
function toEsdkClient(client: KmsClientLike): EsdkKmsClient {
  return {
    async generateDataKey(input) {
      const { KeyId, Plaintext, CiphertextBlob } = await client.generateDataKey(input);
      return {
        ...(KeyId === undefined ? {} : { KeyId }),
        ...(Plaintext === undefined ? {} : { Plaintext }),
        ...(CiphertextBlob === undefined ? {} : { CiphertextBlob }),
      };
    },
    async encrypt(input) {
      const { KeyId, CiphertextBlob } = await client.encrypt(input);
      return {
        ...(KeyId === undefined ? {} : { KeyId }),
        ...(CiphertextBlob === undefined ? {} : { CiphertextBlob }),
      };
    },
    async decrypt(input) {
      const { KeyId, Plaintext } = await client.decrypt(input);
      return {
        ...(KeyId === undefined ? {} : { KeyId }),
        ...(Plaintext === undefined ? {} : { Plaintext }),
      };
    },
  };
}

export interface KmsCipherOptions {
  /** A key ARN: `arn:aws:kms:<region>:<account>:key/<id>`. */
  keyId: string;
  /** Defaults to the SDK's per-region `KMS` clients with the default credential chain. */
  client?: KmsClientLike;
}

function constant<T>(value: T): () => T {
  return () => value;
}

// Aliases cannot be used: every encrypted data key records the key ARN that
// KMS returned, and the keyring decrypts only data keys whose ARN equals one
// it was configured with, so an alias would encrypt fine and never decrypt.
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * A {@link SecretCipher} whose master key is a KMS key. The encryption
 * context is sent to KMS too, so it appears in CloudTrail for each unwrap.
 * @see AWS Encryption SDK specification, framework/aws-kms/aws-kms-keyring.md
 */
export function createKmsCipher(options: KmsCipherOptions): SecretCipher {
  if (!KEY_ARN.test(options.keyId)) {
    throw new RangeError('KMS keyId must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  }
  const { client } = options;
  const keyring = new KmsKeyringNode({
    generatorKeyId: options.keyId,
    ...(client === undefined ? {} : { clientProvider: constant(toEsdkClient(client)) }),
  });
  // KmsKeyringNode extends KeyringNode at runtime (the SDK builds it with a
  // class factory), but its declared type does not show the ancestry.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  return createKeyringCipher(keyring);
}
