import { describe, expect, it } from 'vitest';
import { ConflictError, type ConsumeCodeResult } from '../../../src/storage/ports.js';
import { aCode, freshHash, MINUTE, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

const PARALLEL = 20;

/** AuthorizationCodeRepository: single-use, short-lived, atomic redemption. */
export function describeCodeContract(handle: StorageHandle): void {
  describe('authorization codes (RFC 6749 §4.1.2: single use)', () => {
    it('consumes a fresh code and returns the stored record', async () => {
      const { codes } = handle.storage;
      const code = aCode();
      await codes.save(code);
      expect(await codes.consume(code.codeHash, T0 + 1)).toStrictEqual({ status: 'ok', code });
    });

    it('answers replayed, with the record, to every later consume', async () => {
      const { codes } = handle.storage;
      const code = aCode();
      await codes.save(code);
      await codes.consume(code.codeHash, T0 + 1);
      expect(await codes.consume(code.codeHash, T0 + 2)).toStrictEqual({
        status: 'replayed',
        code,
      });
      expect(await codes.consume(code.codeHash, T0 + 3)).toStrictEqual({
        status: 'replayed',
        code,
      });
    });

    it('answers not_found for an unknown code', async () => {
      const { codes } = handle.storage;
      await codes.save(aCode());
      expect(await codes.consume(freshHash(), T0)).toStrictEqual({ status: 'not_found' });
    });

    it('checks expiry at read time: usable until expiresAt, expired from expiresAt on', async () => {
      const { codes } = handle.storage;
      const usable = aCode({ expiresAt: T0 + MINUTE });
      const atExpiry = aCode({ expiresAt: T0 + MINUTE });
      const later = aCode({ expiresAt: T0 + MINUTE });
      for (const code of [usable, atExpiry, later]) {
        await codes.save(code);
      }
      expect(await codes.consume(usable.codeHash, T0 + MINUTE - 1)).toStrictEqual({
        status: 'ok',
        code: usable,
      });
      expect(await codes.consume(atExpiry.codeHash, T0 + MINUTE)).toStrictEqual({
        status: 'expired',
      });
      expect(await codes.consume(later.codeHash, T0 + 60 * MINUTE)).toStrictEqual({
        status: 'expired',
      });
    });

    it('never redeems an expired code, not even on a second try', async () => {
      const { codes } = handle.storage;
      const code = aCode({ expiresAt: T0 + MINUTE });
      await codes.save(code);
      expect((await codes.consume(code.codeHash, T0 + MINUTE)).status).toBe('expired');
      expect((await codes.consume(code.codeHash, T0 + MINUTE + 1)).status).toBe('expired');
    });

    it('reports a redeemed code as replayed even after it expired', async () => {
      const { codes } = handle.storage;
      const code = aCode({ expiresAt: T0 + MINUTE });
      await codes.save(code);
      expect((await codes.consume(code.codeHash, T0)).status).toBe('ok');
      expect(await codes.consume(code.codeHash, T0 + 10 * MINUTE)).toStrictEqual({
        status: 'replayed',
        code,
      });
    });

    it(`lets exactly one of ${PARALLEL} concurrent redemptions win; the rest see replayed`, async () => {
      const { codes } = handle.storage;
      const code = aCode();
      await codes.save(code);
      const results: ConsumeCodeResult[] = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) => codes.consume(code.codeHash, T0 + i)),
      );
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'replayed')).toHaveLength(PARALLEL - 1);
      for (const result of results) {
        expect(result).toStrictEqual({ status: result.status, code });
      }
    });

    it('refuses a second code with the same hash with ConflictError', async () => {
      const { codes } = handle.storage;
      const code = aCode();
      await codes.save(code);
      await expect(codes.save(aCode({ codeHash: code.codeHash }))).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
  });
}
