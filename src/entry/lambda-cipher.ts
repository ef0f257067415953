/**
 * The envelope cipher of both Lambda functions: the KMS cipher under
 * KMS_KEY_ID, loaded on its first use. The AWS Encryption SDK (with its
 * ASN.1 and big-number code) is the largest part of the KMS path; a request
 * that never decrypts (metadata, registration, token, most sign-ins) then
 * never evaluates it, so the OAuth function's cold start stays that of a
 * function without KMS (`test/lambda/bundle.test.ts` checks the SDK is
 * reachable only through this dynamic import).
 */
import type { KmsClientLike } from '../crypto/kms-cipher.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';

/**
 * A {@link SecretCipher} under the KMS key `keyId` (a key ARN, validated by
 * the configuration) that imports the KMS cipher on the first encrypt or
 * decrypt; concurrent first calls share one import, and a failed import is
 * retried on the next call.
 * @see AWS Encryption SDK specification, framework/aws-kms/aws-kms-keyring.md
 */
export function lazyKmsCipher(keyId: string, client?: KmsClientLike): SecretCipher {
  let loading: Promise<SecretCipher> | undefined;
  const cipher = (): Promise<SecretCipher> => {
    loading ??= import('../crypto/kms-cipher.js').then(
      ({ createKmsCipher }) =>
        createKmsCipher({ keyId, ...(client === undefined ? {} : { client }) }),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return {
    async encrypt(plaintext, context) {
      return (await cipher()).encrypt(plaintext, context);
    },
    async decrypt(ciphertext, context) {
      return (await cipher()).decrypt(ciphertext, context);
    },
  };
}
