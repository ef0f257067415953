/**
 * Personal access tokens: for MCP clients that cannot do the OAuth dance
 * (IDE extensions without a browser sign-in for HTTP servers, scripts, CI
 * jobs), a person makes a long-lived bearer token on `/account`. Each one is
 * a grant of kind `personal` holding exactly one access token, so every
 * check an OAuth access token passes applies unchanged: stored only as a
 * hash, bound to the `/mcp` audience, refused once revoked or expired or
 * when its person is disabled, and listed and revoked like a connected
 * application (revoked there, through "Connected applications" on
 * `/account`, which lists them with OAuth grants).
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import { randomToken, timeOrderedId } from '../crypto/random.js';
import {
  PERSONAL_ACCESS_TOKEN_CLIENT_ID,
  type GrantRecord,
  type TokenRecord,
  type UserRecord,
} from '../storage/ports.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';
import { ALL_SCOPES, formatScopes, isScope, SCOPES, type Scope } from './scopes.js';

/**
 * Every personal access token starts with this, so secret scanners (and
 * people) recognise one in a commit or a log: `jmcp_pat_` and 43 base64url
 * characters, `jmcp_pat_[A-Za-z0-9_-]{43}`.
 */
export const PERSONAL_ACCESS_TOKEN_PREFIX = 'jmcp_pat_';

/** Live (unrevoked, unexpired) personal access tokens one person may hold at once. */
export const MAX_LIVE_PERSONAL_ACCESS_TOKENS = 20;

/** Longest name, in characters (code points). */
export const PERSONAL_ACCESS_TOKEN_NAME_MAX = 100;

/** How long a creation holds its person's creation slot at most, should its process die. */
const CREATION_SLOT_MS = 30_000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the settings allow (PERSONAL_ACCESS_TOKENS, PERSONAL_ACCESS_TOKEN_MAX_DAYS). */
export interface PersonalAccessTokenSettings {
  enabled: boolean;
  maxDays: number;
}

/** Why a creation was refused; `message` is safe to show on a page. */
export type PersonalAccessTokenErrorCode =
  'invalid_name' | 'invalid_scope' | 'invalid_expiry' | 'limit_reached' | 'busy' | 'not_found';

/** A refusal the page shows as it is (a 4xx), never a fault. */
export class PersonalAccessTokenError extends Error {
  readonly code: PersonalAccessTokenErrorCode;
  readonly status: 400 | 409 | 429;

  constructor(code: PersonalAccessTokenErrorCode, message: string) {
    super(message);
    this.name = 'PersonalAccessTokenError';
    this.code = code;
    this.status = code === 'limit_reached' ? 409 : code === 'busy' ? 429 : 400;
  }
}

/** A validated creation request. */
export interface PersonalAccessTokenRequest {
  name: string;
  scopes: Scope[];
  days: number;
}

/** The form as it arrives: the name, every `scope` value, the expiry in days. */
export interface PersonalAccessTokenForm {
  name: string | null;
  scopes: readonly string[];
  days: string | null;
}

// C0 and C1 controls, and the Unicode bidi embeddings, overrides and
// isolates, which would let a name display as something it is not.
const FORBIDDEN_IN_NAME = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Checks a creation form: a name of 1–100 characters without control
 * characters (trimmed), scopes among the gateway's that include `jira:read`
 * (every tool needs it), and an expiry of 1 to `maxDays` whole days.
 * @see RFC 6749 §3.3 (scope); RFC 6750 §1.2 (bearer token)
 */
export function parsePersonalAccessTokenForm(
  form: PersonalAccessTokenForm,
  maxDays: number,
): PersonalAccessTokenRequest {
  const name = (form.name ?? '').trim();
  // Code points, as people count characters (an emoji is one, not two).
  const length = Array.from(name).length;
  if (length === 0 || length > PERSONAL_ACCESS_TOKEN_NAME_MAX) {
    throw new PersonalAccessTokenError(
      'invalid_name',
      `Give the token a name of 1 to ${PERSONAL_ACCESS_TOKEN_NAME_MAX} characters.`,
    );
  }
  if (FORBIDDEN_IN_NAME.test(name)) {
    throw new PersonalAccessTokenError(
      'invalid_name',
      'The name must not contain control characters.',
    );
  }
  const unknown = form.scopes.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw new PersonalAccessTokenError('invalid_scope', 'Choose scopes from the list.');
  }
  const chosen = new Set(form.scopes);
  const scopes = ALL_SCOPES.filter((s) => chosen.has(s));
  if (!scopes.includes(SCOPES.read)) {
    throw new PersonalAccessTokenError(
      'invalid_scope',
      `Every token needs ${SCOPES.read}: every tool reads Jira.`,
    );
  }
  const daysText = (form.days ?? '').trim();
  const days = /^\d{1,4}$/.test(daysText) ? Number(daysText) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > maxDays) {
    throw new PersonalAccessTokenError(
      'invalid_expiry',
      `Choose an expiry of 1 to ${maxDays} days.`,
    );
  }
  return { name, scopes, days };
}

/** Whether `grant` is a personal access token. */
export function isPersonalGrant(grant: GrantRecord): boolean {
  return grant.kind === 'personal';
}

/** Whether a grant can still back a token at `now`. @see RFC 7662 §2.2 */
function isLive(grant: GrantRecord, now: number): boolean {
  return grant.revokedAt === undefined && grant.expiresAt > now;
}

/**
 * The person's live personal access tokens, oldest first.
 * @see RFC 7009 §2 (what a person can still revoke)
 */
export async function listPersonalAccessTokens(
  ctx: Pick<OAuthContext, 'storage' | 'clock'>,
  userId: string,
): Promise<GrantRecord[]> {
  const now = ctx.clock.now();
  const grants = await ctx.storage.grants.listByUser(userId);
  return grants.filter((g) => isPersonalGrant(g) && isLive(g, now));
}

/** A new personal access token: the token itself exists only here. */
export interface CreatedPersonalAccessToken {
  /** Show once, never store, never put in a URL. */
  token: string;
  grant: GrantRecord;
}

/**
 * Makes a personal access token for `user`: a grant of kind `personal`
 * (client {@link PERSONAL_ACCESS_TOKEN_CLIENT_ID}, audience the `/mcp`
 * resource, the chosen scopes, expiring after `days`) holding one access
 * token that expires with it, stored only as its hash. At most
 * {@link MAX_LIVE_PERSONAL_ACCESS_TOKENS} live ones per person, also under
 * concurrency: a creation first reserves the person's single creation slot
 * (an atomic counter; a parallel creation is refused as `busy`), then
 * counts, then writes, then gives the slot back. Audited.
 * @see RFC 6750 §1.2; RFC 8707 §2 (audience); RFC 6819 §5.1.4.1.3 (tokens stored as hashes)
 */
export async function createPersonalAccessToken(
  ctx: OAuthContext,
  user: UserRecord,
  request: PersonalAccessTokenRequest,
  origin: RequestOrigin,
): Promise<CreatedPersonalAccessToken> {
  const now = ctx.clock.now();
  const slotKey = `pat-create:${user.id}`;
  const slot = await ctx.storage.counters.reserve(slotKey, now, now + CREATION_SLOT_MS, 1);
  if (!slot.reserved) {
    throw new PersonalAccessTokenError(
      'busy',
      'Another token is being created for you right now. Try again in a moment.',
    );
  }
  try {
    const live = await listPersonalAccessTokens(ctx, user.id);
    if (live.length >= MAX_LIVE_PERSONAL_ACCESS_TOKENS) {
      throw new PersonalAccessTokenError(
        'limit_reached',
        `You already have ${MAX_LIVE_PERSONAL_ACCESS_TOKENS} personal access tokens. Revoke one you no longer use first.`,
      );
    }
    const grant: GrantRecord = {
      id: timeOrderedId('grt', now),
      userId: user.id,
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      scopes: [...request.scopes],
      resource: ctx.resource,
      createdAt: now,
      expiresAt: now + request.days * DAY_MS,
      kind: 'personal',
      label: request.name,
    };
    const token = `${PERSONAL_ACCESS_TOKEN_PREFIX}${randomToken()}`;
    const record: TokenRecord = {
      tokenHash: hashSecret(token),
      kind: 'access',
      grantId: grant.id,
      clientId: grant.clientId,
      userId: user.id,
      scopes: [...request.scopes],
      resource: grant.resource,
      issuedAt: now,
      expiresAt: grant.expiresAt,
    };
    // In this order: the token's foreign key needs the grant (see token-grants.ts).
    await Promise.all([ctx.storage.grants.create(grant), ctx.storage.tokens.save([record])]);
    await ctx.audit.record({
      type: AUDIT_EVENT.personalTokenIssued,
      outcome: 'success',
      userId: user.id,
      username: user.username,
      clientId: grant.clientId,
      grantId: grant.id,
      ...originFields(origin),
      detail: { name: request.name, scope: formatScopes(request.scopes), days: request.days },
    });
    return { token, grant };
  } finally {
    await ctx.storage.counters.release(slotKey, slot.expiresAt);
  }
}
