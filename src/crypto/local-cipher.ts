/**
 * Envelope encryption with the AWS Encryption SDK under a local AES-256 master
 * key, plus the keyring-agnostic core that `kms-cipher.ts` reuses.
 *
 * Message format: the SDK's own (versioned, self-describing), so a secret
 * written here can be read by any ESDK implementation holding the key.
 */
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import type { KeyringNode } from '@aws-crypto/client-node';
import type { SecretCipher } from './secret-cipher.js';

/** Identifies the wrapping key inside each message; changing it orphans every stored secret. */
export const LOCAL_KEY_NAMESPACE = 'jira-mcp-gateway';
/** Versioned so a future key rotation can keep reading `v1` messages. */
export const LOCAL_KEY_NAME = 'local-master-key-v1';

/**
 * Committing, unsigned suite. Signing only helps when some decryptors must not
 * be able to encrypt; here the same process does both, so ECDSA would add
 * ~100 bytes and a slow signature per secret for no protection.
 */
const SUITE_ID = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

const client = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  // We always write exactly one data key; refusing more bounds the work a
  // forged message can make us (or KMS) do.
  maxEncryptedDataKeys: 1,
});

/** A ciphertext that cannot be opened: wrong key, tampered bytes, or another context. */
export class SecretDecryptError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'SecretDecryptError';
  }
}

/**
 * A {@link SecretCipher} over any ESDK keyring. `decrypt` verifies that the
 * message's encryption context contains every expected entry, which the SDK
 * leaves to the caller.
 * @see AWS Encryption SDK specification, client-apis/decrypt.md (encryption context)
 */
export function createKeyringCipher(keyring: KeyringNode): SecretCipher {
  return {
    async encrypt(plaintext, context) {
      const { result } = await client.encrypt(keyring, plaintext, {
        suiteId: SUITE_ID,
        encryptionContext: { ...context },
      });
      return new Uint8Array(result);
    },

    async decrypt(ciphertext, context) {
      let output: Awaited<ReturnType<typeof client.decrypt>>;
      try {
        output = await client.decrypt(keyring, ciphertext);
      } catch (error) {
        throw new SecretDecryptError('secret could not be decrypted', { cause: error });
      }
      const actual = output.messageHeader.encryptionContext;
      for (const [key, value] of Object.entries(context)) {
        // A blob moved to another record must not open there, even though the
        // key and the bytes are both genuine.
        if (actual[key] !== value) {
          output.plaintext.fill(0);
          throw new SecretDecryptError(`encryption context mismatch on "${key}"`);
        }
      }
      const plaintext = new Uint8Array(output.plaintext);
      output.plaintext.fill(0);
      return plaintext;
    },
  };
}

/**
 * Envelope encryption under a local 256-bit master key: each secret gets a
 * fresh data key, wrapped with AES-256-GCM by `masterKey`. Commitment is
 * required on both encrypt and decrypt.
 * @see AWS Encryption SDK specification, framework/raw-aes-keyring.md
 */
export function createLocalCipher(masterKey: Buffer): SecretCipher {
  if (masterKey.length !== 32) {
    throw new RangeError(`master key must be 32 bytes, got ${masterKey.length}`);
  }
  const keyring = new RawAesKeyringNode({
    keyNamespace: LOCAL_KEY_NAMESPACE,
    keyName: LOCAL_KEY_NAME,
    // A copy, so a caller zeroing or reusing its buffer cannot change our key.
    unencryptedMasterKey: new Uint8Array(masterKey),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  return createKeyringCipher(keyring);
}
