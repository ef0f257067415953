import { CLIENT_DELETED_REASON } from '../ports.js';
import type Database from 'better-sqlite3';
import type { ClientRecord, ClientRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';
import { CLIENT_COLUMNS, type ClientRow, toClient, toClientRow } from '../sql-rows/client-row.js';

/**
 * Registered clients. Only the SHA-256 of a client secret is stored.
 * @see RFC 7591 §3.2.1
 */
export class SqliteClientRepository implements ClientRepository {
  readonly #insert;
  readonly #get;
  readonly #all;
  readonly #delete;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[ClientRow]>(
      `INSERT INTO clients (${CLIENT_COLUMNS})
       VALUES (@client_id, @kind, @secret_hash, @secret_expires_at, @client_name, @redirect_uris,
         @grant_types, @response_types, @token_endpoint_auth_method, @scope, @client_uri,
         @logo_uri, @source, @created_at)`,
    );
    this.#get = db.prepare<[string], ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM clients WHERE client_id = ?`,
    );
    this.#all = db.prepare<[], ClientRow>(
      `SELECT ${CLIENT_COLUMNS} FROM clients ORDER BY created_at, client_id`,
    );
    const deleteClient = db.prepare<[string]>('DELETE FROM clients WHERE client_id = ?');
    const revokeGrants = db.prepare<[{ client_id: string; now: number; reason: string }]>(
      `UPDATE grants SET revoked_at = @now, revoked_reason = @reason
       WHERE client_id = @client_id AND revoked_at IS NULL`,
    );
    // One transaction: a deleted client must never leave a usable grant behind.
    this.#delete = db.transaction((clientId: string, now: number): boolean => {
      if (deleteClient.run(clientId).changes === 0) {
        return false;
      }
      revokeGrants.run({ client_id: clientId, now, reason: CLIENT_DELETED_REASON });
      return true;
    });
  }

  create(client: ClientRecord): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run(toClientRow(client));
    });
  }

  get(clientId: string): Promise<ClientRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(clientId);
      return row === undefined ? undefined : toClient(row);
    });
  }

  list(): Promise<ClientRecord[]> {
    return sqliteCall(() => this.#all.all().map(toClient));
  }

  /**
   * Deletes the client and revokes its unrevoked grants in one transaction;
   * grants already revoked keep their first reason.
   * @see RFC 7592 §2.3
   */
  delete(clientId: string, now: number): Promise<boolean> {
    return this.#writer.write(() => this.#delete.immediate(clientId, now));
  }
}
