/**
 * The gateway's client secret at Atlassian (its OAuth 2.0 (3LO) integration),
 * kept like the OpenID client secret: only envelope-encrypted (local master
 * key or AWS KMS), bound to its purpose, never in an environment variable on
 * AWS. Written by the CLI, read when the first person links or refreshes.
 */
import type { Clock } from '../../clock.js';
import { EncryptedSecretStore } from '../../crypto/encrypted-secret-store.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { SecretRepository } from '../../storage/ports.js';

/** Record name in {@link SecretRepository}. */
export const ATLASSIAN_CLIENT_SECRET_RECORD = 'atlassian.client_secret';

/** Bound to the ciphertext: a blob stored under another name does not decrypt as this one. */
export const ATLASSIAN_CLIENT_SECRET_CONTEXT: Readonly<Record<string, string>> = Object.freeze({
  purpose: 'atlassian-client-secret',
});

/** Longest secret accepted; Atlassian issues 64-character secrets. */
export const MAX_ATLASSIAN_CLIENT_SECRET_LENGTH = 4096;

/**
 * Stores and reads the encrypted client secret (`get` and `clear` as in
 * {@link EncryptedSecretStore}).
 * @see RFC 6749 §2.3.1
 */
export class AtlassianClientSecretStore extends EncryptedSecretStore {
  constructor(secrets: SecretRepository, cipher: SecretCipher, clock: Clock) {
    super(secrets, cipher, clock, ATLASSIAN_CLIENT_SECRET_RECORD, ATLASSIAN_CLIENT_SECRET_CONTEXT);
  }

  /** Encrypts and stores `secret`, replacing any previous one. Throws RangeError for an empty or oversized one. */
  override async set(secret: string): Promise<void> {
    if (
      secret === '' ||
      secret.length > MAX_ATLASSIAN_CLIENT_SECRET_LENGTH ||
      /[\r\n]/.test(secret)
    ) {
      throw new RangeError(
        `the client secret must be 1 to ${String(MAX_ATLASSIAN_CLIENT_SECRET_LENGTH)} characters on one line`,
      );
    }
    await super.set(secret);
  }
}
