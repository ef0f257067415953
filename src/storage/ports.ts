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
 *   concurrent callers, exactly one succeeds (`ok`; within the refresh
 *   reuse interval the others are `reissued`, see `rotateRefresh`).
 * All times are milliseconds since the epoch.
 */
import type { Scope } from '../oauth/scopes.js';

export interface UserRecord {
  id: string;
  username: string;
  /**
   * argon2id PHC string. Empty for a person who signs in at an OpenID
   * provider (`identity` set): no password can match it.
   */
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  /** Set for a person from an OpenID provider; (issuer, subject) is unique. */
  identity?: ExternalIdentity;
  /** The e-mail address the provider gave at the first sign-in. */
  email?: string;
  /** The display name the provider gave at the first sign-in. */
  name?: string;
}

/**
 * Who a person is at an OpenID provider: the pair that identifies them
 * for good (an e-mail address can change hands, `sub` cannot).
 * @see OpenID Connect Core 1.0 §5.7 (claim stability and uniqueness)
 */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
}

export interface UserRepository {
  /**
   * Creates a user; throws `ConflictError` if the username, the id, or the
   * (issuer, subject) of `identity` is taken.
   */
  create(user: UserRecord): Promise<void>;
  getById(id: string): Promise<UserRecord | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  /** The user created for this (issuer, subject), if any. */
  getByIdentity(identity: ExternalIdentity): Promise<UserRecord | undefined>;
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
  /**
   * `personal`: a personal access token a person made on `/account` (one
   * long-lived access token, no refresh token, client {@link PERSONAL_ACCESS_TOKEN_CLIENT_ID});
   * absent: an OAuth grant (a person's consent to a client).
   */
  kind?: GrantKind;
  /** The name a person gave a personal access token (1–100 characters, no control characters). */
  label?: string;
  /**
   * When a token of this grant was last accepted at `/mcp` (in-process
   * check or introspection), to within the `touch` interval; absent: never.
   */
  lastUsedAt?: number;
}

/** What created a grant: an OAuth consent, or a person on `/account` (a personal access token). */
export type GrantKind = 'oauth' | 'personal';

/**
 * The client id of every personal access token's grant and token. Registration
 * can never produce it (registered ids are random, metadata-document ids are
 * https URLs, `client add` ids are random), so no OAuth client can act as it.
 */
export const PERSONAL_ACCESS_TOKEN_CLIENT_ID = 'personal-access-token';

export interface GrantRepository {
  create(grant: GrantRecord): Promise<void>;
  /** Returns the grant even when revoked or expired; callers decide. */
  get(id: string): Promise<GrantRecord | undefined>;
  listByUser(userId: string): Promise<GrantRecord[]>;
  listAll(): Promise<GrantRecord[]>;
  /** Marks the grant revoked (idempotent: keeps the first reason). False when absent. */
  revoke(id: string, now: number, reason: string): Promise<boolean>;
  /**
   * Records a use of the grant: sets `lastUsedAt` to `now` only when it is
   * absent or at most `now - minIntervalMs` (one conditional write; a fresh
   * value, a later value, or an absent grant is left as it is, and nothing
   * is created). Resolves either way; callers must not depend on it.
   */
  touch(id: string, now: number, minIntervalMs: number): Promise<void>;
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
  /** Refresh tokens only: when it was first exchanged for a new one. */
  rotatedAt?: number;
  /**
   * Refresh tokens issued by a refresh: the hash of the refresh token that
   * was exchanged (their parent). Absent for tokens issued with a code.
   */
  parentHash?: string;
  /**
   * Refresh tokens only: the hash of the one token issued from this one that
   * has itself been exchanged. Set at most once; from then on the chain runs
   * through that token, every other token issued from this one is dead, and
   * presenting this one again is reuse without any interval.
   */
  successorHash?: string;
}

export interface ActiveToken {
  token: TokenRecord;
  grant: GrantRecord;
}

/**
 * Why a presented refresh token counts as reuse: `rotated` (exchanged
 * before, outside the reuse interval or after a token issued from it was
 * exchanged), `superseded` (another token issued from the same parent was
 * exchanged first).
 */
export type RefreshReuseReason = 'rotated' | 'superseded';

export type RotateRefreshResult =
  /** Rotated now: the replacements are stored and the token is exchanged. */
  | { status: 'ok'; token: TokenRecord; grant: GrantRecord }
  /**
   * Already rotated, but within the reuse interval and before any token
   * issued from it was exchanged: the replacements are stored as siblings
   * of the first ones (same parent), and the first sibling exchanged wins.
   */
  | { status: 'reissued'; token: TokenRecord; grant: GrantRecord }
  /** Reuse: the caller must treat it as theft and revoke the grant. */
  | { status: 'reused'; token: TokenRecord; reason: RefreshReuseReason }
  | { status: 'invalid' };

export interface TokenRepository {
  /** Stores new tokens of one grant. */
  save(tokens: TokenRecord[]): Promise<void>;
  /**
   * The token with its grant when the token is of `kind`, unexpired,
   * unrevoked, not rotated and not superseded (refresh tokens: its parent's
   * `successorHash` is unset or names it), and its grant is neither revoked
   * nor expired.
   */
  findActive(tokenHash: string, kind: TokenKind, now: number): Promise<ActiveToken | undefined>;
  /** The token in any state (for revocation and reuse detection). */
  get(tokenHash: string): Promise<TokenRecord | undefined>;
  /**
   * Atomically exchanges a refresh token for `replacements` (same grant;
   * a replacement refresh token must name `tokenHash` as its `parentHash`):
   * - unrotated and not superseded: marks it rotated, records it as its
   *   parent's `successorHash` (the chain now runs through it), stores the
   *   replacements: `ok`. Of concurrent callers, exactly one gets `ok`;
   * - rotated less than `reuseIntervalMs` ago (exclusive) and no
   *   `successorHash` yet: stores the replacements as siblings: `reissued`;
   * - any other rotated or superseded token: stores nothing, `reused`;
   * - unknown, not a refresh token, expired, revoked, or its grant is
   *   revoked or expired: stores nothing, `invalid`.
   * `reuseIntervalMs` 0 (the default) is strict rotation: no `reissued`.
   * A rotated token's record must be kept until every token issued from it
   * has expired, since its `successorHash` is what marks the others dead.
   */
  rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs?: number,
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

/** One event as the hash chain holds it (see `src/audit/audit-chain.ts`). */
export interface ChainedAuditEvent {
  /** Position in the chain: 1, 2, 3, … with no gaps. */
  seq: number;
  /** `hash` of the event at `seq - 1` (or of the anchor). */
  prevHash: string;
  /** `chainHash(prevHash, seq, event)`. */
  hash: string;
  event: AuditEvent;
}

/**
 * Where the remaining chain starts: every event up to `seq` was purged (or
 * predates the chain), and the event at `seq + 1` links to `hash`.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  /** Events removed by retention purges so far (0 before any purge). */
  purged: number;
  /** When the last retention purge moved the anchor; absent before any. */
  movedAt?: number;
}

export interface AuditChainState {
  anchor: AuditAnchor;
  /** The newest chained event as found in the store (the anchor when none is left). */
  end: { seq: number; hash: string };
  /**
   * The newest event as recorded apart from the events themselves, when the
   * adapter keeps such a record, so that removing the newest events is
   * detected too. SQLite writes it in the same transaction as the event;
   * DynamoDB right after (`mayLag`: it may be behind the end after a crash,
   * never ahead of it).
   */
  head?: { seq: number; hash: string; mayLag?: true };
}

export interface AuditPurgeResult {
  deleted: number;
  /** The anchor after the purge (unchanged when nothing was deleted). */
  anchor: AuditAnchor;
}

export interface AuditRepository {
  /**
   * Appends the event at the end of the hash chain. Appends are serialised
   * per store (concurrent appenders, in any process, never fork the chain).
   */
  append(event: AuditEvent): Promise<void>;
  /** The newest `limit` events, oldest first (chain order). */
  tail(limit: number): Promise<AuditEvent[]>;
  /** Up to `limit` chained events with `seq > afterSeq`, in `seq` order. */
  chain(afterSeq: number, limit: number): Promise<ChainedAuditEvent[]>;
  chainState(): Promise<AuditChainState>;
  /**
   * Retention: deletes up to `limit` of the oldest chained events, in `seq`
   * order, stopping at the first one recorded at or after `before`, and moves
   * the anchor to the last one deleted (in the same transaction where the
   * store has them; otherwise the anchor first, so a crash leaves events the
   * anchor already covers, never a gap). Events from before the chain
   * existed that were recorded before `before` go too. `now` is recorded as
   * the time the anchor moved.
   */
  purgeBefore(before: number, limit: number, now: number): Promise<AuditPurgeResult>;
}

/**
 * A named record of the gateway's own: an envelope-encrypted secret
 * (ciphertext only), or, for the one non-secret record `jira.shared_account`
 * (the shared Jira account's name and site, see src/jira/shared-account.ts),
 * plain JSON that the OAuth function may read without any key.
 */
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
/** What {@link CounterRepository.reserve} decided; `expiresAt` is the end of the window it saw. */
export type CounterReservation =
  | { reserved: true; count: number; expiresAt: number }
  | { reserved: false; count: number; expiresAt: number };

export interface CounterRepository {
  /** Adds one to `key` within a window ending at `expiresAt`; returns the new count. */
  increment(key: string, now: number, expiresAt: number): Promise<number>;
  /**
   * Adds one to `key` only while its window's count is below `limit`, in one
   * atomic step (a window that has ended, or none, starts at 1 ending at
   * `expiresAt`). Of any number of concurrent callers in one window, from
   * any process, exactly `limit - count` are reserved. A refused call
   * changes nothing and reports the full window.
   */
  reserve(key: string, now: number, expiresAt: number, limit: number): Promise<CounterReservation>;
  /**
   * Gives back one reservation made in the window that ends at `windowEnd`
   * (never below 0). Does nothing once that window has ended or been reset,
   * so a late release cannot free a slot of a newer window.
   */
  release(key: string, windowEnd: number): Promise<void>;
  /** The current window of `key`, when it has one that has not expired. */
  get(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined>;
  reset(key: string): Promise<void>;
}

/**
 * A sign-in at an OpenID provider in flight: what the callback needs to
 * check the answer, kept under the hash of a random value in a cookie of
 * the browser that started it.
 */
export interface OidcLoginRecord {
  idHash: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The pending authorization request (query string) to resume afterwards. */
  request: string;
  createdAt: number;
  expiresAt: number;
}

export interface OidcLoginRepository {
  save(login: OidcLoginRecord): Promise<void>;
  /**
   * Atomically removes and returns the record when unexpired at `now`. Of
   * concurrent callers with one hash, at most one gets it; any later call
   * gets undefined (a replayed callback).
   */
  consume(idHash: string, now: number): Promise<OidcLoginRecord | undefined>;
}

/** Whose account a person's link is to: their Atlassian account (3LO) or their own API token. */
export type JiraLinkKind = 'atlassian-oauth' | 'personal-token';

/**
 * A person's link to their own Jira account. The secret part (access and
 * refresh tokens, or the API token) is only in `ciphertext`, envelope-
 * encrypted under a context binding the user id and the purpose; the rest
 * is what pages show.
 */
export interface JiraLinkRecord {
  userId: string;
  kind: JiraLinkKind;
  /** `broken`: upstream refused the refresh token (or the API token); re-linking replaces the record. */
  status: 'active' | 'broken';
  /**
   * Random, chosen by the store at every `put` (link, re-link) and carried
   * unchanged by `replace`: the link's generation. Versions start again at 1
   * after an unlink, so only linkId + version names one write of one link;
   * caches and conditional writes compare both, so nothing taken from an
   * unlinked account (a cached token, a refresh lease) applies to a new link.
   */
  linkId: string;
  /**
   * Increases on every write. Conditional writes (`replace`, `acquireLease`)
   * compare it (and `linkId`), so of concurrent writers from any process exactly one wins.
   */
  version: number;
  ciphertext: Uint8Array;
  accountId: string;
  displayName: string;
  email?: string;
  /** The site as people know it (https://acme.atlassian.net). */
  siteUrl: string;
  /** atlassian-oauth: the site's cloud id (API calls go to `{api}/ex/jira/{cloudId}`). */
  cloudId?: string;
  /** atlassian-oauth: when the access token in `ciphertext` expires. */
  accessExpiresAt?: number;
  /** A process refreshing the tokens holds this lease until `until`; others wait for its result. */
  lease?: { owner: string; until: number };
  createdAt: number;
  updatedAt: number;
  brokenAt?: number;
}

/**
 * A link to Atlassian in flight: the callback's `state` is kept only as its
 * hash, single-use, bound to the person who started it.
 */
export interface JiraLinkStateRecord {
  stateHash: string;
  userId: string;
  /** Same-origin path to continue at after linking. */
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

/** One write of one link: its generation and version. */
export interface JiraLinkVersion {
  linkId: string;
  version: number;
}

export interface JiraLinkRepository {
  get(userId: string): Promise<JiraLinkRecord | undefined>;
  /**
   * Creates or replaces the person's link unconditionally (linking and
   * re-linking) under a new random `linkId`, with `version` one above any
   * stored one; returns both.
   */
  put(link: Omit<JiraLinkRecord, 'version' | 'linkId'>): Promise<JiraLinkVersion>;
  /**
   * Replaces the link only while its stored linkId is `link.linkId` and its
   * version is `expectedVersion`, storing it with version `expectedVersion + 1`
   * (the linkId unchanged). Of concurrent callers with one expected version,
   * from any process, exactly one gets true.
   */
  replace(link: Omit<JiraLinkRecord, 'version'>, expectedVersion: number): Promise<boolean>;
  /**
   * Sets `lease` only while the stored linkId and version are `expected`'s
   * and no other lease is unexpired at `now`; bumps the version. Returns the
   * new version, or undefined when another caller won. Exactly one of
   * concurrent callers wins.
   */
  acquireLease(
    userId: string,
    expected: JiraLinkVersion,
    lease: { owner: string; until: number },
    now: number,
  ): Promise<number | undefined>;
  /** Deletes the link; returns it when there was one. */
  delete(userId: string): Promise<JiraLinkRecord | undefined>;
  saveState(state: JiraLinkStateRecord): Promise<void>;
  /**
   * Atomically removes and returns the state when unexpired at `now`. Of
   * concurrent callers with one hash, at most one gets it.
   */
  consumeState(stateHash: string, now: number): Promise<JiraLinkStateRecord | undefined>;
}

export interface Storage {
  users: UserRepository;
  jiraLinks: JiraLinkRepository;
  oidcLogins: OidcLoginRepository;
  clients: ClientRepository;
  codes: AuthorizationCodeRepository;
  grants: GrantRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  secrets: SecretRepository;
  counters: CounterRepository;
  sessions: SessionRepository;
  purge: PurgeRepository;
  /**
   * Resolves when the store answers a trivial read now; rejects when it
   * cannot (file gone, server down, credentials refused). Reads no records,
   * writes nothing, and rejects (rather than hangs) once closed. For
   * readiness probes (`GET /readyz`), which bound and cache it themselves.
   */
  ping(): Promise<void>;
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

/**
 * What a purge may delete, as absolute times (ms). Each adapter deletes what
 * these say is done with; see `src/storage/purge-policy.ts` for why each
 * cut-off is where it is.
 */
export interface PurgeCutoffs {
  /** Codes that expired before this (kept a while after expiry to detect replays). */
  codesExpiredBefore: number;
  /** Tokens that expired before this. */
  tokensExpiredBefore: number;
  /** Sessions that expired before this. */
  sessionsExpiredBefore: number;
  /** Counter windows that ended before this. */
  countersExpiredBefore: number;
  /** Grants that expired, or were revoked, before this (with their tokens). */
  grantsEndedBefore: number;
  /**
   * Registered (`dcr`) and metadata-document (`cimd`) clients created before
   * this that have no grant; absent: unused clients are kept.
   */
  unusedClientsCreatedBefore?: number;
}

export type PurgeKind = 'codes' | 'tokens' | 'sessions' | 'counters' | 'grants' | 'clients';

export interface PurgeRepository {
  /**
   * Deletes up to `limit` records of `kind` that `cutoffs` says are done
   * with, in one short write, and returns how many it deleted (fewer than
   * `limit` means none are left). Returns 0 for kinds the store expires on
   * its own (DynamoDB TTL).
   */
  purgeBatch(kind: PurgeKind, cutoffs: PurgeCutoffs, limit: number): Promise<number>;
}
