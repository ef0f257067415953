/**
 * Storage for oidc-provider in the benchmark, one of each kind the gateway
 * is measured with:
 * - memory: a Map per process. The package's own MemoryAdapter is an LRU
 *   capped at 1000 entries, which would evict the pre-minted pools (tens of
 *   thousands of tokens) before they are used, so this one has no cap;
 *   otherwise it follows the same rules (expiry on read, grant index).
 * - sqlite: one better-sqlite3 file with the gateway's connection settings
 *   (WAL, the same busy timeout, the same `synchronous` level), prepared
 *   statements, one row per model instance with its JSON payload, as
 *   oidc-provider's example database adapters do.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */
import Database from 'better-sqlite3';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import { BUSY_TIMEOUT_MS } from '../../src/storage/sqlite/open-sqlite-database.js';

const epochSeconds = (): number => Math.floor(Date.now() / 1000);

interface Entry {
  payload: AdapterPayload;
  /** Epoch ms, or undefined for no expiry. */
  expiresAt: number | undefined;
}

/** An unbounded in-memory adapter: one shared store for every model. */
export function memoryAdapter(): AdapterFactory {
  const entries = new Map<string, Entry>();
  const byGrant = new Map<string, Set<string>>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();

  return class MemoryAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    #read(key: string): AdapterPayload | undefined {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.payload;
    }

    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
      const key = this.#key(id);
      const expiresAt = expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000;
      entries.set(key, { payload, expiresAt });
      if (payload.grantId !== undefined) {
        const members = byGrant.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        byGrant.set(payload.grantId, members);
      }
      if (payload.uid !== undefined) byUid.set(payload.uid, id);
      if (payload.userCode !== undefined) byUserCode.set(payload.userCode, id);
      return Promise.resolve();
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve(this.#read(this.#key(id)));
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = byUid.get(uid);
      return this.find(id ?? '');
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = byUserCode.get(userCode);
      return this.find(id ?? '');
    }

    consume(id: string): Promise<void> {
      const payload = this.#read(this.#key(id));
      if (payload !== undefined) payload.consumed = epochSeconds();
      return Promise.resolve();
    }

    destroy(id: string): Promise<void> {
      entries.delete(this.#key(id));
      return Promise.resolve();
    }

    revokeByGrantId(grantId: string): Promise<void> {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
      return Promise.resolve();
    }
  };
}

interface Row {
  payload: string;
}

/** An adapter over one SQLite file, shared by every model. */
export function sqliteAdapter(file: string, synchronous: 'full' | 'normal'): AdapterFactory {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  // The level the gateway's connection runs with in the same run
  // (SQLITE_SYNCHRONOUS, `--sqlite-synchronous`).
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(`CREATE TABLE IF NOT EXISTS oidc_models (
    model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
    grant_id TEXT, uid TEXT, user_code TEXT, expires_at INTEGER,
    PRIMARY KEY (model, id))`);
  db.exec('CREATE INDEX IF NOT EXISTS oidc_models_grant ON oidc_models (grant_id)');
  db.exec('CREATE INDEX IF NOT EXISTS oidc_models_uid ON oidc_models (uid)');
  db.exec('CREATE INDEX IF NOT EXISTS oidc_models_user_code ON oidc_models (user_code)');
  const upsert = db.prepare(
    `INSERT INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at)
     VALUES (@model, @id, @payload, @grant_id, @uid, @user_code, @expires_at)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload,
       grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code,
       expires_at = excluded.expires_at`,
  );
  const live = '(expires_at IS NULL OR expires_at > @now)';
  const find = db.prepare<{ model: string; id: string; now: number }, Row>(
    `SELECT payload FROM oidc_models WHERE model = @model AND id = @id AND ${live}`,
  );
  const findByUid = db.prepare<{ model: string; uid: string; now: number }, Row>(
    `SELECT payload FROM oidc_models WHERE model = @model AND uid = @uid AND ${live}`,
  );
  const findByUserCode = db.prepare<{ model: string; code: string; now: number }, Row>(
    `SELECT payload FROM oidc_models WHERE model = @model AND user_code = @code AND ${live}`,
  );
  const consume = db.prepare<{ model: string; id: string; at: number }>(
    `UPDATE oidc_models SET payload = json_set(payload, '$.consumed', @at)
     WHERE model = @model AND id = @id`,
  );
  const destroy = db.prepare<{ model: string; id: string }>(
    'DELETE FROM oidc_models WHERE model = @model AND id = @id',
  );
  const revoke = db.prepare<{ grantId: string }>(
    'DELETE FROM oidc_models WHERE grant_id = @grantId',
  );
  const parse = (row: Row | undefined): AdapterPayload | undefined =>
    row === undefined ? undefined : (JSON.parse(row.payload) as AdapterPayload);

  return class SqliteAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
      upsert.run({
        model: this.#model,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: expiresIn === undefined ? null : Date.now() + expiresIn * 1000,
      });
      return Promise.resolve();
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve(parse(find.get({ model: this.#model, id, now: Date.now() })));
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve(parse(findByUid.get({ model: this.#model, uid, now: Date.now() })));
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve(
        parse(findByUserCode.get({ model: this.#model, code: userCode, now: Date.now() })),
      );
    }

    consume(id: string): Promise<void> {
      consume.run({ model: this.#model, id, at: epochSeconds() });
      return Promise.resolve();
    }

    destroy(id: string): Promise<void> {
      destroy.run({ model: this.#model, id });
      return Promise.resolve();
    }

    revokeByGrantId(grantId: string): Promise<void> {
      revoke.run({ grantId });
      return Promise.resolve();
    }
  };
}
