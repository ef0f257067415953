import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { AuditEvent, AuditRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';

interface AuditRow {
  id: string;
  at: number;
  type: string;
  outcome: string;
  user_id: string | null;
  username: string | null;
  client_id: string | null;
  grant_id: string | null;
  request_id: string | null;
  ip: string | null;
  detail: string | null;
}

const COLUMNS =
  'id, at, type, outcome, user_id, username, client_id, grant_id, request_id, ip, detail';

const outcome = z.enum(['success', 'failure']);
const detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

function toEvent(row: AuditRow): AuditEvent {
  const event: AuditEvent = {
    id: row.id,
    at: row.at,
    type: row.type,
    outcome: outcome.parse(row.outcome),
  };
  if (row.user_id !== null) event.userId = row.user_id;
  if (row.username !== null) event.username = row.username;
  if (row.client_id !== null) event.clientId = row.client_id;
  if (row.grant_id !== null) event.grantId = row.grant_id;
  if (row.request_id !== null) event.requestId = row.request_id;
  if (row.ip !== null) event.ip = row.ip;
  if (row.detail !== null) event.detail = detail.parse(JSON.parse(row.detail));
  return event;
}

/**
 * The audit trail. Append-only: this class has no statement that updates or
 * deletes, and triggers in the schema refuse both.
 * @see docs/storage-schema.md#audit_events
 */
export class SqliteAuditRepository implements AuditRepository {
  readonly #insert;
  readonly #tail;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[AuditRow]>(
      `INSERT INTO audit_events (${COLUMNS})
       VALUES (@id, @at, @type, @outcome, @user_id, @username, @client_id, @grant_id,
         @request_id, @ip, @detail)`,
    );
    // `seq` breaks ties between events recorded in the same millisecond.
    this.#tail = db.prepare<[number], AuditRow>(
      `SELECT ${COLUMNS} FROM audit_events ORDER BY at DESC, seq DESC LIMIT ?`,
    );
  }

  append(event: AuditEvent): Promise<void> {
    return this.#writer.write(() => {
      this.#insert.run({
        id: event.id,
        at: event.at,
        type: event.type,
        outcome: event.outcome,
        user_id: event.userId ?? null,
        username: event.username ?? null,
        client_id: event.clientId ?? null,
        grant_id: event.grantId ?? null,
        request_id: event.requestId ?? null,
        ip: event.ip ?? null,
        detail: event.detail === undefined ? null : JSON.stringify(event.detail),
      });
    });
  }

  /** The newest `limit` events, oldest first; a limit below 1 yields none. */
  tail(limit: number): Promise<AuditEvent[]> {
    return sqliteCall(() => {
      const count = Math.max(0, Math.floor(limit));
      return this.#tail.all(count).reverse().map(toEvent);
    });
  }
}
