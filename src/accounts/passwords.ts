/**
 * Password hashing for local accounts: argon2id with OWASP's minimum
 * parameters, stored as PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
 */
import { hash, parseOptions, verify } from '@node-rs/argon2';
import type { Options } from '@node-rs/argon2';

/**
 * 19 MiB, 2 passes, 1 lane: OWASP's first recommended argon2id configuration,
 * about 30–60 ms per hash on a small server. The variant is the library's
 * default, argon2id (`Algorithm` is an ambient const enum that
 * isolatedModules cannot reference); {@link needsRehash} and the tests check it.
 * @see OWASP Password Storage Cheat Sheet, "Argon2id"
 */
export const PASSWORD_HASH_OPTIONS: Readonly<Options> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Unicode normalization so the same password typed on two keyboards (composed
 * or decomposed accents, full-width digits) verifies the same.
 * @see NIST SP 800-63B §5.1.1.2 (NFKC or NFKD normalization)
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Hashes a password with argon2id and a fresh 16-byte salt; returns the PHC
 * string to store.
 * @see RFC 9106 §4 (argon2id parameter choice)
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), PASSWORD_HASH_OPTIONS);
}

/**
 * True only when `password` matches `passwordHash`. A malformed or foreign
 * hash yields false, never an exception, so a corrupt record cannot turn a
 * login attempt into a 500 (and an error path with different timing).
 * @see RFC 9106 §3
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    return false;
  }
}

/**
 * True when a stored hash was made with other parameters than today's, so
 * the caller can re-hash it after a successful login.
 * @see OWASP Password Storage Cheat Sheet, "Upgrading the work factor"
 */
export function needsRehash(passwordHash: string): boolean {
  try {
    const current = parseOptions(passwordHash);
    return (
      !passwordHash.startsWith('$argon2id$v=19$') ||
      current.memoryCost !== PASSWORD_HASH_OPTIONS.memoryCost ||
      current.timeCost !== PASSWORD_HASH_OPTIONS.timeCost ||
      current.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}
