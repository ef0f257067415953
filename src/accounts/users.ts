/**
 * Local user accounts: creation rules, password login, and the first admin.
 * The domain side of `/authorize` login; it knows nothing of HTTP.
 */
import type { Clock } from '../clock.js';
import { randomId, randomToken } from '../crypto/random.js';
import { ConflictError } from '../storage/ports.js';
import type { UserRecord, UserRepository } from '../storage/ports.js';
import { hashPassword, needsRehash, normalizePassword, verifyPassword } from './passwords.js';

/** A user as the rest of the system sees it: never with its password hash. */
export type User = Omit<UserRecord, 'passwordHash'>;

/** Lowercase ASCII, starts with a letter or digit, 1–64 characters. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** @see NIST SP 800-63B §5.1.1.2 (at least 8; we ask for more as there is no MFA) */
export const MIN_PASSWORD_LENGTH = 12;
/** Bounds the argon2 input so a login cannot be turned into a memory or CPU sink. */
export const MAX_PASSWORD_LENGTH = 1024;
export const FIRST_ADMIN_USERNAME = 'admin';

export const ACCOUNT_ERROR = {
  invalidUsername: 'invalid_username',
  passwordTooShort: 'password_too_short',
  passwordTooLong: 'password_too_long',
  usernameTaken: 'username_taken',
} as const;

export type AccountErrorCode = (typeof ACCOUNT_ERROR)[keyof typeof ACCOUNT_ERROR];

/** A rejected account change; `message` is safe to show to the operator. */
export class AccountError extends Error {
  readonly code: AccountErrorCode;

  constructor(code: AccountErrorCode, message: string) {
    super(message);
    this.name = 'AccountError';
    this.code = code;
  }
}

/**
 * Verified against when the user is unknown or disabled, with the same
 * parameters as real hashes, so the answer takes as long either way. Its
 * password is a discarded random value: nothing verifies against it.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$8s/mimp+ArMJqtL/tqoKng$5bB9QgHOz71e3ERg0VIGCCCGU4+qkuMMfJ/PccFW9Y0';

/**
 * Folds ASCII capitals only. Full Unicode lowercasing would map look-alikes
 * (U+212A KELVIN SIGN → `k`) onto real usernames; those stay invalid instead.
 */
export function normalizeUsername(username: string): string {
  return username.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function toUser(record: UserRecord): User {
  return {
    id: record.id,
    username: record.username,
    disabled: record.disabled,
    createdAt: record.createdAt,
  };
}

function checkPassword(password: string): void {
  // Code points, not UTF-16 units or graphemes, as NIST SP 800-63B §5.1.1.2 counts.
  const length = Array.from(normalizePassword(password)).length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new AccountError(
      ACCOUNT_ERROR.passwordTooShort,
      `password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new AccountError(
      ACCOUNT_ERROR.passwordTooLong,
      `password must be at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}

export class UserService {
  readonly #users: UserRepository;
  readonly #clock: Clock;

  constructor(users: UserRepository, clock: Clock) {
    this.#users = users;
    this.#clock = clock;
  }

  /**
   * Creates an enabled user. The username is folded to lowercase and must
   * match {@link USERNAME_PATTERN}; the password must have 12 to 1024
   * characters. Throws {@link AccountError}.
   * @see NIST SP 800-63B §5.1.1.2 (memorized secret verifiers)
   */
  async create(username: string, password: string): Promise<User> {
    const name = normalizeUsername(username);
    if (!USERNAME_PATTERN.test(name)) {
      throw new AccountError(
        ACCOUNT_ERROR.invalidUsername,
        'username must be 1–64 characters of a–z, 0–9, ".", "_" or "-", starting with a letter or digit',
      );
    }
    checkPassword(password);
    const record: UserRecord = {
      id: randomId('usr'),
      username: name,
      passwordHash: await hashPassword(password),
      disabled: false,
      createdAt: this.#clock.now(),
    };
    try {
      await this.#users.create(record);
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new AccountError(ACCOUNT_ERROR.usernameTaken, `username "${name}" is taken`);
      }
      throw error;
    }
    return toUser(record);
  }

  /**
   * The user when `password` is theirs and the account is enabled, else
   * undefined. Unknown, malformed and disabled usernames cost one argon2
   * verification too, so response time does not reveal which accounts exist.
   * A hash made with outdated parameters is replaced after a good login.
   * @see OWASP Authentication Cheat Sheet, "Authentication Responses"
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const name = normalizeUsername(username);
    const record = USERNAME_PATTERN.test(name) ? await this.#users.getByUsername(name) : undefined;
    // A person from the OpenID provider has no password here: they sign in there.
    if (record === undefined || record.disabled || record.identity !== undefined) {
      await verifyPassword(DUMMY_PASSWORD_HASH, password);
      return undefined;
    }
    if (!(await verifyPassword(record.passwordHash, password))) return undefined;
    if (needsRehash(record.passwordHash)) {
      await this.#users.setPasswordHash(name, await hashPassword(password));
    }
    return toUser(record);
  }

  /**
   * Replaces a user's password (same rules as {@link UserService.create}).
   * False when no such user exists.
   * @see NIST SP 800-63B §5.1.1.2
   */
  async setPassword(username: string, password: string): Promise<boolean> {
    checkPassword(password);
    return this.#users.setPasswordHash(normalizeUsername(username), await hashPassword(password));
  }

  /**
   * On an empty store, creates `admin` with a random 32-character password
   * and returns that password, once, for the operator to read; returns
   * undefined when any user exists (or another process just made the admin).
   * @see OWASP Authentication Cheat Sheet (no default credentials)
   */
  async ensureFirstAdmin(): Promise<string | undefined> {
    if ((await this.#users.count()) > 0) return undefined;
    const password = randomToken(24);
    try {
      await this.create(FIRST_ADMIN_USERNAME, password);
    } catch (error) {
      if (error instanceof AccountError && error.code === ACCOUNT_ERROR.usernameTaken) {
        return undefined;
      }
      throw error;
    }
    return password;
  }
}
