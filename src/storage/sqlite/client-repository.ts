import { CLIENT_DELETED_REASON } from '../ports.js';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { ClientRecord, ClientRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

interface ClientRow {
  client_id: string;
  kind: string;
  secret_hash: string | null;
  secret_expires_at: number | null;
  client_name: string | null;
  redirect_uris: string;
  grant_types: string;
  response_types: string;
  token_endpoint_auth_method: string;
  scope: string | null;
  client_uri: string | null;
  logo_uri: string | null;
  source: string;
  created_at: number;
}

const COLUMNS = `client_id, kind, secret_hash, secret_expires_at, client_name, redirect_uris,
  grant_types, response_types, token_endpoint_auth_method, scope, client_uri, logo_uri, source,
  created_at`;

const stringList = z.array(z.string());
const kind = z.enum(['oauth', 'resource_server']);
const authMethod = z.enum(['none', 'client_secret_basic', 'client_secret_post']);
const source = z.enum(['dcr', 'cli', 'cimd']);

function parseList(json: string): string[] {
  return stringList.parse(JSON.parse(json));
}

function toClient(row: ClientRow): ClientRecord {
  const client: ClientRecord = {
    clientId: row.client_id,
    kind: kind.parse(row.kind),
    redirectUris: parseList(row.redirect_uris),
    grantTypes: parseList(row.grant_types),
    responseTypes: parseList(row.response_types),
    tokenEndpointAuthMethod: authMethod.parse(row.token_endpoint_auth_method),
    source: source.parse(row.source),
    createdAt: row.created_at,
  };
  // exactOptionalPropertyTypes: an absent column is an absent property, not `undefined`.
  if (row.secret_hash !== null) client.secretHash = row.secret_hash;
  if (row.secret_expires_at !== null) client.secretExpiresAt = row.secret_expires_at;
  if (row.client_name !== null) client.clientName = row.client_name;
  if (row.scope !== null) client.scope = row.scope;
  if (row.client_uri !== null) client.clientUri = row.client_uri;
  if (row.logo_uri !== null) client.logoUri = row.logo_uri;
  return client;
}

function toRow(client: ClientRecord): ClientRow {
  return {
    client_id: client.clientId,
    kind: client.kind,
    secret_hash: client.secretHash ?? null,
    secret_expires_at: client.secretExpiresAt ?? null,
    client_name: client.clientName ?? null,
    redirect_uris: JSON.stringify(client.redirectUris),
    grant_types: JSON.stringify(client.grantTypes),
    response_types: JSON.stringify(client.responseTypes),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scope ?? null,
    client_uri: client.clientUri ?? null,
    logo_uri: client.logoUri ?? null,
    source: client.source,
    created_at: client.createdAt,
  };
}

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
      `INSERT INTO clients (${COLUMNS})
       VALUES (@client_id, @kind, @secret_hash, @secret_expires_at, @client_name, @redirect_uris,
         @grant_types, @response_types, @token_endpoint_auth_method, @scope, @client_uri,
         @logo_uri, @source, @created_at)`,
    );
    this.#get = db.prepare<[string], ClientRow>(
      `SELECT ${COLUMNS} FROM clients WHERE client_id = ?`,
    );
    this.#all = db.prepare<[], ClientRow>(
      `SELECT ${COLUMNS} FROM clients ORDER BY created_at, client_id`,
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
      this.#insert.run(toRow(client));
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
