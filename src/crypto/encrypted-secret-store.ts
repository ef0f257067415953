/**
 * One named secret kept only envelope-encrypted in the secret store, bound to
 * its purpose: the shared part of the Jira credential and the OpenID client
 * secret. What the plaintext means (and how it is validated) stays with them.
 */
import type { Clock } from '../clock.js';
import type { SecretRepository } from '../storage/ports.js';
import type { SecretCipher } from './secret-cipher.js';

/**
 * Encrypts a string under `context` and stores it as record `name`; reads it
 * back the same way. The context is bound to the ciphertext, so a blob
 * copied under another record name fails to decrypt instead of being read.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */
export class EncryptedSecretStore {
  readonly #secrets: SecretRepository;
  readonly #cipher: SecretCipher;
  readonly #clock: Clock;
  readonly #name: string;
  readonly #context: Readonly<Record<string, string>>;

  constructor(
    secrets: SecretRepository,
    cipher: SecretCipher,
    clock: Clock,
    name: string,
    context: Readonly<Record<string, string>>,
  ) {
    this.#secrets = secrets;
    this.#cipher = cipher;
    this.#clock = clock;
    this.#name = name;
    this.#context = context;
  }

  /** Encrypts and stores `plaintext`, replacing any previous value. */
  async set(plaintext: string): Promise<void> {
    const ciphertext = await this.#cipher.encrypt(
      new TextEncoder().encode(plaintext),
      this.#context,
    );
    await this.#secrets.put({ name: this.#name, ciphertext, updatedAt: this.#clock.now() });
  }

  /** The stored plaintext, or undefined when none is stored. A blob that does not decrypt throws. */
  async get(): Promise<string | undefined> {
    const record = await this.#secrets.get(this.#name);
    if (record === undefined) return undefined;
    const plaintext = await this.#cipher.decrypt(record.ciphertext, this.#context);
    return new TextDecoder().decode(plaintext);
  }

  /** Deletes the stored value; false when there was none. */
  clear(): Promise<boolean> {
    return this.#secrets.delete(this.#name);
  }
}
