import type Database from 'better-sqlite3';
import type {
  ActiveToken,
  GrantRecord,
  RotateRefreshResult,
  TokenKind,
  TokenRecord,
  TokenRepository,
} from '../ports.js';
import { checkReplacements } from '../check-replacements.js';
import {
  ACTIVE_TOKEN_COLUMNS,
  toActiveToken,
  type ActiveTokenRow,
} from '../sql-rows/active-token-row.js';
import { GRANT_COLUMNS, toGrant, type GrantRow } from '../sql-rows/grant-row.js';
import { TOKEN_COLUMNS, toToken, toTokenRow, type TokenRow } from '../sql-rows/token-row.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

const INVALID: RotateRefreshResult = Object.freeze({ status: 'invalid' });

/**
 * Access and refresh tokens, stored by hash. Whether a token is usable is
 * decided together with its grant, in one query or one transaction.
 * @see RFC 6749 §10.4
 */
export class SqliteTokenRepository implements TokenRepository {
  readonly #save;
  readonly #findActive;
  readonly #get;
  readonly #revoke;
  readonly #byGrant;
  readonly #rotate;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    const insert = db.prepare<[TokenRow]>(
      `INSERT INTO tokens (${TOKEN_COLUMNS})
       VALUES (@token_hash, @kind, @grant_id, @client_id, @user_id, @scopes, @resource,
         @issued_at, @expires_at, @revoked_at, @rotated_at, @parent_hash, @successor_hash)`,
    );
    const insertAll = (tokens: readonly TokenRecord[]): void => {
      for (const token of tokens) {
        insert.run(toTokenRow(token));
      }
    };
    this.#save = db.transaction(insertAll);
    this.#findActive = db.prepare<[{ hash: string; kind: TokenKind; now: number }], ActiveTokenRow>(
      `SELECT ${ACTIVE_TOKEN_COLUMNS}
       FROM tokens t JOIN grants g ON g.id = t.grant_id
       WHERE t.token_hash = @hash AND t.kind = @kind
         AND t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > @now
         AND g.revoked_at IS NULL AND g.expires_at > @now
         AND (t.parent_hash IS NULL OR NOT EXISTS (
           SELECT 1 FROM tokens p
           WHERE p.token_hash = t.parent_hash AND p.successor_hash <> t.token_hash))`,
    );
    this.#get = db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?`,
    );
    this.#revoke = db.prepare<[number, string]>(
      'UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token_hash = ?',
    );
    this.#byGrant = db.prepare<[string], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE grant_id = ? ORDER BY issued_at, token_hash`,
    );

    const markRotated = db.prepare<[{ hash: string; now: number }]>(
      'UPDATE tokens SET rotated_at = @now WHERE token_hash = @hash AND rotated_at IS NULL',
    );
    const settleParent = db.prepare<[{ parent: string; child: string }]>(
      'UPDATE tokens SET successor_hash = @child WHERE token_hash = @parent AND successor_hash IS NULL',
    );
    const grantById = db.prepare<[string], GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE id = ?`,
    );
    const usableGrant = (id: string, now: number): GrantRecord | undefined => {
      const row = grantById.get(id);
      return row === undefined || row.revoked_at !== null || row.expires_at <= now
        ? undefined
        : toGrant(row);
    };
    // Reads and writes below run in one IMMEDIATE transaction (a savepoint
    // inside a group-commit batch, which holds the write lock): another
    // process sharing the file cannot write between our read and our write,
    // so each decision is made on the rows as they are.
    this.#rotate = db.transaction(
      (
        hash: string,
        now: number,
        replacements: readonly TokenRecord[],
        reuseIntervalMs: number,
      ): RotateRefreshResult => {
        const row = this.#get.get(hash);
        if (
          row === undefined ||
          row.kind !== 'refresh' ||
          row.revoked_at !== null ||
          row.expires_at <= now
        ) {
          return INVALID;
        }
        const grant = usableGrant(row.grant_id, now);
        if (grant === undefined) return INVALID;
        checkReplacements(row.grant_id, hash, replacements);
        const token = toToken(row);
        if (row.rotated_at !== null) {
          const inInterval =
            reuseIntervalMs > 0 &&
            row.successor_hash === null &&
            now < row.rotated_at + reuseIntervalMs;
          if (!inInterval) return { status: 'reused', token, reason: 'rotated' };
          insertAll(replacements);
          return { status: 'reissued', token, grant };
        }
        if (row.parent_hash !== null) {
          const parent = this.#get.get(row.parent_hash);
          const chosen = parent?.successor_hash ?? null;
          if (chosen !== null && chosen !== hash) {
            return { status: 'reused', token, reason: 'superseded' };
          }
          settleParent.run({ parent: row.parent_hash, child: hash });
        }
        markRotated.run({ hash, now });
        insertAll(replacements);
        return { status: 'ok', token: { ...token, rotatedAt: now }, grant };
      },
    );
  }

  save(tokens: TokenRecord[]): Promise<void> {
    return this.#writer.write(() => {
      this.#save.immediate(tokens);
    });
  }

  /**
   * A rotated refresh token is not active: it has been exchanged; nor is one
   * whose parent settled on a sibling.
   * @see RFC 7662 §2.2
   * @see RFC 9700 §4.14.2
   */
  findActive(tokenHash: string, kind: TokenKind, now: number): Promise<ActiveToken | undefined> {
    return sqliteCall(() => {
      const row = this.#findActive.get({ hash: tokenHash, kind, now });
      return row === undefined ? undefined : toActiveToken(row);
    });
  }

  get(tokenHash: string): Promise<TokenRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(tokenHash);
      return row === undefined ? undefined : toToken(row);
    });
  }

  /**
   * Decides and writes in one IMMEDIATE transaction (see the port for the
   * outcomes). `ok`, `reissued` and `reused` carry the presented token as
   * it is after the call.
   * @see RFC 9700 §4.14.2
   * @see draft-ietf-oauth-v2-1-13 §4.3.1
   */
  rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs = 0,
  ): Promise<RotateRefreshResult> {
    return this.#writer.write(() =>
      this.#rotate.immediate(tokenHash, now, replacements, reuseIntervalMs),
    );
  }

  /**
   * Idempotent: a second revocation keeps the first time.
   * @see RFC 7009 §2.1
   */
  revoke(tokenHash: string, now: number): Promise<boolean> {
    return this.#writer.write(() => this.#revoke.run(now, tokenHash).changes > 0);
  }

  listByGrant(grantId: string): Promise<TokenRecord[]> {
    return sqliteCall(() => this.#byGrant.all(grantId).map(toToken));
  }
}
