import type { Pool } from 'pg';
import { CLIENT_DELETED_REASON, type ClientRecord, type ClientRepository } from '../ports.js';
import { changes, conflictOr, inTransaction, rows } from './postgres-client.js';
import { CLIENT_COLUMNS, type ClientRow, toClient } from '../sql-rows/client-row.js';

/**
 * Registered clients. Only the SHA-256 of a client secret is stored.
 * @see RFC 7591 §3.2.1
 */
export class PostgresClientRepository implements ClientRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async create(client: ClientRecord): Promise<void> {
    try {
      await this.#pool.query(
        `INSERT INTO clients (${CLIENT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          client.clientId,
          client.kind,
          client.secretHash ?? null,
          client.secretExpiresAt ?? null,
          client.clientName ?? null,
          JSON.stringify(client.redirectUris),
          JSON.stringify(client.grantTypes),
          JSON.stringify(client.responseTypes),
          client.tokenEndpointAuthMethod,
          client.scope ?? null,
          client.clientUri ?? null,
          client.logoUri ?? null,
          client.source,
          client.createdAt,
        ],
      );
    } catch (error) {
      conflictOr(error, 'client id taken');
    }
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const [row] = await rows<ClientRow>(
      this.#pool,
      `SELECT ${CLIENT_COLUMNS} FROM clients WHERE client_id = $1`,
      [clientId],
    );
    return row === undefined ? undefined : toClient(row);
  }

  async list(): Promise<ClientRecord[]> {
    return (
      await rows<ClientRow>(
        this.#pool,
        `SELECT ${CLIENT_COLUMNS} FROM clients ORDER BY created_at, client_id COLLATE "C"`,
      )
    ).map(toClient);
  }

  /**
   * Deletes the client and revokes its unrevoked grants in one transaction;
   * grants already revoked keep their first reason.
   * @see RFC 7592 §2.3
   */
  delete(clientId: string, now: number): Promise<boolean> {
    return inTransaction(this.#pool, async (tx) => {
      if ((await changes(tx, 'DELETE FROM clients WHERE client_id = $1', [clientId])) === 0) {
        return false;
      }
      await tx.query(
        `UPDATE grants SET revoked_at = $2, revoked_reason = $3
         WHERE client_id = $1 AND revoked_at IS NULL`,
        [clientId, now, CLIENT_DELETED_REASON],
      );
      return true;
    });
  }
}
