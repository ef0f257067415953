/**
 * The gateway's client secret at the OpenID provider, kept like the Jira
 * credential: only envelope-encrypted (local master key or AWS KMS), bound
 * to its purpose, never in an environment variable on AWS. Written by
 * `oidc set-client-secret`, read by the relying party on first use.
 */
import type { Clock } from '../../clock.js';
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
 * Stores and reads the encrypted client secret.
 * @see OpenID Connect Core 1.0 §9 (client_secret_basic)
 */
export class OidcClientSecretStore {
  readonly #secrets: SecretRepository;
  readonly #cipher: SecretCipher;
  readonly #clock: Clock;

  constructor(secrets: SecretRepository, cipher: SecretCipher, clock: Clock) {
    this.#secrets = secrets;
    this.#cipher = cipher;
    this.#clock = clock;
  }

  /** Encrypts and stores `secret`, replacing any previous one. Throws RangeError for an empty or oversized one. */
  async set(secret: string): Promise<void> {
    if (secret === '' || secret.length > MAX_CLIENT_SECRET_LENGTH || /[\r\n]/.test(secret)) {
      throw new RangeError(
        `the client secret must be 1 to ${String(MAX_CLIENT_SECRET_LENGTH)} characters on one line`,
      );
    }
    const ciphertext = await this.#cipher.encrypt(
      new TextEncoder().encode(secret),
      OIDC_CLIENT_SECRET_CONTEXT,
    );
    await this.#secrets.put({
      name: OIDC_CLIENT_SECRET_RECORD,
      ciphertext,
      updatedAt: this.#clock.now(),
    });
  }

  /** The stored secret, or undefined when none is stored. A blob that does not decrypt throws. */
  async get(): Promise<string | undefined> {
    const record = await this.#secrets.get(OIDC_CLIENT_SECRET_RECORD);
    if (record === undefined) return undefined;
    const plaintext = await this.#cipher.decrypt(record.ciphertext, OIDC_CLIENT_SECRET_CONTEXT);
    return new TextDecoder().decode(plaintext);
  }

  /** Deletes the stored secret; false when there was none. */
  clear(): Promise<boolean> {
    return this.#secrets.delete(OIDC_CLIENT_SECRET_RECORD);
  }
}
