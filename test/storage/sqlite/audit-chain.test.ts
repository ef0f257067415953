import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../src/audit/audit-chain.js';
import { verifyAuditChain } from '../../../src/audit/audit-verify.js';
import type { AuditEvent, Storage } from '../../../src/storage/ports.js';
import { applyMigrations, MIGRATIONS } from '../../../src/storage/sqlite/migrations.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { DAY, T0 } from '../contract/records.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

function anEvent(n: number): AuditEvent {
  return { id: `aud_${n}`, at: T0 + n * DAY, type: 'tool.called', outcome: 'success' };
}

/** Raw SQL on the file, as someone with write access to it (bypassing the adapter). */
function tamper(file: string, sql: string): void {
  const raw = new Database(file);
  try {
    raw.exec(sql);
  } finally {
    raw.close();
  }
}

const DROP_GUARDS = `
  DROP TRIGGER audit_events_no_update;
  DROP TRIGGER audit_events_no_delete;
  DROP TRIGGER audit_events_append_only;
`;

describe('SQLite audit chain (docs/security.md#audit-chain)', () => {
  let dir: TempDir;
  let file: string;
  let storage: Storage;

  beforeEach(async () => {
    dir = makeTempDir();
    file = dir.file('gateway.db');
    storage = openSqliteStorage({ path: file });
    for (let n = 1; n <= 5; n += 1) await storage.audit.append(anEvent(n));
  });

  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  describe('the schema refuses to rewrite history', () => {
    it('refuses an UPDATE of an event', () => {
      expect(() => {
        tamper(file, "UPDATE audit_events SET outcome = 'failure' WHERE seq = 2");
      }).toThrow('audit_events is append-only');
    });

    it('refuses a DELETE above the anchor', () => {
      expect(() => {
        tamper(file, 'DELETE FROM audit_events WHERE seq = 3');
      }).toThrow('audit_events is append-only');
    });

    it('refuses an INSERT at or below the head', () => {
      expect(() => {
        tamper(
          file,
          `INSERT INTO audit_events (seq, id, at, type, outcome)
           VALUES (3, 'aud_x', ${T0}, 'tool.called', 'success')`,
        );
      }).toThrow('audit_events is append-only');
    });

    it('refuses to move the anchor or the head backwards', () => {
      expect(() => {
        tamper(file, 'UPDATE audit_chain SET head_seq = 2');
      }).toThrow('audit_chain only moves forward');
    });
  });

  describe('audit verify finds what a tamperer did past the triggers', () => {
    it('verifies an intact chain', async () => {
      expect(await verifyAuditChain(storage.audit)).toMatchObject({
        ok: true,
        checked: 5,
        firstSeq: 1,
        lastSeq: 5,
      });
    });

    it('names the first altered event (an UPDATE with the triggers dropped)', async () => {
      tamper(file, `${DROP_GUARDS} UPDATE audit_events SET outcome = 'failure' WHERE seq = 3;`);
      expect(await verifyAuditChain(storage.audit)).toMatchObject({
        ok: false,
        seq: 3,
        problem: 'altered',
      });
    });

    it('names a removed middle event', async () => {
      tamper(file, `${DROP_GUARDS} DELETE FROM audit_events WHERE seq = 2;`);
      expect(await verifyAuditChain(storage.audit)).toMatchObject({
        ok: false,
        seq: 2,
        problem: 'missing',
      });
    });

    it('names the first reordered event (two events swapped)', async () => {
      tamper(
        file,
        `${DROP_GUARDS}
         UPDATE audit_events SET seq = -1 WHERE seq = 2;
         UPDATE audit_events SET seq = 2 WHERE seq = 4;
         UPDATE audit_events SET seq = 4 WHERE seq = -1;`,
      );
      expect(await verifyAuditChain(storage.audit)).toMatchObject({
        ok: false,
        seq: 2,
        problem: 'relinked',
      });
    });

    it('names removed newest events against the head kept apart', async () => {
      tamper(file, `${DROP_GUARDS} DELETE FROM audit_events WHERE seq >= 4;`);
      expect(await verifyAuditChain(storage.audit)).toMatchObject({
        ok: false,
        seq: 4,
        problem: 'truncated',
      });
    });

    it('names an event inserted past the head', async () => {
      const [last] = await storage.audit.chain(4, 1);
      tamper(
        file,
        `INSERT INTO audit_events (seq, id, at, type, outcome, prev_hash, hash)
         VALUES (6, 'aud_forged', ${T0}, 'tool.called', 'success', '${last?.hash ?? ''}', '${GENESIS_HASH}')`,
      );
      expect(await verifyAuditChain(storage.audit)).toMatchObject({ ok: false, seq: 6 });
    });
  });

  it('keeps one chain when two connections (two processes) append at once', async () => {
    const other = openSqliteStorage({ path: file });
    try {
      await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          (n % 2 === 0 ? storage : other).audit.append(anEvent(100 + n)),
        ),
      );
    } finally {
      await other.close();
    }
    expect(await verifyAuditChain(storage.audit)).toMatchObject({
      ok: true,
      checked: 35,
      lastSeq: 35,
    });
  });
});

describe('SQLite audit chain over a file from before it (migration 4)', () => {
  let dir: TempDir;

  beforeEach(() => {
    dir = makeTempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  it('anchors after the old events, chains new ones, and retention removes the old ones', async () => {
    const file = dir.file('old.db');
    const raw = new Database(file);
    applyMigrations(raw, MIGRATIONS.slice(0, 3));
    for (let n = 1; n <= 3; n += 1) {
      raw
        .prepare(
          `INSERT INTO audit_events (id, at, type, outcome) VALUES (?, ?, 'login', 'success')`,
        )
        .run(`aud_old_${n}`, T0 + n * DAY);
    }
    raw.close();

    const storage = openSqliteStorage({ path: file });
    try {
      const state = await storage.audit.chainState();
      expect(state.anchor).toStrictEqual({ seq: 3, hash: GENESIS_HASH, purged: 0 });
      await storage.audit.append(anEvent(10));
      expect((await storage.audit.chain(0, 10)).map((c) => c.seq)).toStrictEqual([4]);
      expect(await verifyAuditChain(storage.audit)).toMatchObject({ ok: true, checked: 1 });
      expect((await storage.audit.tail(10)).map((e) => e.id)).toStrictEqual([
        'aud_old_1',
        'aud_old_2',
        'aud_old_3',
        'aud_10',
      ]);
      const purged = await storage.audit.purgeBefore(T0 + 2.5 * DAY, 100, T0 + 20 * DAY);
      expect(purged.deleted).toBe(2);
      expect(purged.anchor.seq).toBe(3);
      expect((await storage.audit.tail(10)).map((e) => e.id)).toStrictEqual([
        'aud_old_3',
        'aud_10',
      ]);
      expect(await verifyAuditChain(storage.audit)).toMatchObject({ ok: true, checked: 1 });
    } finally {
      await storage.close();
    }
  });
});
