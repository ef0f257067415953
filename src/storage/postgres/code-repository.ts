import type { Pool } from 'pg';
import { formatScopes } from '../../oauth/scopes.js';
import { CODE_COLUMNS, type CodeRow, toCode } from '../sql-rows/code-row.js';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeRepository,
  ConsumeCodeResult,
} from '../ports.js';
import { conflictOr, rows } from './postgres-client.js';

/**
 * Authorization codes, stored by hash, redeemable once.
 * @see RFC 6749 §4.1.2
 */
export class PostgresCodeRepository implements AuthorizationCodeRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async save(code: AuthorizationCodeRecord): Promise<void> {
    try {
      await this.#pool.query(
        `INSERT INTO authorization_codes (${CODE_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)`,
        [
          code.codeHash,
          code.clientId,
          code.userId,
          code.redirectUri,
          code.resource,
          formatScopes(code.scopes),
          code.codeChallenge,
          code.grantId,
          code.createdAt,
          code.expiresAt,
        ],
      );
    } catch (error) {
      conflictOr(error, 'code hash taken');
    }
  }

  /**
   * One conditional `UPDATE … RETURNING` claims the code. Under READ
   * COMMITTED a second replica's UPDATE waits on the first one's row lock
   * and then re-checks `consumed_at IS NULL` against the committed row, so
   * exactly one caller, in any process, gets the row back: `ok`. The rest
   * read the (committed) redeemed row: `replayed`.
   * @see RFC 6749 §4.1.2
   * @see draft-ietf-oauth-v2-1-13 §4.1.3
   */
  async consume(codeHash: string, now: number): Promise<ConsumeCodeResult> {
    const [claimed] = await rows<CodeRow>(
      this.#pool,
      `UPDATE authorization_codes SET consumed_at = $2
       WHERE code_hash = $1 AND consumed_at IS NULL AND expires_at > $2
       RETURNING ${CODE_COLUMNS}`,
      [codeHash, now],
    );
    if (claimed !== undefined) return { status: 'ok', code: toCode(claimed) };
    const [row] = await rows<CodeRow>(
      this.#pool,
      `SELECT ${CODE_COLUMNS} FROM authorization_codes WHERE code_hash = $1`,
      [codeHash],
    );
    if (row === undefined) return { status: 'not_found' };
    // A redeemed code stays evidence of theft after it expires.
    if (row.consumed_at !== null) return { status: 'replayed', code: toCode(row) };
    return { status: 'expired' };
  }
}
