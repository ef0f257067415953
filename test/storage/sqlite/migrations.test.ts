import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  MIGRATIONS,
  SchemaTooNewError,
  type Migration,
} from '../../../src/storage/sqlite/migrations.js';
import { openSqliteDatabase } from '../../../src/storage/sqlite/open-sqlite-database.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { aUser } from '../contract/records.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

function userVersion(db: Database.Database): unknown {
  return db.pragma('user_version', { simple: true });
}

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], string>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all();
}

const STEP_A: Migration = { description: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' };
const STEP_B: Migration = { description: 'b', sql: 'CREATE TABLE b (y INTEGER) STRICT;' };
const BROKEN: Migration = {
  description: 'broken',
  sql: 'CREATE TABLE c (z INTEGER) STRICT; CREATE TABLE a (x INTEGER) STRICT;',
};

describe('SQLite migrations (PRAGMA user_version)', () => {
  let dir: TempDir;
  let raw: Database.Database | undefined;

  beforeEach(() => {
    dir = makeTempDir();
  });

  afterEach(() => {
    raw?.close();
    raw = undefined;
    dir.remove();
  });

  it('creates every table on a new file and records the newest version', () => {
    raw = openSqliteDatabase(dir.file('new.db'));
    expect(userVersion(raw)).toBe(MIGRATIONS.length);
    expect(tableNames(raw)).toStrictEqual([
      'audit_chain',
      'audit_events',
      'authorization_codes',
      'clients',
      'counters',
      'grants',
      'jira_link_states',
      'jira_links',
      'oidc_logins',
      'secrets',
      'sessions',
      'tokens',
      'users',
    ]);
  });

  it('applies nothing twice when an existing file is reopened, and keeps its data', async () => {
    const file = dir.file('existing.db');
    const storage = openSqliteStorage({ path: file });
    const user = aUser();
    await storage.users.create(user);
    await storage.close();

    const reopened = openSqliteStorage({ path: file });
    expect(await reopened.users.getById(user.id)).toStrictEqual(user);
    await reopened.close();

    raw = new Database(file);
    expect(userVersion(raw)).toBe(MIGRATIONS.length);
    expect(applyMigrations(raw)).toBe(0);
    expect(userVersion(raw)).toBe(MIGRATIONS.length);
  });

  it('applies only the steps a file has not seen yet', () => {
    raw = new Database(dir.file('steps.db'));
    expect(applyMigrations(raw, [STEP_A])).toBe(1);
    raw.prepare('INSERT INTO a (x) VALUES (42)').run();
    expect(applyMigrations(raw, [STEP_A, STEP_B])).toBe(1);
    expect(userVersion(raw)).toBe(2);
    expect(tableNames(raw)).toStrictEqual(['a', 'b']);
    expect(raw.prepare<[], number>('SELECT x FROM a').pluck().get()).toBe(42);
  });

  it('rolls a failing step back entirely, leaving the version at the last good step', () => {
    const db = new Database(dir.file('broken.db'));
    raw = db;
    expect(() => applyMigrations(db, [STEP_A, BROKEN])).toThrow(/migration 2 \(broken\) failed/);
    expect(userVersion(db)).toBe(1);
    expect(tableNames(db)).toStrictEqual(['a']);
  });

  it('refuses a file written by a newer version of the code, and leaves it untouched', () => {
    const file = dir.file('future.db');
    raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    raw = undefined;

    expect(() => openSqliteStorage({ path: file })).toThrow(SchemaTooNewError);

    raw = new Database(file);
    expect(userVersion(raw)).toBe(MIGRATIONS.length + 1);
    expect(tableNames(raw)).toStrictEqual([]);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
  });
});
