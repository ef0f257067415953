import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/storage/ports.js';
import { BatchRolledBackError, GroupCommit } from '../../../src/storage/sqlite/group-commit.js';
import { openSqliteDatabase } from '../../../src/storage/sqlite/open-sqlite-database.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { aGrant } from '../contract/records.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

/** Resolves after the current turn of the event loop (after its setImmediate callbacks). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('GroupCommit', () => {
  let dir: TempDir;
  let db: Database.Database;
  let observer: Database.Database;
  let writer: GroupCommit;

  const insert = (key: string) => () =>
    db.prepare('INSERT INTO items (key, parent) VALUES (?, NULL)').run(key).changes;
  const committedKeys = (): string[] =>
    observer
      .prepare<[], { key: string }>('SELECT key FROM items ORDER BY key')
      .all()
      .map((r) => r.key);

  beforeEach(() => {
    dir = makeTempDir();
    db = new Database(dir.file('batch.db'));
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE items (
      key TEXT PRIMARY KEY,
      parent TEXT REFERENCES items (key) DEFERRABLE INITIALLY DEFERRED
    )`);
    db.pragma('foreign_keys = ON');
    // A second connection sees only what has been committed.
    observer = new Database(dir.file('batch.db'), { readonly: true });
    writer = new GroupCommit(db);
  });

  afterEach(() => {
    writer.flush();
    observer.close();
    db.close();
    dir.remove();
  });

  it('commits the writes of one turn in one transaction, and settles each only after the commit', async () => {
    const seenAtSettle: string[][] = [];
    const writes = ['a', 'b', 'c'].map((key) =>
      writer.write(insert(key)).then((changes) => {
        seenAtSettle.push(committedKeys());
        return changes;
      }),
    );
    // Nothing runs before the turn ends, and no transaction is held meanwhile.
    expect(db.inTransaction).toBe(false);
    expect(committedKeys()).toStrictEqual([]);
    expect(await Promise.all(writes)).toStrictEqual([1, 1, 1]);
    // Each write settled with all three committed: one transaction, committed first.
    expect(seenAtSettle).toStrictEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('runs the writes of a turn in the order they were asked for', async () => {
    const order: string[] = [];
    await Promise.all(
      ['x', 'y', 'z'].map((key) =>
        writer.write(() => {
          order.push(key);
          return insert(key)();
        }),
      ),
    );
    expect(order).toStrictEqual(['x', 'y', 'z']);
  });

  it('rejects only the write that failed; the rest of its batch commits', async () => {
    await writer.write(insert('taken'));
    const results = await Promise.allSettled([
      writer.write(insert('x')),
      writer.write(insert('taken')),
      writer.write(insert('y')),
    ]);
    expect(results.map((r) => r.status)).toStrictEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(committedKeys()).toStrictEqual(['taken', 'x', 'y']);
  });

  it('rejects every write of a batch whose COMMIT fails, and keeps none of them', async () => {
    const results = await Promise.allSettled([
      writer.write(insert('kept-not')),
      // A deferred foreign key is checked at COMMIT: this makes the commit fail.
      writer.write(() => db.prepare("INSERT INTO items VALUES ('orphan', 'nobody')").run()),
    ]);
    expect(results.map((r) => r.status)).toStrictEqual(['rejected', 'rejected']);
    for (const result of results) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(BatchRolledBackError);
    }
    expect(db.inTransaction).toBe(false);
    expect(committedKeys()).toStrictEqual([]);
    // The next write starts a fresh batch.
    await writer.write(insert('after'));
    expect(committedKeys()).toStrictEqual(['after']);
  });

  it('rejects the whole batch when SQLite abandons the transaction mid-batch', async () => {
    const first = writer.write(insert('lost'));
    const abandoning = writer.write(() => {
      db.exec('ROLLBACK'); // what SQLite does itself on SQLITE_FULL or an I/O error
      throw new Error('disk I/O error');
    });
    const notRun = writer.write(insert('not-run'));
    await expect(first).rejects.toBeInstanceOf(BatchRolledBackError);
    await expect(abandoning).rejects.toThrow('disk I/O error');
    await expect(notRun).rejects.toBeInstanceOf(BatchRolledBackError);
    await nextTurn();
    expect(committedKeys()).toStrictEqual([]);
    await writer.write(insert('next'));
    expect(committedKeys()).toStrictEqual(['next']);
  });

  it('rejects every write of a batch when BEGIN fails, and runs none of them', async () => {
    // Another connection holds the write lock past the busy timeout (0 here).
    db.pragma('busy_timeout = 0');
    const holder = new Database(dir.file('batch.db'));
    holder.exec('BEGIN IMMEDIATE');
    const ran: string[] = [];
    const results = await Promise.allSettled([
      writer.write(() => ran.push('a')),
      writer.write(() => ran.push('b')),
    ]);
    holder.exec('ROLLBACK');
    holder.close();
    expect(results.map((r) => r.status)).toStrictEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    expect(ran).toStrictEqual([]);
    await writer.write(insert('later'));
    expect(committedKeys()).toStrictEqual(['later']);
  });

  it('never commits a transaction it finds left open; it rolls it back first', async () => {
    // What a failed COMMIT whose ROLLBACK also failed would leave behind.
    db.exec('BEGIN');
    db.prepare("INSERT INTO items VALUES ('rejected-before', NULL)").run();
    await writer.write(insert('fresh'));
    expect(committedKeys()).toStrictEqual(['fresh']);
  });

  it('notices a transaction that ended under a work that did not throw', async () => {
    const first = writer.write(insert('lost'));
    const swallowing = writer.write(() => {
      db.exec('ROLLBACK'); // an abandoning SQLite error, caught and ignored by the work
      return 0;
    });
    const notRun = writer.write(insert('not-run'));
    for (const write of [first, swallowing, notRun]) {
      await expect(write).rejects.toBeInstanceOf(BatchRolledBackError);
    }
    expect(committedKeys()).toStrictEqual([]);
  });

  it('ignores flush() from inside a batch; writes queued by a work run in the next batch', async () => {
    let nested: Promise<number> | undefined;
    const results = await Promise.all([
      writer.write(insert('a')),
      writer.write(() => {
        nested = writer.write(insert('nested'));
        writer.flush();
        return insert('b')();
      }),
      writer.write(insert('c')),
    ]);
    expect(results).toStrictEqual([1, 1, 1]);
    expect(committedKeys()).toStrictEqual(['a', 'b', 'c']);
    expect(await nested).toBe(1);
    expect(committedKeys()).toStrictEqual(['a', 'b', 'c', 'nested']);
  });

  it('commits on flush() without waiting for the turn to end', () => {
    void writer.write(insert('now'));
    writer.flush();
    expect(committedKeys()).toStrictEqual(['now']);
  });

  it('lets multi-statement work roll back to its savepoint inside the batch', async () => {
    const both = db.transaction(() => {
      db.prepare("INSERT INTO items VALUES ('half', NULL)").run();
      db.prepare("INSERT INTO items VALUES ('half', NULL)").run();
    });
    const results = await Promise.allSettled([
      writer.write(insert('kept')),
      writer.write(() => {
        both.immediate();
      }),
    ]);
    expect(results.map((r) => r.status)).toStrictEqual(['fulfilled', 'rejected']);
    expect(committedKeys()).toStrictEqual(['kept']);
  });
});

describe('GroupCommit across connections of one process', () => {
  let dir: TempDir;

  beforeEach(() => {
    dir = makeTempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  it('lets two connections of one process write in the same turn without waiting on each other', async () => {
    const first = openSqliteStorage({ path: dir.file('shared.db') });
    const second = openSqliteStorage({ path: dir.file('shared.db') });
    const a = aGrant();
    const b = aGrant();
    // A batch holds the write lock only while it runs, never across turns, so
    // the second connection never waits for a lock only this thread could release.
    await Promise.all([first.grants.create(a), second.grants.create(b)]);
    expect(await second.grants.get(a.id)).toStrictEqual(a);
    expect(await first.grants.get(b.id)).toStrictEqual(b);
    await first.close();
    await second.close();
  });

  it('opens (and migrates) a file while another connection of the process has writes queued', async () => {
    const first = openSqliteStorage({ path: dir.file('open.db') });
    const grant = aGrant();
    const pending = first.grants.create(grant);
    const db = openSqliteDatabase(dir.file('open.db'));
    // Queued, not yet run: nothing uncommitted is ever visible.
    expect(db.prepare('SELECT id FROM grants').all()).toStrictEqual([]);
    await pending;
    expect(db.prepare('SELECT id FROM grants').all()).toStrictEqual([{ id: grant.id }]);
    db.close();
    await first.close();
  });

  it('refuses a write after the storage closed', async () => {
    const storage = openSqliteStorage({ path: dir.file('closed.db') });
    await storage.close();
    await expect(storage.grants.create(aGrant())).rejects.toThrow(/not open/);
  });

  it('keeps a write that was not awaited when the storage closes', async () => {
    const storage = openSqliteStorage({ path: dir.file('close.db') });
    const grant = aGrant();
    const pending = storage.grants.create(grant);
    await storage.close();
    await pending;
    const reopened = openSqliteStorage({ path: dir.file('close.db') });
    expect(await reopened.grants.get(grant.id)).toStrictEqual(grant);
    await reopened.close();
  });
});
