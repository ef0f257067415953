import type Database from 'better-sqlite3';
import type {
  ActiveToken,
  RotateRefreshResult,
  TokenKind,
  TokenRecord,
  TokenRepository,
} from '../ports.js';
import { GRANT_COLUMNS, toGrant, type GrantRow } from './grant-row.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';
import { TOKEN_COLUMNS, toToken, toTokenRow, type TokenRow } from './token-row.js';

/** Grant columns renamed with a `g_` prefix so one joined row holds both records. */
type JoinedRow = TokenRow & { [K in keyof GrantRow as `g_${K}`]: GrantRow[K] };

const JOINED_COLUMNS = [
  ...TOKEN_COLUMNS.split(',').map((c) => `t.${c.trim()}`),
  ...GRANT_COLUMNS.split(',').map((c) => `g.${c.trim()} AS g_${c.trim()}`),
].join(', ');

function splitJoined(row: JoinedRow): ActiveToken {
  const grant: GrantRow = {
    id: row.g_id,
    user_id: row.g_user_id,
    client_id: row.g_client_id,
    scopes: row.g_scopes,
    resource: row.g_resource,
    created_at: row.g_created_at,
    expires_at: row.g_expires_at,
    revoked_at: row.g_revoked_at,
    revoked_reason: row.g_revoked_reason,
  };
  return { token: toToken(row), grant: toGrant(grant) };
}

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
         @issued_at, @expires_at, @revoked_at, @rotated_at)`,
    );
    const insertAll = (tokens: readonly TokenRecord[]): void => {
      for (const token of tokens) {
        insert.run(toTokenRow(token));
      }
    };
    this.#save = db.transaction(insertAll);
    this.#findActive = db.prepare<[{ hash: string; kind: TokenKind; now: number }], JoinedRow>(
      `SELECT ${JOINED_COLUMNS}
       FROM tokens t JOIN grants g ON g.id = t.grant_id
       WHERE t.token_hash = @hash AND t.kind = @kind
         AND t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > @now
         AND g.revoked_at IS NULL AND g.expires_at > @now`,
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

    // The conditional UPDATE is the only arbiter: another process sharing
    // the file may race us, and only one UPDATE can match the unrotated row.
    const claim = db.prepare<[{ hash: string; now: number }], TokenRow>(
      `UPDATE tokens SET rotated_at = @now
       WHERE token_hash = @hash AND kind = 'refresh'
         AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > @now
         AND EXISTS (SELECT 1 FROM grants g
                     WHERE g.id = tokens.grant_id AND g.revoked_at IS NULL AND g.expires_at > @now)
       RETURNING ${TOKEN_COLUMNS}`,
    );
    const grantById = db.prepare<[string], GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE id = ?`,
    );
    this.#rotate = db.transaction(
      (hash: string, now: number, replacements: readonly TokenRecord[]): RotateRefreshResult => {
        const claimed = claim.get({ hash, now });
        if (claimed === undefined) {
          const row = this.#get.get(hash);
          if (row === undefined || row.kind !== 'refresh' || row.expires_at <= now) {
            return { status: 'invalid' };
          }
          return row.rotated_at === null
            ? { status: 'invalid' }
            : { status: 'reused', token: toToken(row) };
        }
        if (replacements.some((t) => t.grantId !== claimed.grant_id)) {
          // Throwing rolls the claim back: a bug must not strand the grant.
          throw new Error('replacement tokens must belong to the rotated token’s grant');
        }
        insertAll(replacements);
        const grant = grantById.get(claimed.grant_id);
        if (grant === undefined) {
          // The claim's EXISTS just saw this grant inside the same transaction.
          throw new Error('grant vanished during rotation');
        }
        return { status: 'ok', token: toToken(claimed), grant: toGrant(grant) };
      },
    );
  }

  save(tokens: TokenRecord[]): Promise<void> {
    return this.#writer.write(() => {
      this.#save.immediate(tokens);
    });
  }

  /**
   * A rotated refresh token is not active: it has been exchanged.
   * @see RFC 7662 §2.2
   * @see RFC 9700 §4.14.2
   */
  findActive(tokenHash: string, kind: TokenKind, now: number): Promise<ActiveToken | undefined> {
    return sqliteCall(() => {
      const row = this.#findActive.get({ hash: tokenHash, kind, now });
      return row === undefined ? undefined : splitJoined(row);
    });
  }

  get(tokenHash: string): Promise<TokenRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(tokenHash);
      return row === undefined ? undefined : toToken(row);
    });
  }

  /**
   * Marks the old token rotated and stores `replacements` in one IMMEDIATE
   * transaction. `ok` and `reused` carry the old token; a token that is
   * unknown, not a refresh token, expired, revoked, or whose grant is
   * revoked or expired is `invalid`.
   * @see RFC 9700 §4.14.2
   */
  rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
  ): Promise<RotateRefreshResult> {
    return this.#writer.write(() => this.#rotate.immediate(tokenHash, now, replacements));
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
