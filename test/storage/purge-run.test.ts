import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { ManualClock } from '../../src/clock.js';
import { runPurge } from '../../src/entry/purge-runner.js';
import type { Storage } from '../../src/storage/ports.js';
import { purgeStorage } from '../../src/storage/purge.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { aClient, aCode, aGrant, aSession, aToken, DAY, HOUR, T0 } from './contract/records.js';
import { startLocalDynamoDb, type LocalDynamoDb } from './dynamodb/local-dynamodb.js';
import { makeTempDir } from './sqlite/temp-dir.js';

const SETTINGS = { unusedClientTtlSeconds: 7 * 24 * 3600, auditRetentionDays: 365 };

interface Opened {
  storage: Storage;
  cleanup(): Promise<void>;
}

let dynamo: LocalDynamoDb | undefined;
beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
});
afterAll(async () => {
  await dynamo?.close();
});

const ADAPTERS: [string, () => Promise<Opened>][] = [
  [
    'SQLite file',
    () => {
      const dir = makeTempDir();
      const storage = openSqliteStorage({ path: dir.file('gateway.db') });
      return Promise.resolve({
        storage,
        cleanup: async () => {
          await storage.close();
          dir.remove();
        },
      });
    },
  ],
  [
    'dynalite',
    async () => {
      if (dynamo === undefined) throw new Error('dynalite is not running');
      return dynamo.openStorage();
    },
  ],
];

describe.each(ADAPTERS)('purge run (runPurge, src/entry/purge-runner.ts): %s', (_name, open) => {
  let opened: Opened;
  let clock: ManualClock;
  let audit: AuditLog;

  beforeEach(async () => {
    opened = await open();
    clock = new ManualClock(T0);
    audit = new AuditLog(opened.storage.audit, clock, () => undefined);
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  it('removes audit events past retention and says so in the trail, which still verifies', async () => {
    const { storage } = opened;
    for (let n = 1; n <= 3; n += 1) {
      clock.advance(DAY);
      await audit.record({ type: AUDIT_EVENT.loginSucceeded, outcome: 'success' });
    }
    await storage.clients.create(aClient({ createdAt: T0 }));
    await storage.grants.create(aGrant({ expiresAt: T0 + DAY }));
    clock.advance(400 * DAY);
    const report = await runPurge({ storage, audit, clock, settings: SETTINGS, origin: 'cli' });
    expect(report.auditEvents).toBe(3);
    expect(report.deleted).toMatchObject({ grants: 1, clients: 1 });
    expect(report.auditAnchor).toMatchObject({ seq: 3, purged: 3, movedAt: clock.now() });
    const trail = await storage.audit.tail(10);
    expect(trail.map((e) => [e.type, e.ip, e.detail])).toStrictEqual([
      [
        AUDIT_EVENT.auditPurged,
        'cli',
        {
          events: 3,
          throughSeq: 3,
          before: new Date(clock.now() - 365 * DAY).toISOString(),
          retentionDays: 365,
        },
      ],
      [
        AUDIT_EVENT.purgeCompleted,
        'cli',
        { codes: 0, accessAndRefresh: 0, sessions: 0, counters: 0, grants: 1, clients: 1 },
      ],
    ]);
    expect(await verifyAuditChain(storage.audit)).toMatchObject({
      ok: true,
      checked: 2,
      firstSeq: 4,
    });
  });

  it('keeps audit events forever with AUDIT_RETENTION_DAYS=0 and records nothing when nothing went', async () => {
    const { storage } = opened;
    await audit.record({ type: AUDIT_EVENT.loginSucceeded, outcome: 'success' });
    clock.advance(4000 * DAY);
    const report = await runPurge({
      storage,
      audit,
      clock,
      settings: { ...SETTINGS, auditRetentionDays: 0 },
      origin: 'server',
    });
    expect(report.auditEvents).toBe(0);
    expect(report.auditBefore).toBeUndefined();
    expect((await storage.audit.tail(10)).map((e) => e.type)).toStrictEqual([
      AUDIT_EVENT.loginSucceeded,
    ]);
  });
});

describe('purge of expired records on a SQLite file (no TTL there)', () => {
  it('keeps an expired rotated refresh token while a token issued from it lives', async () => {
    const dir = makeTempDir();
    const storage = openSqliteStorage({ path: dir.file('gateway.db') });
    try {
      const now = T0 + 10 * DAY;
      const grant = aGrant({ expiresAt: now + 80 * DAY });
      await storage.grants.create(grant);
      const parent = aToken(grant, { kind: 'refresh', expiresAt: T0 + HOUR, rotatedAt: T0 });
      const chosen = aToken(grant, { kind: 'refresh', parentHash: parent.tokenHash });
      const sibling = aToken(grant, { kind: 'refresh', parentHash: parent.tokenHash });
      await storage.tokens.save([
        { ...parent, successorHash: chosen.tokenHash },
        { ...chosen, expiresAt: now + DAY },
        { ...sibling, expiresAt: now + DAY },
      ]);
      const report = await purgeStorage(storage, now, SETTINGS);
      expect(report.deleted.tokens).toBe(0);
      // Without its parent the dead sibling would look active again.
      expect(await storage.tokens.findActive(sibling.tokenHash, 'refresh', now)).toBeUndefined();
      const later = await purgeStorage(storage, now + 3 * DAY, SETTINGS);
      expect(later.deleted.tokens).toBe(3);
    } finally {
      await storage.close();
      dir.remove();
    }
  });

  it('deletes expired codes, tokens, sessions and counters past their grace, and keeps the rest', async () => {
    const dir = makeTempDir();
    const storage = openSqliteStorage({ path: dir.file('gateway.db') });
    try {
      const now = T0 + 10 * DAY;
      const oldCode = aCode({ expiresAt: T0 });
      const recentCode = aCode({ createdAt: now - 2 * HOUR, expiresAt: now - HOUR });
      await storage.codes.save(oldCode);
      await storage.codes.save(recentCode);
      await storage.codes.consume(recentCode.codeHash, now - 2 * HOUR);
      const grant = aGrant({ expiresAt: now + 80 * DAY });
      await storage.grants.create(grant);
      const oldToken = aToken(grant, { expiresAt: T0 + HOUR });
      const liveToken = aToken(grant, { expiresAt: now + HOUR });
      await storage.tokens.save([oldToken, liveToken]);
      const oldSession = aSession({ expiresAt: now - 1 });
      const liveSession = aSession({ expiresAt: now + HOUR });
      await storage.sessions.create(oldSession);
      await storage.sessions.create(liveSession);
      await storage.counters.increment('old', T0, T0 + HOUR);
      await storage.counters.increment('live', now, now + HOUR);

      const report = await purgeStorage(storage, now, SETTINGS, 1);
      expect(report.deleted).toStrictEqual({
        codes: 1,
        tokens: 1,
        sessions: 1,
        counters: 1,
        grants: 0,
        clients: 0,
      });
      expect(await storage.codes.consume(oldCode.codeHash, now)).toStrictEqual({
        status: 'not_found',
      });
      // Still within a day of its expiry: a replay is still recognised as one.
      expect((await storage.codes.consume(recentCode.codeHash, now)).status).toBe('replayed');
      expect(await storage.tokens.get(oldToken.tokenHash)).toBeUndefined();
      expect(await storage.tokens.get(liveToken.tokenHash)).toStrictEqual(liveToken);
      expect(await storage.sessions.get(liveSession.idHash, now)).toStrictEqual(liveSession);
      expect(await storage.counters.get('live', now)).toMatchObject({ count: 1 });
    } finally {
      await storage.close();
      dir.remove();
    }
  });
});
