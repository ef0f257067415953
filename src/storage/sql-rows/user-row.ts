import type { UserRecord } from '../ports.js';

/**
 * One `users` row. The schemas agree except for `disabled`: SQLite stores
 * it as INTEGER 0/1, PostgreSQL as BOOLEAN, so the flag's type is the
 * adapter's parameter and its decoding stays in the adapter.
 */
export interface UserRow<DisabledFlag> {
  id: string;
  username: string;
  password_hash: string;
  disabled: DisabledFlag;
  created_at: number;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  email: string | null;
  display_name: string | null;
}

/** The `users` columns, in the order both adapters use. */
export const USER_COLUMNS =
  'id, username, password_hash, disabled, created_at, oidc_issuer, oidc_subject, email, display_name';

/**
 * A stored row back to an account, given the adapter's decoding of `disabled`;
 * an identity needs both its issuer and its subject.
 * @see OpenID Connect Core 1.0 §2 (iss, sub)
 */
export function toUser(row: UserRow<unknown>, disabled: boolean): UserRecord {
  const user: UserRecord = {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    disabled,
    createdAt: row.created_at,
  };
  if (row.oidc_issuer !== null && row.oidc_subject !== null) {
    user.identity = { issuer: row.oidc_issuer, subject: row.oidc_subject };
  }
  if (row.email !== null) user.email = row.email;
  if (row.display_name !== null) user.name = row.display_name;
  return user;
}
