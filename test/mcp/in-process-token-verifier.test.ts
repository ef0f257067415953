import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import type { TokenVerifier } from '../../src/mcp/token-verifier.js';
import {
  createPrincipal,
  mintToken,
  openTempStorage,
  type Principal,
  type TempStorage,
} from './helpers/tokens.js';

const RESOURCE = 'https://gateway.test/mcp';

describe('in-process token verifier (RFC 6750 §3.1, RFC 8707 audience binding)', () => {
  let temp: TempStorage;
  let clock: ManualClock;
  let principal: Principal;
  let verifier: TokenVerifier;

  beforeEach(async () => {
    temp = openTempStorage();
    clock = new ManualClock();
    principal = await createPrincipal(temp.storage, clock);
    verifier = createInProcessTokenVerifier({ storage: temp.storage, clock, resource: RESOURCE });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('accepts an active access token and says who it stands for', async () => {
    const minted = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
      ttlMs: 60_000,
    });
    expect(await verifier.verify(minted.token)).toEqual({
      userId: principal.userId,
      username: 'alice',
      clientId: principal.clientId,
      grantId: minted.grantId,
      scopes: ['jira:read'],
      resource: RESOURCE,
      expiresAt: minted.expiresAt,
    });
  });

  it('refuses a token once it has expired, without sleeping', async () => {
    const minted = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
      ttlMs: 60_000,
    });
    clock.advance(59_999);
    expect(await verifier.verify(minted.token)).toBeDefined();
    clock.advance(1);
    expect(await verifier.verify(minted.token)).toBeUndefined();
  });

  it('refuses a revoked token and a token of a revoked grant', async () => {
    const a = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
    });
    const b = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
    });
    await temp.storage.tokens.revoke(a.tokenHash, clock.now());
    await temp.storage.grants.revoke(b.grantId, clock.now(), 'test');
    expect(await verifier.verify(a.token)).toBeUndefined();
    expect(await verifier.verify(b.token)).toBeUndefined();
  });

  it('refuses a token issued for another resource (audience binding)', async () => {
    const foreign = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read', 'jira:write'],
      resource: 'https://other.test/mcp',
    });
    expect(await verifier.verify(foreign.token)).toBeUndefined();
  });

  it('refuses a refresh token presented as a bearer token', async () => {
    const refresh = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
      kind: 'refresh',
    });
    expect(await verifier.verify(refresh.token)).toBeUndefined();
  });

  it('refuses the tokens of a disabled user at once', async () => {
    const minted = await mintToken(temp.storage, clock, principal, {
      scopes: ['jira:read'],
      resource: RESOURCE,
    });
    await temp.storage.users.setDisabled('alice', true);
    expect(await verifier.verify(minted.token)).toBeUndefined();
  });

  it('refuses unknown and empty tokens', async () => {
    expect(await verifier.verify('not-a-token-we-issued')).toBeUndefined();
    expect(await verifier.verify('')).toBeUndefined();
  });
});
