import type Database from 'better-sqlite3';
import type { OidcLoginRecord, OidcLoginRepository } from '../ports.js';
import {
  OIDC_LOGIN_COLUMNS,
  type OidcLoginRow,
  toOidcLogin,
  toOidcLoginRow,
} from '../sql-rows/oidc-login-row.js';
import type { GroupCommit } from './group-commit.js';

/**
 * Sign-ins at the OpenID provider in flight, in `oidc_logins`. A consume is
 * one `DELETE … RETURNING`, so two callbacks with one cookie cannot both
 * get the record.
 * @see OpenID Connect Core 1.0 §3.1.2.1 (state, nonce); RFC 7636 §4.1
 */
export class SqliteOidcLoginRepository implements OidcLoginRepository {
  readonly #insert;
  readonly #take;
  readonly #purge;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[OidcLoginRow]>(
      `INSERT INTO oidc_logins (${OIDC_LOGIN_COLUMNS})
       VALUES (@id_hash, @state, @nonce, @code_verifier, @request, @created_at, @expires_at)`,
    );
    this.#take = db.prepare<[string], OidcLoginRow>(
      `DELETE FROM oidc_logins WHERE id_hash = ? RETURNING ${OIDC_LOGIN_COLUMNS}`,
    );
    this.#purge = db.prepare<[number]>('DELETE FROM oidc_logins WHERE expires_at <= ?');
  }

  save(login: OidcLoginRecord): Promise<void> {
    return this.#writer.write(() => {
      // Abandoned sign-ins would otherwise pile up; each start sweeps the expired ones.
      this.#purge.run(login.createdAt);
      this.#insert.run(toOidcLoginRow(login));
    });
  }

  consume(idHash: string, now: number): Promise<OidcLoginRecord | undefined> {
    return this.#writer.write(() => {
      const row = this.#take.get(idHash);
      return row === undefined || row.expires_at <= now ? undefined : toOidcLogin(row);
    });
  }
}
