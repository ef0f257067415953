import type { Pool } from 'pg';
import type { SecretRecord, SecretRepository } from '../ports.js';
import { changes, rows } from './postgres-client.js';

/**
 * Envelope-encrypted secrets as opaque BYTEA; this layer never sees plaintext.
 * @see docs/storage-schema.md#postgresql
 */
export class PostgresSecretRepository implements SecretRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async put(secret: SecretRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO secrets (name, ciphertext, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE
         SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      // A Buffer over exactly the view's bytes: pg sends Buffers as bytea.
      [
        secret.name,
        Buffer.from(
          secret.ciphertext.buffer,
          secret.ciphertext.byteOffset,
          secret.ciphertext.byteLength,
        ),
        secret.updatedAt,
      ],
    );
  }

  async get(name: string): Promise<SecretRecord | undefined> {
    const [row] = await rows<{ name: string; ciphertext: Buffer; updated_at: number }>(
      this.#pool,
      'SELECT name, ciphertext, updated_at FROM secrets WHERE name = $1',
      [name],
    );
    if (row === undefined) return undefined;
    // A plain copy, so callers never hold a Buffer tied to the driver.
    return {
      name: row.name,
      ciphertext: Uint8Array.from(row.ciphertext),
      updatedAt: row.updated_at,
    };
  }

  async delete(name: string): Promise<boolean> {
    return (await changes(this.#pool, 'DELETE FROM secrets WHERE name = $1', [name])) > 0;
  }
}
