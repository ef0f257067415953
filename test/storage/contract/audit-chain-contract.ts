import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../../src/audit/audit-chain.js';
import { verifyAuditChain } from '../../../src/audit/audit-verify.js';
import type { AuditEvent } from '../../../src/storage/ports.js';
import { DAY, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

function anEvent(n: number, at: number = T0 + n * DAY): AuditEvent {
  return {
    id: `aud_${n}`,
    at,
    type: 'tool.called',
    outcome: 'success',
    userId: 'usr_1',
    detail: { tool: 'jira_search', n },
  };
}

const NOW = T0 + 400 * DAY;

/** AuditRepository: the hash chain, its anchor, and retention that keeps it verifiable. */
export function describeAuditChainContract(handle: StorageHandle): void {
  describe('audit hash chain (AuditRepository.chain, chainState, purgeBefore)', () => {
    it('links each appended event to the one before, from seq 1 and the genesis hash', async () => {
      const { audit } = handle.storage;
      const events = [1, 2, 3].map((n) => anEvent(n));
      for (const event of events) await audit.append(event);
      const chain = await audit.chain(0, 10);
      expect(chain.map((c) => c.seq)).toStrictEqual([1, 2, 3]);
      expect(chain.map((c) => c.event)).toStrictEqual(events);
      let prev = GENESIS_HASH;
      for (const link of chain) {
        expect(link.prevHash).toBe(prev);
        expect(link.hash).toBe(chainHash(prev, link.seq, link.event));
        prev = link.hash;
      }
      const state = await audit.chainState();
      expect(state.anchor).toStrictEqual({ seq: 0, hash: GENESIS_HASH, purged: 0 });
      expect(state.end).toStrictEqual({ seq: 3, hash: prev });
      expect(await audit.chain(2, 10)).toStrictEqual(chain.slice(2));
      expect(await audit.chain(0, 2)).toStrictEqual(chain.slice(0, 2));
    });

    it('never forks the chain when many appends run at once', async () => {
      const { audit } = handle.storage;
      await Promise.all(Array.from({ length: 40 }, (_, n) => audit.append(anEvent(n))));
      const chain = await audit.chain(0, 100);
      expect(chain.map((c) => c.seq)).toStrictEqual(Array.from({ length: 40 }, (_, n) => n + 1));
      const result = await verifyAuditChain(audit);
      expect(result).toMatchObject({ ok: true, checked: 40, firstSeq: 1, lastSeq: 40 });
    });

    it('purges the oldest events, anchors the chain at the last one, and the rest still verifies', async () => {
      const { audit } = handle.storage;
      for (let n = 1; n <= 10; n += 1) await audit.append(anEvent(n));
      const fifth = (await audit.chain(4, 1))[0];
      const result = await audit.purgeBefore(T0 + 5.5 * DAY, 100, NOW);
      expect(result).toStrictEqual({
        deleted: 5,
        anchor: { seq: 5, hash: fifth?.hash, purged: 5, movedAt: NOW },
      });
      expect((await audit.chain(0, 100)).map((c) => c.seq)).toStrictEqual([6, 7, 8, 9, 10]);
      expect((await audit.tail(100)).map((e) => e.id)).toStrictEqual(
        [6, 7, 8, 9, 10].map((n) => `aud_${n}`),
      );
      expect(await verifyAuditChain(audit)).toMatchObject({
        ok: true,
        checked: 5,
        firstSeq: 6,
        lastSeq: 10,
      });
      await audit.append(anEvent(11));
      expect(await verifyAuditChain(audit)).toMatchObject({ ok: true, checked: 6, lastSeq: 11 });
    });

    it('purges in batches of at most the limit, counting every purged event once', async () => {
      const { audit } = handle.storage;
      for (let n = 1; n <= 5; n += 1) await audit.append(anEvent(n));
      expect((await audit.purgeBefore(NOW, 2, NOW)).deleted).toBe(2);
      expect((await audit.purgeBefore(NOW, 2, NOW + 1)).anchor).toMatchObject({
        seq: 4,
        purged: 4,
        movedAt: NOW + 1,
      });
      const last = await audit.purgeBefore(NOW, 2, NOW + 2);
      expect(last.deleted).toBe(1);
      expect(last.anchor).toMatchObject({ seq: 5, purged: 5 });
      expect(await audit.chain(0, 10)).toStrictEqual([]);
      expect((await audit.purgeBefore(NOW, 2, NOW + 3)).deleted).toBe(0);
    });

    it('stops at the first event recorded at or after the cut-off, even if a later one is older', async () => {
      const { audit } = handle.storage;
      for (const [n, day] of [
        [1, 1],
        [2, 2],
        [3, 9],
        [4, 3],
      ] as const) {
        await audit.append(anEvent(n, T0 + day * DAY));
      }
      expect((await audit.purgeBefore(T0 + 5 * DAY, 100, NOW)).deleted).toBe(2);
      expect((await audit.chain(0, 10)).map((c) => c.seq)).toStrictEqual([3, 4]);
    });

    it('links the next event to the anchor when retention removed every event', async () => {
      const { audit } = handle.storage;
      for (let n = 1; n <= 3; n += 1) await audit.append(anEvent(n));
      const { anchor } = await audit.purgeBefore(NOW, 100, NOW);
      expect(await verifyAuditChain(audit)).toMatchObject({ ok: true, checked: 0 });
      await audit.append(anEvent(4));
      const [next] = await audit.chain(0, 10);
      expect(next?.seq).toBe(4);
      expect(next?.prevHash).toBe(anchor.hash);
      expect(await verifyAuditChain(audit)).toMatchObject({ ok: true, checked: 1, firstSeq: 4 });
    });

    it('checks a head recorded elsewhere, and names a head the chain no longer has', async () => {
      const { audit } = handle.storage;
      for (let n = 1; n <= 3; n += 1) await audit.append(anEvent(n));
      const { end } = await audit.chainState();
      expect(await verifyAuditChain(audit, end)).toMatchObject({ ok: true });
      expect(await verifyAuditChain(audit, { seq: 2, hash: end.hash })).toMatchObject({
        ok: false,
        seq: 2,
        problem: 'relinked',
      });
      expect(await verifyAuditChain(audit, { seq: 9, hash: end.hash })).toMatchObject({
        ok: false,
        seq: 9,
        problem: 'not_found',
      });
    });
  });
}
