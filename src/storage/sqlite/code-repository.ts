import type Database from 'better-sqlite3';
import { formatScopes } from '../../oauth/scopes.js';
import { CODE_COLUMNS, type CodeRow, toCode } from '../sql-rows/code-row.js';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeRepository,
  ConsumeCodeResult,
} from '../ports.js';
import type { GroupCommit } from './group-commit.js';

/**
 * Authorization codes, stored by hash, redeemable once.
 * @see RFC 6749 §4.1.2
 */
export class SqliteCodeRepository implements AuthorizationCodeRepository {
  readonly #insert;
  readonly #claim;
  readonly #get;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[CodeRow]>(
      `INSERT INTO authorization_codes (${CODE_COLUMNS})
       VALUES (@code_hash, @client_id, @user_id, @redirect_uri, @resource, @scopes,
         @code_challenge, @grant_id, @created_at, @expires_at, @consumed_at)`,
    );
    // The database, not this process, decides the winner: another process
    // sharing the file may be running the same statement right now.
    this.#claim = db.prepare<[{ code_hash: string; now: number }], CodeRow>(
      `UPDATE authorization_codes SET consumed_at = @now
       WHERE code_hash = @code_hash AND consumed_at IS NULL AND expires_at > @now
       RETURNING ${CODE_COLUMNS}`,
    );
    this.#get = db.prepare<[string], CodeRow>(
      `SELECT ${CODE_COLUMNS} FROM authorization_codes WHERE code_hash = ?`,
    );
  }

  save(code: AuthorizationCodeRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run({
        code_hash: code.codeHash,
        client_id: code.clientId,
        user_id: code.userId,
        redirect_uri: code.redirectUri,
        resource: code.resource,
        scopes: formatScopes(code.scopes),
        code_challenge: code.codeChallenge,
        grant_id: code.grantId,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        consumed_at: null,
      });
    });
  }

  /**
   * One conditional UPDATE claims the code; only the caller whose UPDATE
   * changed the row sees `ok`. A redeemed code is `replayed` even after it
   * expires (ports.ts); an unredeemed expired one is `expired`.
   * @see RFC 6749 §4.1.2
   * @see draft-ietf-oauth-v2-1-13 §4.1.3
   */
  consume(codeHash: string, now: number): Promise<ConsumeCodeResult> {
    return this.#writer.write((): ConsumeCodeResult => {
      const claimed = this.#claim.get({ code_hash: codeHash, now });
      if (claimed !== undefined) {
        return { status: 'ok', code: toCode(claimed) };
      }
      const row = this.#get.get(codeHash);
      if (row === undefined) {
        return { status: 'not_found' };
      }
      // A redeemed code stays evidence of theft after it expires: its replay
      // must still revoke what the first redemption issued.
      if (row.consumed_at !== null) {
        return { status: 'replayed', code: toCode(row) };
      }
      return { status: 'expired' };
    });
  }
}
