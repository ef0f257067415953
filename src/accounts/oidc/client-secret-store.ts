/**
 * The gateway's client secret at the OpenID provider, kept like the Jira
 * credential: only envelope-encrypted (local master key or AWS KMS), bound
 * to its purpose, never in an environment variable on AWS. Written by
 * `oidc set-client-secret`, read by the relying party on first use.
 */
import type { Clock } from '../../clock.js';
import { EncryptedSecretStore } from '../../crypto/encrypted-secret-store.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { SecretRepository } from '../../storage/ports.js';

/** Record name in {@link SecretRepository}. */
export const OIDC_CLIENT_SECRET_RECORD = 'oidc.client_secret';

/** Bound to the ciphertext: a blob stored under another name does not decrypt as this one. */
export const OIDC_CLIENT_SECRET_CONTEXT: Readonly<Record<string, string>> = Object.freeze({
  purpose: 'oidc-client-secret',
});

/** Longest secret accepted; providers issue 40–100 characters. */
export const MAX_CLIENT_SECRET_LENGTH = 4096;

/**
 * Stores and reads the encrypted client secret (`get` and `clear` as in
 * {@link EncryptedSecretStore}).
 * @see OpenID Connect Core 1.0 §9 (client_secret_basic)
 */
export class OidcClientSecretStore extends EncryptedSecretStore {
  constructor(secrets: SecretRepository, cipher: SecretCipher, clock: Clock) {
    super(secrets, cipher, clock, OIDC_CLIENT_SECRET_RECORD, OIDC_CLIENT_SECRET_CONTEXT);
  }

  /** Encrypts and stores `secret`, replacing any previous one. Throws RangeError for an empty or oversized one. */
  override async set(secret: string): Promise<void> {
    if (secret === '' || secret.length > MAX_CLIENT_SECRET_LENGTH || /[\r\n]/.test(secret)) {
      throw new RangeError(
        `the client secret must be 1 to ${String(MAX_CLIENT_SECRET_LENGTH)} characters on one line`,
      );
    }
    await super.set(secret);
  }
}
