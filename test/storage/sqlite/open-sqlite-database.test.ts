import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../../../src/oauth/scopes.js';
import type { Storage } from '../../../src/storage/ports.js';
import {
  BUSY_TIMEOUT_MS,
  openSqliteDatabase,
} from '../../../src/storage/sqlite/open-sqlite-database.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { aGrant, aToken, T0 } from '../contract/records.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

describe('SQLite connection settings (sqlite.org/wal.html, /foreignkeys.html)', () => {
  let dir: TempDir;
  let db: Database.Database;

  beforeEach(() => {
    dir = makeTempDir();
    db = openSqliteDatabase(dir.file('nested/dir/gateway.db'));
  });

  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('opens in WAL mode with foreign keys enforced and a busy timeout', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
  });

  it('syncs every commit (synchronous = FULL) by default, also on a file already in WAL mode', () => {
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // The file exists and is in WAL mode now: SQLite's own default would differ.
    const again = openSqliteDatabase(dir.file('nested/dir/gateway.db'));
    expect(again.pragma('synchronous', { simple: true })).toBe(2);
    again.close();
  });

  it('syncs at checkpoints only (synchronous = NORMAL) when asked', () => {
    const normal = openSqliteDatabase(dir.file('nested/dir/gateway.db'), 'normal');
    expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    normal.close();
  });

  it('creates the file and its directory readable by the owner only', () => {
    expect(statSync(dir.file('nested/dir/gateway.db')).mode & 0o777).toBe(0o600);
    expect(statSync(dir.file('nested/dir')).mode & 0o777).toBe(0o700);
  });
});

describe('SQLite storage layout (docs/storage-schema.md)', () => {
  let dir: TempDir;
  let storage: Storage;
  let raw: Database.Database;

  beforeEach(() => {
    dir = makeTempDir();
    storage = openSqliteStorage({ path: dir.file('gateway.db') });
    raw = new Database(dir.file('gateway.db'));
  });

  afterEach(async () => {
    raw.close();
    await storage.close();
    dir.remove();
  });

  it('refuses a token whose grant does not exist (foreign key)', async () => {
    await expect(storage.tokens.save([aToken(aGrant())])).rejects.toThrow(/FOREIGN KEY/);
  });

  it('stores all tokens of one save or none', async () => {
    const grant = aGrant();
    await storage.grants.create(grant);
    const kept = aToken(grant);
    await storage.tokens.save([kept]);
    const fresh = aToken(grant);
    await expect(
      storage.tokens.save([fresh, aToken(grant, { tokenHash: kept.tokenHash })]),
    ).rejects.toThrow();
    expect(await storage.tokens.get(fresh.tokenHash)).toBeUndefined();
  });

  it('keeps the audit trail append-only: the database refuses UPDATE and DELETE', async () => {
    await storage.audit.append({ id: 'aud_1', at: T0, type: 'token.issued', outcome: 'success' });
    expect(() => raw.prepare("UPDATE audit_events SET outcome = 'failure'").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(await storage.audit.tail(1)).toStrictEqual([
      { id: 'aud_1', at: T0, type: 'token.issued', outcome: 'success' },
    ]);
  });

  it('orders audit events of the same millisecond by insertion', async () => {
    for (const id of ['aud_b', 'aud_a', 'aud_c']) {
      await storage.audit.append({ id, at: T0, type: 'tool.called', outcome: 'success' });
    }
    expect((await storage.audit.tail(3)).map((e) => e.id)).toStrictEqual([
      'aud_b',
      'aud_a',
      'aud_c',
    ]);
  });

  it('stores scopes as the canonical space-separated string', async () => {
    const grant = aGrant({ scopes: [SCOPES.write, SCOPES.read] });
    await storage.grants.create(grant);
    await storage.tokens.save([aToken(grant, { scopes: [SCOPES.read] })]);
    expect(raw.prepare('SELECT scopes FROM grants').pluck().get()).toBe('jira:read jira:write');
    expect(raw.prepare('SELECT scopes FROM tokens').pluck().get()).toBe('jira:read');
  });

  it('stores secrets as BLOBs', async () => {
    await storage.secrets.put({ name: 'k', ciphertext: Uint8Array.from([0, 255]), updatedAt: T0 });
    expect(raw.prepare('SELECT typeof(ciphertext) FROM secrets').pluck().get()).toBe('blob');
  });

  it('closes idempotently', async () => {
    await storage.close();
    await expect(storage.close()).resolves.toBeUndefined();
  });
});
