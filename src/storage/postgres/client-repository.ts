import type { Pool } from 'pg';
import { z } from 'zod';
import { CLIENT_DELETED_REASON, type ClientRecord, type ClientRepository } from '../ports.js';
import { changes, conflictOr, inTransaction, rows } from './postgres-client.js';

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
  if (row.secret_hash !== null) client.secretHash = row.secret_hash;
  if (row.secret_expires_at !== null) client.secretExpiresAt = row.secret_expires_at;
  if (row.client_name !== null) client.clientName = row.client_name;
  if (row.scope !== null) client.scope = row.scope;
  if (row.client_uri !== null) client.clientUri = row.client_uri;
  if (row.logo_uri !== null) client.logoUri = row.logo_uri;
  return client;
}

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
        `INSERT INTO clients (${COLUMNS})
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
      `SELECT ${COLUMNS} FROM clients WHERE client_id = $1`,
      [clientId],
    );
    return row === undefined ? undefined : toClient(row);
  }

  async list(): Promise<ClientRecord[]> {
    return (
      await rows<ClientRow>(
        this.#pool,
        `SELECT ${COLUMNS} FROM clients ORDER BY created_at, client_id COLLATE "C"`,
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
