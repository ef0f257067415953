/**
 * Where the Atlassian emulation keeps codes and tokens: four tables in the
 * sandbox's SQLite file (its own connection), so a linked gateway keeps
 * working across restarts. Only SHA-256 hashes of codes and tokens are
 * stored. All times are epoch milliseconds.
 *
 * - `atlassian_codes`: one per consent; `used_at` set on first redemption.
 * - `atlassian_families`: one per redeemed code (a "token family"): the
 *   person, app, scopes, absolute expiry and revocation.
 * - `atlassian_refresh_tokens`: each refresh token of a family; `rotated_at`
 *   is set when it is first exchanged.
 * - `atlassian_access_tokens`: bearer tokens, bound to person and scopes.
 */
import Database from 'better-sqlite3';

export interface CodeRow {
  codeHash: string;
  clientId: string;
  accountId: string;
  scope: string;
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
  familyId: string | null;
  usedAt: number | null;
}

export interface FamilyRow {
  id: string;
  clientId: string;
  accountId: string;
  scope: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface RefreshRow {
  tokenHash: string;
  familyId: string;
  issuedAt: number;
  expiresAt: number;
  rotatedAt: number | null;
}

export interface AccessRow {
  tokenHash: string;
  familyId: string;
  accountId: string;
  scope: string;
  expiresAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS atlassian_codes (
  code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, account_id TEXT NOT NULL,
  scope TEXT NOT NULL, redirect_uri TEXT NOT NULL, code_challenge TEXT,
  expires_at INTEGER NOT NULL, family_id TEXT, used_at INTEGER);
CREATE TABLE IF NOT EXISTS atlassian_families (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL, account_id TEXT NOT NULL,
  scope TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS atlassian_refresh_tokens (
  token_hash TEXT PRIMARY KEY, family_id TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, rotated_at INTEGER);
CREATE INDEX IF NOT EXISTS atlassian_refresh_by_family ON atlassian_refresh_tokens (family_id);
CREATE TABLE IF NOT EXISTS atlassian_access_tokens (
  token_hash TEXT PRIMARY KEY, family_id TEXT NOT NULL, account_id TEXT NOT NULL,
  scope TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS atlassian_access_by_family ON atlassian_access_tokens (family_id);
`;

/** The emulation's SQLite tables; every method is one synchronous statement or transaction. */
export class AtlassianTokenStore {
  readonly #db: Database.Database;

  constructor(dbPath: string) {
    this.#db = new Database(dbPath);
    // The sandbox store has the same file open; WAL lets both connections work.
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(SCHEMA);
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction, so check-then-write is atomic. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  insertCode(row: CodeRow): void {
    this.#db
      .prepare(
        `INSERT INTO atlassian_codes (code_hash, client_id, account_id, scope, redirect_uri,
           code_challenge, expires_at, family_id, used_at)
         VALUES (@codeHash, @clientId, @accountId, @scope, @redirectUri, @codeChallenge,
           @expiresAt, @familyId, @usedAt)`,
      )
      .run(row);
  }

  findCode(codeHash: string): CodeRow | undefined {
    return this.#db
      .prepare(
        `SELECT code_hash AS codeHash, client_id AS clientId, account_id AS accountId, scope,
           redirect_uri AS redirectUri, code_challenge AS codeChallenge, expires_at AS expiresAt,
           family_id AS familyId, used_at AS usedAt
         FROM atlassian_codes WHERE code_hash = ?`,
      )
      .get(codeHash) as CodeRow | undefined;
  }

  /** Marks the code used; false when it already was (a replay). */
  markCodeUsed(codeHash: string, at: number): boolean {
    return (
      this.#db
        .prepare('UPDATE atlassian_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL')
        .run(at, codeHash).changes === 1
    );
  }

  setCodeFamily(codeHash: string, familyId: string): void {
    this.#db
      .prepare('UPDATE atlassian_codes SET family_id = ? WHERE code_hash = ?')
      .run(familyId, codeHash);
  }

  insertFamily(row: FamilyRow): void {
    this.#db
      .prepare(
        `INSERT INTO atlassian_families (id, client_id, account_id, scope, created_at, expires_at, revoked_at)
         VALUES (@id, @clientId, @accountId, @scope, @createdAt, @expiresAt, @revokedAt)`,
      )
      .run(row);
  }

  findFamily(id: string): FamilyRow | undefined {
    return this.#db
      .prepare(
        `SELECT id, client_id AS clientId, account_id AS accountId, scope, created_at AS createdAt,
           expires_at AS expiresAt, revoked_at AS revokedAt
         FROM atlassian_families WHERE id = ?`,
      )
      .get(id) as FamilyRow | undefined;
  }

  /** Revokes the family's refresh tokens; true when it was not revoked before. */
  revokeFamily(id: string, at: number): boolean {
    return (
      this.#db
        .prepare('UPDATE atlassian_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(at, id).changes === 1
    );
  }

  deleteFamilyAccessTokens(familyId: string): void {
    this.#db.prepare('DELETE FROM atlassian_access_tokens WHERE family_id = ?').run(familyId);
  }

  insertRefresh(row: RefreshRow): void {
    this.#db
      .prepare(
        `INSERT INTO atlassian_refresh_tokens (token_hash, family_id, issued_at, expires_at, rotated_at)
         VALUES (@tokenHash, @familyId, @issuedAt, @expiresAt, @rotatedAt)`,
      )
      .run(row);
  }

  findRefresh(tokenHash: string): RefreshRow | undefined {
    return this.#db
      .prepare(
        `SELECT token_hash AS tokenHash, family_id AS familyId, issued_at AS issuedAt,
           expires_at AS expiresAt, rotated_at AS rotatedAt
         FROM atlassian_refresh_tokens WHERE token_hash = ?`,
      )
      .get(tokenHash) as RefreshRow | undefined;
  }

  markRotated(tokenHash: string, at: number): void {
    this.#db
      .prepare(
        'UPDATE atlassian_refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL',
      )
      .run(at, tokenHash);
  }

  insertAccess(row: AccessRow): void {
    this.#db
      .prepare(
        `INSERT INTO atlassian_access_tokens (token_hash, family_id, account_id, scope, expires_at)
         VALUES (@tokenHash, @familyId, @accountId, @scope, @expiresAt)`,
      )
      .run(row);
  }

  findAccess(tokenHash: string): AccessRow | undefined {
    return this.#db
      .prepare(
        `SELECT token_hash AS tokenHash, family_id AS familyId, account_id AS accountId, scope,
           expires_at AS expiresAt
         FROM atlassian_access_tokens WHERE token_hash = ?`,
      )
      .get(tokenHash) as AccessRow | undefined;
  }

  /** Drops codes and access tokens expired before `before` (housekeeping, keeps tables small). */
  prune(before: number): void {
    this.#db.prepare('DELETE FROM atlassian_codes WHERE expires_at < ?').run(before);
    this.#db.prepare('DELETE FROM atlassian_access_tokens WHERE expires_at < ?').run(before);
  }
}
