import { describe, expect, it } from 'vitest';
import type { OidcLoginRecord } from '../../../src/storage/ports.js';
import { freshHash, MINUTE, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

function aLogin(overrides: Partial<OidcLoginRecord> = {}): OidcLoginRecord {
  return {
    idHash: freshHash(),
    state: 'state-value',
    nonce: 'nonce-value',
    codeVerifier: 'verifier-value-verifier-value-verifier-value',
    request: 'response_type=code&client_id=cli_1',
    createdAt: T0,
    expiresAt: T0 + 10 * MINUTE,
    ...overrides,
  };
}

/** OidcLoginRepository: sign-ins at an OpenID provider in flight (single use, short-lived). */
export function describeOidcLoginContract(handle: StorageHandle): void {
  describe('sign-ins in flight (OidcLoginRepository, OpenID Connect Core 1.0 §3.1.2.1)', () => {
    it('gives a saved record back exactly once', async () => {
      const { oidcLogins } = handle.storage;
      const login = aLogin();
      await oidcLogins.save(login);
      expect(await oidcLogins.consume(login.idHash, T0 + MINUTE)).toStrictEqual(login);
      expect(await oidcLogins.consume(login.idHash, T0 + MINUTE)).toBeUndefined();
      expect(await oidcLogins.consume(freshHash(), T0)).toBeUndefined();
    });

    it('honours a record until expiresAt and never from expiresAt on', async () => {
      const { oidcLogins } = handle.storage;
      const fresh = aLogin();
      const stale = aLogin();
      await oidcLogins.save(fresh);
      await oidcLogins.save(stale);
      expect(await oidcLogins.consume(fresh.idHash, fresh.expiresAt - 1)).toStrictEqual(fresh);
      expect(await oidcLogins.consume(stale.idHash, stale.expiresAt)).toBeUndefined();
      // Consumed even when expired: it cannot come back later.
      expect(await oidcLogins.consume(stale.idHash, T0)).toBeUndefined();
    });

    it('gives one record to exactly one of many concurrent consumers', async () => {
      const { oidcLogins } = handle.storage;
      const login = aLogin();
      await oidcLogins.save(login);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => oidcLogins.consume(login.idHash, T0)),
      );
      expect(results.filter((r) => r !== undefined)).toStrictEqual([login]);
    });
  });
}
