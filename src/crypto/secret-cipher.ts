/**
 * Envelope encryption of secrets that must be recovered (the Jira API token).
 * A fresh data key encrypts each secret; a master key (a local key, or an
 * AWS KMS key) wraps the data key. Implementations: `local-cipher.ts`
 * (raw AES master key) and `kms-cipher.ts` (AWS KMS).
 *
 * `context` is bound to the ciphertext (authenticated, not secret): a
 * ciphertext decrypts only with the same context, so a blob copied to another
 * record name fails to decrypt.
 */
export interface SecretCipher {
  encrypt(plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}
