/**
 * Storage ports: what the domain needs from a store, and the guarantees every
 * adapter (SQLite, DynamoDB) must give. The contract suite in
 * `test/storage/contract.ts` checks each guarantee against each adapter.
 *
 * Rules every adapter follows:
 * - Secrets are never stored: codes, tokens and client secrets arrive here
 *   already hashed (`…Hash` fields). Encrypted blobs are opaque bytes.
 * - Every read of an expiring record checks `expiresAt` against the `now`
 *   the caller passes, and treats an expired record as absent, because
 *   background expiry (DynamoDB TTL) runs late.
 * - Operations named `consume…`/`rotate…` are atomic: of any number of
 *   concurrent callers, exactly one succeeds.
 * All times are milliseconds since the epoch.
 */
import type { Scope } from '../oauth/scopes.js';

export interface UserRecord {
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

export interface UserRepository {
  /** Creates a user; throws `ConflictError` if the username is taken. */
  create(user: UserRecord): Promise<void>;
  getById(id: string): Promise<UserRecord | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** Returns false when no such user exists. */
  setDisabled(username: string, disabled: boolean): Promise<boolean>;
  /** Replaces the password hash; returns false when no such user exists. */
  setPasswordHash(username: string, passwordHash: string): Promise<boolean>;
  count(): Promise<number>;
}

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** `oauth`: an OAuth client; `resource_server`: may call `/introspect`. */
export type ClientKind = 'oauth' | 'resource_server';

export interface ClientRecord {
  clientId: string;
  kind: ClientKind;
  /** SHA-256 of the client secret; absent for public clients. */
  secretHash?: string;
  /** Epoch ms; absent means the secret does not expire. */
  secretExpiresAt?: number;
  clientName?: string;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  scope?: string;
  clientUri?: string;
  logoUri?: string;
  /** `dcr`: registered at /register; `cli`: made by the CLI; `cimd`: a Client ID Metadata Document. */
  source: 'dcr' | 'cli' | 'cimd';
  createdAt: number;
}

/** The revocation reason every adapter records on the grants of a deleted client. */
export const CLIENT_DELETED_REASON = 'client_deleted';

export interface ClientRepository {
  /** Creates a client; throws `ConflictError` if the id exists. */
  create(client: ClientRecord): Promise<void>;
  get(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  /** Deletes the client and revokes all of its grants. False when absent. */
  delete(clientId: string, now: number): Promise<boolean>;
}

export interface AuthorizationCodeRecord {
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  resource: string;
  scopes: Scope[];
  codeChallenge: string;
  /** The grant the code's tokens will belong to (created when it is redeemed). */
  grantId: string;
  createdAt: number;
  expiresAt: number;
}

export type ConsumeCodeResult =
  | { status: 'ok'; code: AuthorizationCodeRecord }
  /** Already redeemed: the caller must refuse it and revoke `code.grantId`. */
  | { status: 'replayed'; code: AuthorizationCodeRecord }
  | { status: 'expired' }
  | { status: 'not_found' };

export interface AuthorizationCodeRepository {
  save(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Atomically marks the code used. Exactly one concurrent caller sees `ok`;
   * every later (or losing) caller sees `replayed`, also after the code's
   * expiry for as long as the record exists (a replay is evidence of theft).
   * An expired code that was never redeemed is `expired`.
   */
  consume(codeHash: string, now: number): Promise<ConsumeCodeResult>;
}

export interface GrantRecord {
  id: string;
  userId: string;
  clientId: string;
  scopes: Scope[];
  resource: string;
  createdAt: number;
  /** When the grant (and every token in it) stops being usable. */
  expiresAt: number;
  revokedAt?: number;
  revokedReason?: string;
}

export interface GrantRepository {
  create(grant: GrantRecord): Promise<void>;
  /** Returns the grant even when revoked or expired; callers decide. */
  get(id: string): Promise<GrantRecord | undefined>;
  listByUser(userId: string): Promise<GrantRecord[]>;
  listAll(): Promise<GrantRecord[]>;
  /** Marks the grant revoked (idempotent: keeps the first reason). False when absent. */
  revoke(id: string, now: number, reason: string): Promise<boolean>;
}

export type TokenKind = 'access' | 'refresh';

export interface TokenRecord {
  tokenHash: string;
  kind: TokenKind;
  grantId: string;
  clientId: string;
  userId: string;
  scopes: Scope[];
  resource: string;
  issuedAt: number;
  expiresAt: number;
  revokedAt?: number;
  /** Refresh tokens only: when it was exchanged for a new one. */
  rotatedAt?: number;
}

export interface ActiveToken {
  token: TokenRecord;
  grant: GrantRecord;
}

export type RotateRefreshResult =
  | { status: 'ok'; token: TokenRecord; grant: GrantRecord }
  /** Already rotated: the caller must treat it as theft and revoke the grant. */
  | { status: 'reused'; token: TokenRecord }
  | { status: 'invalid' };

export interface TokenRepository {
  /** Stores new tokens of one grant. */
  save(tokens: TokenRecord[]): Promise<void>;
  /**
   * The token with its grant when the token is of `kind`, unexpired,
   * unrevoked, not rotated (refresh tokens), and its grant is neither
   * revoked nor expired.
   */
  findActive(tokenHash: string, kind: TokenKind, now: number): Promise<ActiveToken | undefined>;
  /** The token in any state (for revocation and reuse detection). */
  get(tokenHash: string): Promise<TokenRecord | undefined>;
  /**
   * Atomically marks an active refresh token rotated and stores `replacements`
   * in the same grant. Of concurrent callers with the same hash, one gets `ok`,
   * the rest `reused`.
   */
  rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
  ): Promise<RotateRefreshResult>;
  /** Revokes one token; false when absent. */
  revoke(tokenHash: string, now: number): Promise<boolean>;
  listByGrant(grantId: string): Promise<TokenRecord[]>;
}

export interface AuditEvent {
  id: string;
  at: number;
  /** e.g. `client.registered`, `token.issued`, `tool.called`. */
  type: string;
  outcome: 'success' | 'failure';
  userId?: string;
  username?: string;
  clientId?: string;
  grantId?: string;
  requestId?: string;
  ip?: string;
  /** Non-secret details (tool name, scopes, reason). Never a token or password. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditRepository {
  append(event: AuditEvent): Promise<void>;
  /** The newest `limit` events, oldest first. */
  tail(limit: number): Promise<AuditEvent[]>;
}

/** An envelope-encrypted secret (ciphertext only). */
export interface SecretRecord {
  name: string;
  ciphertext: Uint8Array;
  updatedAt: number;
}

export interface SecretRepository {
  put(secret: SecretRecord): Promise<void>;
  get(name: string): Promise<SecretRecord | undefined>;
  delete(name: string): Promise<boolean>;
}

/** Small key-value counters with expiry, for rate limits and login throttling. */
export interface CounterRepository {
  /** Adds one to `key` within a window ending at `expiresAt`; returns the new count. */
  increment(key: string, now: number, expiresAt: number): Promise<number>;
  /** The current window of `key`, when it has one that has not expired. */
  get(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined>;
  reset(key: string): Promise<void>;
}

export interface Storage {
  users: UserRepository;
  clients: ClientRepository;
  codes: AuthorizationCodeRepository;
  grants: GrantRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  secrets: SecretRepository;
  counters: CounterRepository;
  sessions: SessionRepository;
  close(): Promise<void>;
}

/** A uniqueness violation (username or client id taken). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A browser login session at the authorization server (cookie holds the id; we store its hash). */
export interface SessionRecord {
  idHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  /** The session when unexpired. */
  get(idHash: string, now: number): Promise<SessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a user (on disable or password change). */
  deleteByUser(userId: string): Promise<void>;
}
