import type Database from 'better-sqlite3';
import { chainHash } from '../../audit/audit-chain.js';
import type {
  AuditChainState,
  AuditEvent,
  AuditPurgeResult,
  AuditRepository,
  ChainedAuditEvent,
} from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';
import {
  toAuditAnchor as toAnchor,
  toAuditEvent as toEvent,
  type AuditChainRow as ChainRow,
  type AuditEventRow,
} from '../sql-rows/audit-row.js';

type AuditRow = AuditEventRow;

interface ChainedRow extends AuditRow {
  seq: number;
  prev_hash: string | null;
  hash: string | null;
}

const COLUMNS =
  'id, at, type, outcome, user_id, username, client_id, grant_id, request_id, ip, detail';

/**
 * The audit trail, a hash chain (src/audit/audit-chain.ts). Each append
 * reads the head, inserts the event at the next `seq` and moves the head,
 * all inside the group-commit transaction, whose write lock serialises
 * appenders across processes. Append-only: triggers refuse every update, an
 * insert below the head, and a delete above the anchor; the retention purge
 * moves the anchor and deletes below it in one transaction.
 * @see docs/storage-schema.md#audit_events
 */
export class SqliteAuditRepository implements AuditRepository {
  readonly #insert;
  readonly #tail;
  readonly #chain;
  readonly #state;
  readonly #moveHead;
  readonly #oldest;
  readonly #newest;
  readonly #moveAnchor;
  readonly #deleteThrough;
  readonly #deleteUnchained;
  readonly #appendOne;
  readonly #purgeOne;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#insert = db.prepare<[AuditRow & { seq: number; prev_hash: string; hash: string }]>(
      `INSERT INTO audit_events (seq, ${COLUMNS}, prev_hash, hash)
       VALUES (@seq, @id, @at, @type, @outcome, @user_id, @username, @client_id, @grant_id,
         @request_id, @ip, @detail, @prev_hash, @hash)`,
    );
    this.#tail = db.prepare<[number], AuditRow>(
      `SELECT ${COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT ?`,
    );
    this.#chain = db.prepare<[number, number], ChainedRow>(
      `SELECT seq, ${COLUMNS}, prev_hash, hash FROM audit_events
       WHERE seq > ? AND hash IS NOT NULL ORDER BY seq LIMIT ?`,
    );
    this.#state = db.prepare<[], ChainRow>(
      `SELECT anchor_seq, anchor_hash, anchor_at, purged, head_seq, head_hash
       FROM audit_chain WHERE id = 1`,
    );
    this.#moveHead = db.prepare<[number, string]>(
      'UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1',
    );
    this.#oldest = db.prepare<[number, number], { seq: number; at: number; hash: string | null }>(
      'SELECT seq, at, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#newest = db.prepare<[number], { seq: number; hash: string | null }>(
      'SELECT seq, hash FROM audit_events WHERE seq > ? ORDER BY seq DESC LIMIT 1',
    );
    this.#moveAnchor = db.prepare<[number, string, number, number]>(
      `UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ?, anchor_at = ?,
         purged = purged + ? WHERE id = 1`,
    );
    this.#deleteThrough = db.prepare<[number, number]>(
      'DELETE FROM audit_events WHERE seq > ? AND seq <= ?',
    );
    // Rows from before the chain (below the first anchor) carry no hash.
    this.#deleteUnchained = db.prepare<[number, number, number]>(
      `DELETE FROM audit_events WHERE seq IN (
         SELECT seq FROM audit_events WHERE seq <= ? AND hash IS NULL AND at < ?
         ORDER BY seq LIMIT ?)`,
    );
    // Savepoints inside the batch: the insert and the head move stand or fall together.
    this.#appendOne = db.transaction((event: AuditEvent): void => {
      const state = this.#readState();
      const seq = state.head_seq + 1;
      const hash = chainHash(state.head_hash, seq, event);
      this.#insert.run({
        seq,
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
        prev_hash: state.head_hash,
        hash,
      });
      this.#moveHead.run(seq, hash);
    });
    this.#purgeOne = db.transaction((before: number, limit: number, now: number) => {
      const state = this.#readState();
      let deleted = this.#deleteUnchained.run(state.anchor_seq, before, limit).changes;
      const rows = this.#oldest.all(state.anchor_seq, Math.max(0, limit - deleted));
      let last: { seq: number; hash: string } | undefined;
      for (const row of rows) {
        if (row.at >= before || row.hash === null) break;
        last = { seq: row.seq, hash: row.hash };
      }
      if (last !== undefined) {
        const count = last.seq - state.anchor_seq;
        this.#moveAnchor.run(last.seq, last.hash, now, count);
        // The trigger lets exactly these go: they are at or below the new anchor.
        deleted += this.#deleteThrough.run(state.anchor_seq, last.seq).changes;
      }
      return deleted;
    });
  }

  #readState(): ChainRow {
    const row = this.#state.get();
    if (row === undefined) throw new Error('audit_chain has no row (schema damaged)');
    return row;
  }

  append(event: AuditEvent): Promise<void> {
    return this.#writer.write(() => {
      this.#appendOne(event);
    });
  }

  /** The newest `limit` events, oldest first; a limit below 1 yields none. */
  tail(limit: number): Promise<AuditEvent[]> {
    return sqliteCall(() => {
      const count = Math.max(0, Math.floor(limit));
      return this.#tail.all(count).reverse().map(toEvent);
    });
  }

  /** Chained rows after `afterSeq` (rows from before the chain carry no hash and are left out). */
  chain(afterSeq: number, limit: number): Promise<ChainedAuditEvent[]> {
    return sqliteCall(() =>
      this.#chain.all(afterSeq, Math.max(0, Math.floor(limit))).map((row) => ({
        seq: row.seq,
        prevHash: row.prev_hash ?? '',
        // Never null here (the query asks for hashed rows); '' keeps the type exact.
        hash: row.hash ?? '',
        event: toEvent(row),
      })),
    );
  }

  chainState(): Promise<AuditChainState> {
    return sqliteCall(() => {
      const row = this.#readState();
      const anchor = toAnchor(row);
      const newest = this.#newest.get(anchor.seq);
      return {
        anchor,
        end:
          newest === undefined
            ? { seq: anchor.seq, hash: anchor.hash }
            : { seq: newest.seq, hash: newest.hash ?? '' },
        head: { seq: row.head_seq, hash: row.head_hash },
      };
    });
  }

  /** One bounded batch of the retention purge (see the port), in one transaction. */
  async purgeBefore(before: number, limit: number, now: number): Promise<AuditPurgeResult> {
    const bounded = Math.max(0, Math.floor(limit));
    const deleted = await this.#writer.write(() => this.#purgeOne(before, bounded, now));
    const state = await this.chainState();
    return { deleted, anchor: state.anchor };
  }
}
