import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import { SYSTEM_CLOCK } from '../../src/clock.js';
import { startPeriodicPurge, type PeriodicPurge } from '../../src/entry/purge-runner.js';
import { createLogger } from '../../src/http/logger.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { aSession } from '../storage/contract/records.js';
import { makeTempDir, type TempDir } from '../storage/sqlite/temp-dir.js';

describe('periodic purge in the server (PURGE_INTERVAL_SECONDS)', () => {
  let dir: TempDir;
  let storage: Storage;
  let purge: PeriodicPurge | undefined;

  beforeEach(() => {
    dir = makeTempDir();
    storage = openSqliteStorage({ path: dir.file('gateway.db') });
  });

  afterEach(async () => {
    await purge?.stop();
    await storage.close();
    dir.remove();
  });

  it('purges on its interval and logs the audit chain head (kept apart from the store)', async () => {
    const expired = aSession({
      createdAt: Date.now() - 7200_000,
      expiresAt: Date.now() - 3600_000,
    });
    await storage.sessions.create(expired);
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', (line) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const audit = new AuditLog(storage.audit, SYSTEM_CLOCK, () => undefined);
    purge = startPeriodicPurge(
      {
        storage,
        audit,
        clock: SYSTEM_CLOCK,
        settings: { unusedClientTtlSeconds: 0, auditRetentionDays: 365 },
      },
      1,
      logger,
    );
    // A hang guard, not a timing assertion: the first run is due after one second.
    for (let waited = 0; !lines.some((l) => l.msg === 'purge') && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const line = lines.find((l) => l.msg === 'purge');
    const { end } = await storage.audit.chainState();
    expect(line).toMatchObject({
      level: 'info',
      sessions: 1,
      auditEvents: 0,
      auditHeadSeq: end.seq,
      auditHeadHash: end.hash,
    });
    expect(end.seq).toBe(1);
    expect((await storage.audit.tail(1))[0]).toMatchObject({
      type: 'purge.completed',
      ip: 'server',
      detail: { sessions: 1 },
    });
  });
});
