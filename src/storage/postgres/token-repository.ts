import type { Pool, PoolClient } from 'pg';
import { checkReplacements } from '../check-replacements.js';
import type {
  ActiveToken,
  GrantRecord,
  RotateRefreshResult,
  TokenKind,
  TokenRecord,
  TokenRepository,
} from '../ports.js';
import {
  ACTIVE_TOKEN_COLUMNS,
  toActiveToken,
  type ActiveTokenRow,
} from '../sql-rows/active-token-row.js';
import { GRANT_COLUMNS, toGrant, type GrantRow } from '../sql-rows/grant-row.js';
import { TOKEN_COLUMNS, toToken, toTokenRow, type TokenRow } from '../sql-rows/token-row.js';
import { changes, conflictOr, inTransaction, rows, type Queryable } from './postgres-client.js';

const INVALID: RotateRefreshResult = Object.freeze({ status: 'invalid' });

/** Inserts tokens with one multi-row INSERT (one round trip whatever their number). */
async function insertTokens(db: Queryable, tokens: readonly TokenRecord[]): Promise<void> {
  if (tokens.length === 0) return;
  const params: unknown[] = [];
  const tuples = tokens.map((token) => {
    const row = toTokenRow(token);
    const values = [
      row.token_hash,
      row.kind,
      row.grant_id,
      row.client_id,
      row.user_id,
      row.scopes,
      row.resource,
      row.issued_at,
      row.expires_at,
      row.revoked_at,
      row.rotated_at,
      row.parent_hash,
      row.successor_hash,
    ];
    const first = params.length;
    params.push(...values);
    return `(${values.map((_, i) => `$${first + i + 1}`).join(', ')})`;
  });
  try {
    await db.query(`INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ${tuples.join(', ')}`, params);
  } catch (error) {
    conflictOr(error, 'token hash taken');
  }
}

/**
 * Access and refresh tokens, stored by hash. Whether a token is usable is
 * decided together with its grant, in one query or one transaction.
 * @see RFC 6749 §10.4
 */
export class PostgresTokenRepository implements TokenRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  save(tokens: TokenRecord[]): Promise<void> {
    // One statement: all of them or none.
    return insertTokens(this.#pool, tokens);
  }

  /**
   * A rotated refresh token is not active: it has been exchanged; nor is one
   * whose parent settled on a sibling. One statement, so a revocation
   * committed by any replica is seen by the next check on every replica.
   * @see RFC 7662 §2.2
   * @see RFC 9700 §4.14.2
   */
  async findActive(
    tokenHash: string,
    kind: TokenKind,
    now: number,
  ): Promise<ActiveToken | undefined> {
    const [row] = await rows<ActiveTokenRow>(
      this.#pool,
      `SELECT ${ACTIVE_TOKEN_COLUMNS}
       FROM tokens t JOIN grants g ON g.id = t.grant_id
       WHERE t.token_hash = $1 AND t.kind = $2
         AND t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > $3
         AND g.revoked_at IS NULL AND g.expires_at > $3
         AND (t.parent_hash IS NULL OR NOT EXISTS (
           SELECT 1 FROM tokens p
           WHERE p.token_hash = t.parent_hash AND p.successor_hash <> t.token_hash))`,
      [tokenHash, kind, now],
    );
    return row === undefined ? undefined : toActiveToken(row);
  }

  async get(tokenHash: string): Promise<TokenRecord | undefined> {
    const [row] = await rows<TokenRow>(
      this.#pool,
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    return row === undefined ? undefined : toToken(row);
  }

  /**
   * Decides and writes in one transaction (see the port for the outcomes).
   * The presented token's row is locked first (`FOR UPDATE`), then its
   * parent's: concurrent presentations of one token queue on the first
   * lock, siblings queue on their parent's, and locks are always taken
   * child before parent, so no two rotations wait on each other in a
   * cycle. Each decision reads rows nobody else can change until commit.
   * @see RFC 9700 §4.14.2
   * @see draft-ietf-oauth-v2-1-13 §4.3.1
   */
  rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs = 0,
  ): Promise<RotateRefreshResult> {
    return inTransaction(this.#pool, (tx) =>
      this.#rotate(tx, tokenHash, now, replacements, reuseIntervalMs),
    );
  }

  async #rotate(
    tx: PoolClient,
    hash: string,
    now: number,
    replacements: readonly TokenRecord[],
    reuseIntervalMs: number,
  ): Promise<RotateRefreshResult> {
    const [row] = await rows<TokenRow>(
      tx,
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1 FOR UPDATE`,
      [hash],
    );
    if (
      row === undefined ||
      row.kind !== 'refresh' ||
      row.revoked_at !== null ||
      row.expires_at <= now
    ) {
      return INVALID;
    }
    const grant = await this.#usableGrant(tx, row.grant_id, now);
    if (grant === undefined) return INVALID;
    checkReplacements(row.grant_id, hash, replacements);
    const token = toToken(row);
    if (row.rotated_at !== null) {
      const inInterval =
        reuseIntervalMs > 0 &&
        row.successor_hash === null &&
        now < row.rotated_at + reuseIntervalMs;
      if (!inInterval) return { status: 'reused', token, reason: 'rotated' };
      await insertTokens(tx, replacements);
      return { status: 'reissued', token, grant };
    }
    if (row.parent_hash !== null) {
      const [parent] = await rows<{ successor_hash: string | null }>(
        tx,
        'SELECT successor_hash FROM tokens WHERE token_hash = $1 FOR UPDATE',
        [row.parent_hash],
      );
      const chosen = parent?.successor_hash ?? null;
      if (chosen !== null && chosen !== hash) {
        return { status: 'reused', token, reason: 'superseded' };
      }
      await tx.query(
        'UPDATE tokens SET successor_hash = $2 WHERE token_hash = $1 AND successor_hash IS NULL',
        [row.parent_hash, hash],
      );
    }
    await tx.query('UPDATE tokens SET rotated_at = $2 WHERE token_hash = $1', [hash, now]);
    await insertTokens(tx, replacements);
    return { status: 'ok', token: { ...token, rotatedAt: now }, grant };
  }

  async #usableGrant(tx: PoolClient, id: string, now: number): Promise<GrantRecord | undefined> {
    const [row] = await rows<GrantRow>(tx, `SELECT ${GRANT_COLUMNS} FROM grants WHERE id = $1`, [
      id,
    ]);
    return row === undefined || row.revoked_at !== null || row.expires_at <= now
      ? undefined
      : toGrant(row);
  }

  /**
   * Idempotent: a second revocation keeps the first time.
   * @see RFC 7009 §2.1
   */
  async revoke(tokenHash: string, now: number): Promise<boolean> {
    return (
      (await changes(
        this.#pool,
        'UPDATE tokens SET revoked_at = coalesce(revoked_at, $2) WHERE token_hash = $1',
        [tokenHash, now],
      )) > 0
    );
  }

  async listByGrant(grantId: string): Promise<TokenRecord[]> {
    return (
      await rows<TokenRow>(
        this.#pool,
        `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE grant_id = $1
         ORDER BY issued_at, token_hash COLLATE "C"`,
        [grantId],
      )
    ).map(toToken);
  }
}
