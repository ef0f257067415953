/**
 * "Last used" of a grant: recorded where a token is accepted for /mcp (the
 * in-process verifier and the introspection endpoint), at most one write per
 * grant per minute, and never the cause of a refused request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createOAuthContext } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { createInProcessTokenVerifier } from '../../src/mcp/in-process-token-verifier.js';
import type { OAuthContext } from '../../src/oauth/context.js';
import { GRANT_USE_INTERVAL_MS } from '../../src/oauth/grant-use.js';
import { introspectToken } from '../../src/oauth/introspect.js';
import type { ClientRecord, GrantRepository, Storage } from '../../src/storage/ports.js';
import {
  createPrincipal,
  mintToken,
  openTempStorage,
  type Principal,
  type TempStorage,
} from '../mcp/helpers/tokens.js';

const ISSUER = 'https://gateway.test';
const RESOURCE = `${ISSUER}/mcp`;
const ORIGIN = { requestId: 'req-1', ip: '203.0.113.7' };
const RESOURCE_SERVER: ClientRecord = {
  clientId: 'rs_test',
  kind: 'resource_server',
  redirectUris: [],
  grantTypes: [],
  responseTypes: [],
  tokenEndpointAuthMethod: 'client_secret_basic',
  source: 'cli',
  createdAt: 0,
};

/** The storage with `grants.touch` counted, and made to fail when `failing.touch`. */
function observed(storage: Storage): {
  storage: Storage;
  touches: number[];
  failing: { touch: boolean };
} {
  const touches: number[] = [];
  const failing = { touch: false };
  const grants: GrantRepository = {
    create: (g) => storage.grants.create(g),
    get: (id) => storage.grants.get(id),
    listByUser: (id) => storage.grants.listByUser(id),
    listAll: () => storage.grants.listAll(),
    revoke: (id, now, reason) => storage.grants.revoke(id, now, reason),
    touch: async (id, now, interval) => {
      touches.push(now);
      if (failing.touch) throw new Error('disk full');
      await storage.grants.touch(id, now, interval);
    },
  };
  return { storage: { ...storage, grants }, touches, failing };
}

describe('recording a grant’s last use (RFC 7662 §2.2; /account "last used")', () => {
  let temp: TempStorage;
  let clock: ManualClock;
  let principal: Principal;
  let watch: ReturnType<typeof observed>;
  let errors: unknown[];

  const context = (): OAuthContext => ({
    ...createOAuthContext({
      config: loadConfig({ PUBLIC_URL: ISSUER, DATA_DIR: '/nonexistent-not-used' }),
      storage: watch.storage,
      clock,
      audit: new AuditLog(temp.storage.audit, clock, () => undefined),
      logger: createLogger('silent'),
      peerAddress: () => '203.0.113.7',
    }),
    onGrantUseError: (error) => errors.push(error),
  });

  beforeEach(async () => {
    temp = openTempStorage();
    clock = new ManualClock();
    principal = await createPrincipal(temp.storage, clock);
    watch = observed(temp.storage);
    errors = [];
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  describe('in-process token verifier', () => {
    const verifier = () =>
      createInProcessTokenVerifier({
        storage: watch.storage,
        clock,
        resource: RESOURCE,
        onGrantUseError: (error) => errors.push(error),
      });

    it('records the first use, then writes at most once per minute however often the token is used', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: RESOURCE,
        ttlMs: 3_600_000,
      });
      const v = verifier();
      const first = clock.now();
      expect(await v.verify(minted.token)).toBeDefined();
      expect((await temp.storage.grants.get(minted.grantId))?.lastUsedAt).toBe(first);
      for (let i = 0; i < 20; i += 1) {
        clock.advance(2_000);
        expect(await v.verify(minted.token)).toBeDefined();
      }
      // 40 s of use: the value read with the token was fresh, so no write was even tried.
      expect(watch.touches).toEqual([first]);
      clock.advance(GRANT_USE_INTERVAL_MS - 40_000);
      expect(await v.verify(minted.token)).toBeDefined();
      expect(watch.touches).toEqual([first, first + GRANT_USE_INTERVAL_MS]);
      expect((await temp.storage.grants.get(minted.grantId))?.lastUsedAt).toBe(
        first + GRANT_USE_INTERVAL_MS,
      );
    });

    it('still accepts the token when recording its use fails, and reports the failure', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: RESOURCE,
      });
      watch.failing.touch = true;
      expect(await verifier().verify(minted.token)).toMatchObject({ grantId: minted.grantId });
      expect(errors).toEqual([new Error('disk full')]);
      expect((await temp.storage.grants.get(minted.grantId))?.lastUsedAt).toBeUndefined();
    });

    it('records nothing for a refused token', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: 'https://other.test/mcp',
      });
      expect(await verifier().verify(minted.token)).toBeUndefined();
      expect(watch.touches).toEqual([]);
    });
  });

  describe('introspection endpoint (split roles)', () => {
    const introspect = (token: string, hint?: string) =>
      introspectToken(
        context(),
        RESOURCE_SERVER,
        new URLSearchParams({ token, ...(hint === undefined ? {} : { token_type_hint: hint }) }),
        ORIGIN,
      );

    it('records the use of an active access token, at most once per minute', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: RESOURCE,
        ttlMs: 3_600_000,
      });
      const first = clock.now();
      expect(await introspect(minted.token)).toMatchObject({ active: true });
      clock.advance(30_000);
      expect(await introspect(minted.token)).toMatchObject({ active: true });
      expect(watch.touches).toEqual([first]);
      expect((await temp.storage.grants.get(minted.grantId))?.lastUsedAt).toBe(first);
    });

    it('does not count a refresh token being introspected as a use at /mcp', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: RESOURCE,
        kind: 'refresh',
      });
      expect(await introspect(minted.token, 'refresh_token')).toMatchObject({
        active: true,
        token_type: 'refresh_token',
      });
      expect(watch.touches).toEqual([]);
    });

    it('still answers active when recording the use fails, and reports the failure', async () => {
      const minted = await mintToken(temp.storage, clock, principal, {
        scopes: ['jira:read'],
        resource: RESOURCE,
      });
      watch.failing.touch = true;
      expect(await introspect(minted.token)).toMatchObject({ active: true });
      expect(errors).toEqual([new Error('disk full')]);
    });
  });
});
