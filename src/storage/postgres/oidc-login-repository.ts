import type { Pool } from 'pg';
import type { OidcLoginRecord, OidcLoginRepository } from '../ports.js';
import { OIDC_LOGIN_COLUMNS, type OidcLoginRow, toOidcLogin } from '../sql-rows/oidc-login-row.js';
import { inTransaction, rows } from './postgres-client.js';

/**
 * Sign-ins at the OpenID provider in flight, in `oidc_logins`. A consume is
 * one `DELETE … RETURNING`: of two callbacks with one cookie, on any
 * replicas, only the one whose DELETE removed the row gets it.
 * @see OpenID Connect Core 1.0 §3.1.2.1 (state, nonce); RFC 7636 §4.1
 */
export class PostgresOidcLoginRepository implements OidcLoginRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  save(login: OidcLoginRecord): Promise<void> {
    return inTransaction(this.#pool, async (tx) => {
      // Abandoned sign-ins would otherwise pile up; each start sweeps the expired ones.
      await tx.query('DELETE FROM oidc_logins WHERE expires_at <= $1', [login.createdAt]);
      await tx.query(
        `INSERT INTO oidc_logins (${OIDC_LOGIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          login.idHash,
          login.state,
          login.nonce,
          login.codeVerifier,
          login.request,
          login.createdAt,
          login.expiresAt,
        ],
      );
    });
  }

  async consume(idHash: string, now: number): Promise<OidcLoginRecord | undefined> {
    const [row] = await rows<OidcLoginRow>(
      this.#pool,
      `DELETE FROM oidc_logins WHERE id_hash = $1 RETURNING ${OIDC_LOGIN_COLUMNS}`,
      [idHash],
    );
    return row === undefined || row.expires_at <= now ? undefined : toOidcLogin(row);
  }
}
