/**
 * Personal access tokens as a domain: the form's rules, what a creation
 * stores (only a hash, a `personal` grant bound to the /mcp resource), the
 * per-person limit under concurrency, revocation, and how the token
 * verifier and introspection treat them (setting off, revoked, expired,
 * person disabled).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { createOAuthContext } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import type { OAuthContext } from '../../src/oauth/context.js';
import { disconnectGrant } from '../../src/oauth/disconnect-grant.js';
import { introspectToken } from '../../src/oauth/introspect.js';
import {
  createPersonalAccessToken,
  listPersonalAccessTokens,
  MAX_LIVE_PERSONAL_ACCESS_TOKENS,
  parsePersonalAccessTokenForm,
  PersonalAccessTokenError,
  type PersonalAccessTokenRequest,
} from '../../src/oauth/personal-access-tokens.js';
import { SCOPES } from '../../src/oauth/scopes.js';
import {
  PERSONAL_ACCESS_TOKEN_CLIENT_ID,
  type ClientRecord,
  type UserRecord,
} from '../../src/storage/ports.js';
import { createPrincipal, openTempStorage, type TempStorage } from '../mcp/helpers/tokens.js';

const ISSUER = 'https://gateway.test';
const RESOURCE = `${ISSUER}/mcp`;
const DAY = 24 * 60 * 60 * 1000;
const ORIGIN = { requestId: 'req-1', ip: '203.0.113.7' };
const READ_ONLY: PersonalAccessTokenRequest = { name: 'CI job', scopes: [SCOPES.read], days: 30 };

function refusal(run: () => unknown): PersonalAccessTokenError {
  try {
    run();
  } catch (error) {
    if (error instanceof PersonalAccessTokenError) return error;
    throw error;
  }
  throw new Error('expected a PersonalAccessTokenError');
}

describe('personal access token form (RFC 6749 §3.3 scopes, name and expiry rules)', () => {
  const form = (over: Partial<{ name: string | null; scopes: string[]; days: string | null }>) =>
    parsePersonalAccessTokenForm(
      { name: 'nightly build', scopes: [SCOPES.read], days: '30', ...over },
      90,
    );

  it('accepts a trimmed name, the chosen scopes in canonical order and whole days', () => {
    expect(form({ name: '  nightly build  ', scopes: [SCOPES.write, SCOPES.read] })).toEqual({
      name: 'nightly build',
      scopes: [SCOPES.read, SCOPES.write],
      days: 30,
    });
    expect(form({ name: 'é'.repeat(100), days: '90' }).name).toHaveLength(100);
    expect(form({ days: '1' }).days).toBe(1);
  });

  it.each([
    ['an empty name', { name: '' }, 'invalid_name'],
    ['a blank name', { name: '   ' }, 'invalid_name'],
    ['no name at all', { name: null }, 'invalid_name'],
    ['a name of 101 characters', { name: 'x'.repeat(101) }, 'invalid_name'],
    ['a newline in the name', { name: 'a\nb' }, 'invalid_name'],
    ['a NUL in the name', { name: 'a\u0000b' }, 'invalid_name'],
    ['a C1 control in the name', { name: 'a\u0085b' }, 'invalid_name'],
    ['a right-to-left override in the name', { name: 'abc\u202Etxt.exe' }, 'invalid_name'],
    ['no jira:read', { scopes: [SCOPES.write] }, 'invalid_scope'],
    ['no scope', { scopes: [] }, 'invalid_scope'],
    ['an unknown scope', { scopes: [SCOPES.read, 'jira:admin'] }, 'invalid_scope'],
    ['0 days', { days: '0' }, 'invalid_expiry'],
    ['more days than PERSONAL_ACCESS_TOKEN_MAX_DAYS', { days: '91' }, 'invalid_expiry'],
    ['fractional days', { days: '1.5' }, 'invalid_expiry'],
    ['days in exponent form', { days: '1e1' }, 'invalid_expiry'],
    ['negative days', { days: '-1' }, 'invalid_expiry'],
    ['no days', { days: null }, 'invalid_expiry'],
  ] as const)('refuses %s with 400 %s', (_label, over, code) => {
    const error = refusal(() =>
      form({ ...over, scopes: 'scopes' in over ? [...over.scopes] : [SCOPES.read] }),
    );
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
  });
});

describe('personal access tokens (RFC 6750 bearer tokens, RFC 8707 audience, RFC 7662 introspection)', () => {
  let temp: TempStorage;
  let clock: ManualClock;
  let ctx: OAuthContext;
  let user: UserRecord;

  const contextWith = (enabled: boolean): OAuthContext => {
    const config = loadConfig({
      PUBLIC_URL: ISSUER,
      DATA_DIR: '/nonexistent-not-used',
      PERSONAL_ACCESS_TOKENS: String(enabled),
    });
    return createOAuthContext({
      config,
      storage: temp.storage,
      clock,
      audit: new AuditLog(temp.storage.audit, clock, () => undefined),
      logger: createLogger('silent'),
      peerAddress: () => '203.0.113.7',
    });
  };
  const verifier = (accept: boolean) =>
    createInProcessTokenVerifier({
      storage: temp.storage,
      clock,
      resource: RESOURCE,
      acceptPersonalAccessTokens: accept,
    });
  const resourceServer: ClientRecord = {
    clientId: 'rs_test',
    kind: 'resource_server',
    redirectUris: [],
    grantTypes: [],
    responseTypes: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    source: 'cli',
    createdAt: 0,
  };
  const introspect = (context: OAuthContext, token: string) =>
    introspectToken(context, resourceServer, new URLSearchParams({ token }), ORIGIN);

  beforeEach(async () => {
    temp = openTempStorage();
    clock = new ManualClock();
    ctx = contextWith(true);
    const principal = await createPrincipal(temp.storage, clock, 'alice');
    const found = await temp.storage.users.getById(principal.userId);
    if (found === undefined) throw new Error('the principal was just created');
    user = found;
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('makes a prefixed token, stores only its hash under a personal grant bound to /mcp, and audits it', async () => {
    const { token, grant } = await createPersonalAccessToken(
      ctx,
      user,
      { name: 'Amazon Q in VS Code', scopes: [SCOPES.read, SCOPES.write], days: 7 },
      ORIGIN,
    );
    expect(token).toMatch(/^jmcp_pat_[A-Za-z0-9_-]{43}$/);
    expect(grant).toEqual({
      id: expect.stringMatching(/^grt_/) as unknown,
      userId: user.id,
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      scopes: [SCOPES.read, SCOPES.write],
      resource: RESOURCE,
      createdAt: clock.now(),
      expiresAt: clock.now() + 7 * DAY,
      kind: 'personal',
      label: 'Amazon Q in VS Code',
    });
    expect(await temp.storage.grants.get(grant.id)).toStrictEqual(grant);
    const tokens = await temp.storage.tokens.listByGrant(grant.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({
      tokenHash: hashSecret(token),
      kind: 'access',
      resource: RESOURCE,
      expiresAt: clock.now() + 7 * DAY,
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
    });
    expect(JSON.stringify(tokens)).not.toContain(token);
    const trail = await temp.storage.audit.tail(10);
    const created = trail.find((e) => e.type === AUDIT_EVENT.personalTokenIssued);
    expect(created).toMatchObject({
      outcome: 'success',
      userId: user.id,
      grantId: grant.id,
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      requestId: 'req-1',
      detail: { name: 'Amazon Q in VS Code', scope: 'jira:read jira:write', days: 7 },
    });
    expect(JSON.stringify(trail)).not.toContain(token);
  });

  it('is accepted by the verifier and introspection while PERSONAL_ACCESS_TOKENS is on, and refused by both when off', async () => {
    const { token, grant } = await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    expect(await verifier(true).verify(token)).toEqual({
      userId: user.id,
      username: 'alice',
      clientId: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      grantId: grant.id,
      scopes: [SCOPES.read],
      resource: RESOURCE,
      expiresAt: grant.expiresAt,
    });
    expect(await introspect(ctx, token)).toMatchObject({
      active: true,
      scope: 'jira:read',
      client_id: PERSONAL_ACCESS_TOKEN_CLIENT_ID,
      aud: RESOURCE,
      grant_id: grant.id,
    });

    expect(await verifier(false).verify(token)).toBeUndefined();
    // The verifier's default is off too: a composition that forgets the setting refuses them.
    expect(
      await createInProcessTokenVerifier({
        storage: temp.storage,
        clock,
        resource: RESOURCE,
      }).verify(token),
    ).toBeUndefined();
    expect(await introspect(contextWith(false), token)).toEqual({ active: false });
    const trail = await temp.storage.audit.tail(5);
    expect(trail.at(-1)).toMatchObject({
      type: AUDIT_EVENT.introspection,
      outcome: 'failure',
      grantId: grant.id,
      detail: { active: false, reason: 'personal access tokens are turned off' },
    });
  });

  it('is refused once expired, once revoked, and while its person is disabled', async () => {
    const accept = verifier(true);
    const expiring = await createPersonalAccessToken(ctx, user, { ...READ_ONLY, days: 1 }, ORIGIN);
    const revoked = await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    const kept = await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);

    // Revoked where the person sees it: "Connected applications" on /account.
    expect(await disconnectGrant(ctx, user, revoked.grant.id, ORIGIN)).toBe('disconnected');
    expect(await accept.verify(revoked.token)).toBeUndefined();
    expect(await introspect(ctx, revoked.token)).toEqual({ active: false });

    clock.advance(DAY);
    expect(await accept.verify(expiring.token)).toBeUndefined();
    expect(await accept.verify(kept.token)).toBeDefined();

    await temp.storage.users.setDisabled('alice', true);
    expect(await accept.verify(kept.token)).toBeUndefined();
    expect(await introspect(ctx, kept.token)).toEqual({ active: false });
  });

  it('keeps at most 20 live tokens per person, counting neither revoked nor expired ones', async () => {
    const made = [];
    for (let i = 0; i < MAX_LIVE_PERSONAL_ACCESS_TOKENS; i += 1) {
      made.push(
        await createPersonalAccessToken(ctx, user, { ...READ_ONLY, name: `t${i}` }, ORIGIN),
      );
    }
    const over = createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    await expect(over).rejects.toMatchObject({ code: 'limit_reached', status: 409 });

    await disconnectGrant(ctx, user, made[0]?.grant.id ?? '', ORIGIN);
    await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    await expect(createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN)).rejects.toMatchObject({
      code: 'limit_reached',
    });
    expect(await listPersonalAccessTokens(ctx, user.id)).toHaveLength(20);

    // Someone else's limit is their own.
    const bob = await createPrincipal(temp.storage, clock, 'bob');
    const bobUser = await temp.storage.users.getById(bob.userId);
    if (bobUser === undefined) throw new Error('bob was just created');
    await createPersonalAccessToken(ctx, bobUser, READ_ONLY, ORIGIN);
  });

  it('holds the limit when 40 creations race, from 15 live tokens', async () => {
    for (let i = 0; i < 15; i += 1) await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN)),
    );
    const created = results.filter((r) => r.status === 'fulfilled').length;
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(PersonalAccessTokenError);
        expect(['busy', 'limit_reached']).toContain(
          (result.reason as PersonalAccessTokenError).code,
        );
      }
    }
    const live = await listPersonalAccessTokens(ctx, user.id);
    expect(live.length).toBe(15 + created);
    expect(live.length).toBeLessThanOrEqual(MAX_LIVE_PERSONAL_ACCESS_TOKENS);
    expect(created).toBeGreaterThanOrEqual(1);
    // The slot is given back: the person can fill up to exactly the limit afterwards.
    while (
      (await listPersonalAccessTokens(ctx, user.id)).length < MAX_LIVE_PERSONAL_ACCESS_TOKENS
    ) {
      await createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN);
    }
    await expect(createPersonalAccessToken(ctx, user, READ_ONLY, ORIGIN)).rejects.toMatchObject({
      code: 'limit_reached',
    });
  });
});
