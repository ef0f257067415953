import type Database from 'better-sqlite3';
import type { SecretRecord, SecretRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

interface SecretRow {
  name: string;
  ciphertext: Uint8Array;
  updated_at: number;
}

/**
 * Envelope-encrypted secrets as opaque BLOBs; this layer never sees plaintext.
 * @see docs/storage-schema.md#secrets
 */
export class SqliteSecretRepository implements SecretRepository {
  readonly #upsert;
  readonly #get;
  readonly #delete;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#upsert = db.prepare<[SecretRow]>(
      `INSERT INTO secrets (name, ciphertext, updated_at) VALUES (@name, @ciphertext, @updated_at)
       ON CONFLICT (name) DO UPDATE
         SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
    );
    this.#get = db.prepare<[string], SecretRow>(
      'SELECT name, ciphertext, updated_at FROM secrets WHERE name = ?',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM secrets WHERE name = ?');
  }

  put(secret: SecretRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#upsert.run({
        name: secret.name,
        ciphertext: secret.ciphertext,
        updated_at: secret.updatedAt,
      });
    });
  }

  get(name: string): Promise<SecretRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(name);
      if (row === undefined) {
        return undefined;
      }
      // A plain copy, so callers never hold a Buffer tied to the driver.
      return {
        name: row.name,
        ciphertext: Uint8Array.from(row.ciphertext),
        updatedAt: row.updated_at,
      };
    });
  }

  delete(name: string): Promise<boolean> {
    return this.#writer.write(() => this.#delete.run(name).changes > 0);
  }
}
