import { AUDIT_EVENT } from '../audit/audit-events.js';
import { hashSecret } from '../crypto/hash.js';
import {
  ConflictError,
  type AuthorizationCodeRecord,
  type ClientRecord,
  type GrantRecord,
  type RefreshReuseReason,
  type TokenRecord,
} from '../storage/ports.js';
import { originFields, type OAuthContext, type RequestOrigin } from './context.js';
import { OAuthError } from './errors.js';
import { mintTokens, type TokenResponse } from './issue-tokens.js';
import { verifyCodeVerifier } from './pkce.js';
import { resolveResource } from './resource-indicator.js';
import { formatScopes, isScope, type Scope } from './scopes.js';

function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError('invalid_request', `${name} must not be repeated`);
  const value = values[0];
  return value === undefined || value === '' ? undefined : value;
}

function mayRefresh(client: ClientRecord): boolean {
  return client.grantTypes.includes('refresh_token');
}

/**
 * The `authorization_code` grant. The code is consumed atomically before any
 * other check, so of parallel redemptions at most one wins; a replayed code
 * is refused and the grant it created is revoked, since the first redemption
 * may have been an attacker's.
 * @see RFC 6749 §4.1.3, §10.5; RFC 7636 §4.6; RFC 8707 §2.2; draft-ietf-oauth-v2-1-13 §4.1.3
 */
export async function redeemAuthorizationCode(
  ctx: OAuthContext,
  client: ClientRecord,
  form: URLSearchParams,
  origin: RequestOrigin,
): Promise<TokenResponse> {
  const code = single(form, 'code');
  if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
  const verifier = single(form, 'code_verifier');
  const redirectUri = single(form, 'redirect_uri');
  const requestedResource = single(form, 'resource');
  const now = ctx.clock.now();

  const result = await ctx.storage.codes.consume(hashSecret(code), now);
  if (result.status === 'replayed') {
    await revokeReplayedGrant(ctx, result.code, now);
    await ctx.audit.record({
      type: AUDIT_EVENT.codeReplayed,
      outcome: 'failure',
      clientId: client.clientId,
      userId: result.code.userId,
      grantId: result.code.grantId,
      ...originFields(origin),
      detail: { action: 'grant revoked' },
    });
    throw new OAuthError('invalid_grant', 'authorization code was already used');
  }
  if (result.status !== 'ok') {
    throw new OAuthError(
      'invalid_grant',
      result.status === 'expired' ? 'authorization code expired' : 'authorization code is invalid',
    );
  }
  const record = result.code;
  if (record.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'authorization code was issued to another client');
  }
  // RFC 6749 §4.1.3: the redirect URI must be repeated when the authorization request
  // named it. It may be omitted only by a client with a single registered URI, where no
  // other URI could have been named, so no code can be injected through a different one.
  if (redirectUri === undefined && client.redirectUris.length !== 1) {
    throw new OAuthError('invalid_request', 'redirect_uri is required');
  }
  if (redirectUri !== undefined && redirectUri !== record.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  }
  if (requestedResource !== undefined) {
    const resource = resolveResource(requestedResource, ctx.resource);
    if (resource !== record.resource) {
      throw new OAuthError('invalid_target', 'resource differs from the authorization request');
    }
  }
  verifyCodeVerifier(verifier, record.codeChallenge);
  await requireActiveUser(ctx, record.userId);

  const grant: GrantRecord = {
    id: record.grantId,
    userId: record.userId,
    clientId: record.clientId,
    scopes: record.scopes,
    resource: record.resource,
    createdAt: now,
    expiresAt: now + ctx.lifetimes.grantSeconds * 1000,
  };
  const minted = mintTokens(ctx, grant, grant.scopes, mayRefresh(client));
  // Issued together, so a store that groups writes commits them in one
  // transaction. The grant comes first: SQLite runs queued writes in the
  // order they were asked for, and the tokens' foreign key needs the grant.
  // Where writes run in parallel (DynamoDB), tokens are unusable until their
  // grant exists, and are never handed out if it is not created.
  const created = ctx.storage.grants.create(grant).catch((error: unknown) => {
    // A replay of this code got in first and left the grant revoked in advance.
    if (error instanceof ConflictError) {
      throw new OAuthError('invalid_grant', 'authorization code was already used');
    }
    throw error;
  });
  await Promise.all([created, ctx.storage.tokens.save(minted.records)]);
  // Audited once the tokens are stored, never before.
  await Promise.all([
    ctx.audit.record({
      type: AUDIT_EVENT.codeRedeemed,
      outcome: 'success',
      clientId: client.clientId,
      userId: grant.userId,
      grantId: grant.id,
      ...originFields(origin),
    }),
    ctx.audit.record({
      type: AUDIT_EVENT.tokenIssued,
      outcome: 'success',
      clientId: client.clientId,
      userId: grant.userId,
      grantId: grant.id,
      ...originFields(origin),
      detail: {
        scope: minted.response.scope,
        refresh: minted.response.refresh_token !== undefined,
      },
    }),
  ]);
  return minted.response;
}

/**
 * Narrows the scope of a refresh to what was asked, never beyond the grant.
 * @see RFC 6749 §6 (the requested scope MUST NOT include any scope not originally granted)
 */
function refreshScopes(requested: string | undefined, granted: readonly Scope[]): Scope[] {
  if (requested === undefined) return [...granted];
  const asked = requested.split(' ').filter(isScope);
  if (asked.some((s) => !granted.includes(s))) {
    throw new OAuthError('invalid_scope', 'a refresh cannot add scopes beyond the original grant');
  }
  return asked.length === 0 ? [...granted] : asked;
}

/**
 * The `refresh_token` grant with rotation: every use returns a new refresh
 * token and retires the old one; presenting a retired one again revokes the
 * whole grant (the token has leaked to someone). One exception, for clients
 * that refresh from several processes at once: within the reuse interval
 * (REFRESH_REUSE_INTERVAL) after its rotation, and while no token issued
 * from it has been used, a rotated token gets new tokens of the same grant,
 * siblings of the first ones; the first sibling used ends the others (see
 * `TokenRepository.rotateRefresh` and docs/security.md).
 * @see RFC 6749 §6; draft-ietf-oauth-v2-1-13 §4.3.1; OAuth 2.0 Security BCP (RFC 9700) §4.14.2
 */
export async function refreshTokens(
  ctx: OAuthContext,
  client: ClientRecord,
  form: URLSearchParams,
  origin: RequestOrigin,
): Promise<TokenResponse> {
  const refreshToken = single(form, 'refresh_token');
  if (refreshToken === undefined) {
    throw new OAuthError('invalid_request', 'refresh_token is required');
  }
  if (!mayRefresh(client)) {
    throw new OAuthError(
      'unauthorized_client',
      'this client did not register the refresh_token grant',
    );
  }
  const requestedResource = single(form, 'resource');
  const now = ctx.clock.now();
  const tokenHash = hashSecret(refreshToken);
  // Any state: a rotated token may still be within its reuse interval, and
  // only rotateRefresh decides that, atomically.
  const presented = await ctx.storage.tokens.get(tokenHash);
  if (presented?.kind !== 'refresh' || presented.revokedAt !== undefined) {
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  if (presented.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'refresh token was issued to another client');
  }
  const reuseIntervalMs = ctx.lifetimes.refreshReuseIntervalSeconds * 1000;
  // Reuse past any leeway stays reuse (the fields only ever move that way), so
  // it revokes before the request's other parameters are looked at, as it
  // did before the interval existed; rotateRefresh decides every other case.
  // Before the expiry check: a rotated token replayed late is still evidence
  // of a leak, and its grant may still be live.
  if (presented.rotatedAt !== undefined && !withinReuseInterval(presented, now, reuseIntervalMs)) {
    await revokeForReuse(ctx, presented, 'rotated', origin);
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  if (presented.expiresAt <= now) {
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  const grant = await ctx.storage.grants.get(presented.grantId);
  if (grant === undefined || grant.revokedAt !== undefined || grant.expiresAt <= now) {
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  if (requestedResource !== undefined) {
    if (resolveResource(requestedResource, ctx.resource) !== presented.resource) {
      throw new OAuthError('invalid_target', 'resource differs from the original grant');
    }
  }
  await requireActiveUser(ctx, grant.userId);
  const scopes = refreshScopes(single(form, 'scope'), grant.scopes);
  const minted = mintTokens(ctx, grant, scopes, true, tokenHash);
  const rotated = await ctx.storage.tokens.rotateRefresh(
    tokenHash,
    now,
    minted.records,
    reuseIntervalMs,
  );
  if (rotated.status === 'reused') {
    await revokeForReuse(ctx, rotated.token, rotated.reason, origin);
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  if (rotated.status === 'invalid') {
    throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
  }
  await ctx.audit.record({
    type: AUDIT_EVENT.tokenRefreshed,
    outcome: 'success',
    clientId: client.clientId,
    userId: rotated.grant.userId,
    grantId: rotated.grant.id,
    ...originFields(origin),
    detail: {
      scope: formatScopes(scopes),
      // A parallel refresh let through by the reuse interval, visible in the trail.
      ...(rotated.status === 'reissued' ? { reuseInterval: true } : {}),
    },
  });
  return minted.response;
}

/**
 * Revokes the grant of a replayed code, also when the code's first
 * redemption (another request, maybe another process) has not created that
 * grant yet: a revoked grant is then created in its place, so the first
 * redemption's own `create` fails and it issues nothing.
 * @see RFC 6749 §4.1.2 (SHOULD revoke all tokens previously issued based on that code)
 */
async function revokeReplayedGrant(
  ctx: OAuthContext,
  code: AuthorizationCodeRecord,
  now: number,
): Promise<void> {
  const reason = 'authorization code replayed';
  if (await ctx.storage.grants.revoke(code.grantId, now, reason)) return;
  try {
    await ctx.storage.grants.create({
      id: code.grantId,
      userId: code.userId,
      clientId: code.clientId,
      scopes: code.scopes,
      resource: code.resource,
      createdAt: now,
      expiresAt: now,
      revokedAt: now,
      revokedReason: reason,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The first redemption created it meanwhile.
    await ctx.storage.grants.revoke(code.grantId, now, reason);
  }
}

/** A disabled or deleted user gets no new tokens, whatever the client holds. */
async function requireActiveUser(ctx: OAuthContext, userId: string): Promise<void> {
  const user = await ctx.storage.users.getById(userId);
  if (user === undefined || user.disabled) {
    throw new OAuthError('invalid_grant', 'the user of this grant is disabled');
  }
}

/**
 * Whether a rotated token may still be reissued: less than the interval after
 * its first rotation, and no token issued from it exchanged yet.
 * @see RFC 9700 §4.14.2
 */
function withinReuseInterval(token: TokenRecord, now: number, reuseIntervalMs: number): boolean {
  return (
    token.rotatedAt !== undefined &&
    reuseIntervalMs > 0 &&
    token.successorHash === undefined &&
    now < token.rotatedAt + reuseIntervalMs
  );
}

/**
 * Reuse is evidence that the token leaked: the whole grant goes, and the
 * trail says why (`rotated`: presented again after the interval or after its
 * successor was used; `superseded`: a sibling was used first).
 * @see RFC 9700 §4.14.2
 */
async function revokeForReuse(
  ctx: OAuthContext,
  token: TokenRecord,
  reason: RefreshReuseReason,
  origin: RequestOrigin,
): Promise<void> {
  await ctx.storage.grants.revoke(token.grantId, ctx.clock.now(), 'refresh token reused');
  await ctx.audit.record({
    type: AUDIT_EVENT.refreshReuseDetected,
    outcome: 'failure',
    clientId: token.clientId,
    userId: token.userId,
    grantId: token.grantId,
    ...originFields(origin),
    detail: { action: 'grant revoked', reason },
  });
}
