import type { Pool, PoolClient } from 'pg';
import { chainHash } from '../../audit/audit-chain.js';
import type {
  AuditChainState,
  AuditEvent,
  AuditPurgeResult,
  AuditRepository,
  ChainedAuditEvent,
} from '../ports.js';
import { inTransaction, rows } from './postgres-client.js';
import {
  toAuditAnchor as toAnchor,
  toAuditEvent as toEvent,
  type AuditChainRow as ChainRow,
  type AuditEventRow,
} from '../sql-rows/audit-row.js';

interface AuditRow extends AuditEventRow {
  seq: number;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'seq, id, at, type, outcome, user_id, username, client_id, grant_id, request_id, ip, detail, prev_hash, hash';
const CHAIN_COLUMNS = 'anchor_seq, anchor_hash, anchor_at, purged, head_seq, head_hash';

/**
 * The audit trail, a hash chain (src/audit/audit-chain.ts). Each append
 * locks the one `audit_chain` row (`FOR UPDATE`), inserts the event at the
 * next `seq` linked to the head, and moves the head, in one transaction:
 * appenders on every replica queue on that row, so the chain never forks,
 * and the head is never behind the events. Triggers refuse every update,
 * an insert at or below the head and a delete above the anchor; the
 * retention purge moves the anchor and deletes below it in one transaction.
 * @see docs/storage-schema.md#postgresql
 */
export class PostgresAuditRepository implements AuditRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  append(event: AuditEvent): Promise<void> {
    return inTransaction(this.#pool, async (tx) => {
      const state = await lockChain(tx);
      const seq = state.head_seq + 1;
      const hash = chainHash(state.head_hash, seq, event);
      await tx.query(
        `INSERT INTO audit_events (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          seq,
          event.id,
          event.at,
          event.type,
          event.outcome,
          event.userId ?? null,
          event.username ?? null,
          event.clientId ?? null,
          event.grantId ?? null,
          event.requestId ?? null,
          event.ip ?? null,
          event.detail === undefined ? null : JSON.stringify(event.detail),
          state.head_hash,
          hash,
        ],
      );
      await tx.query('UPDATE audit_chain SET head_seq = $1, head_hash = $2 WHERE id = 1', [
        seq,
        hash,
      ]);
    });
  }

  /** The newest `limit` events, oldest first; a limit below 1 yields none. */
  async tail(limit: number): Promise<AuditEvent[]> {
    const found = await rows<AuditRow>(
      this.#pool,
      `SELECT ${COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT $1`,
      [Math.max(0, Math.floor(limit))],
    );
    return found.reverse().map(toEvent);
  }

  async chain(afterSeq: number, limit: number): Promise<ChainedAuditEvent[]> {
    const found = await rows<AuditRow>(
      this.#pool,
      `SELECT ${COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, Math.max(0, Math.floor(limit))],
    );
    return found.map((row) => ({
      seq: row.seq,
      prevHash: row.prev_hash,
      hash: row.hash,
      event: toEvent(row),
    }));
  }

  /** The anchor, the newest event and the head, read in one statement (one snapshot). */
  async chainState(): Promise<AuditChainState> {
    const [row] = await rows<ChainRow & { end_seq: number | null; end_hash: string | null }>(
      this.#pool,
      `SELECT ${CHAIN_COLUMNS}, e.seq AS end_seq, e.hash AS end_hash
       FROM audit_chain c
       LEFT JOIN LATERAL (SELECT seq, hash FROM audit_events
                          WHERE seq > c.anchor_seq ORDER BY seq DESC LIMIT 1) e ON true
       WHERE c.id = 1`,
    );
    if (row === undefined) throw new Error('audit_chain has no row (schema damaged)');
    const anchor = toAnchor(row);
    return {
      anchor,
      end:
        row.end_seq === null || row.end_hash === null
          ? { seq: anchor.seq, hash: anchor.hash }
          : { seq: row.end_seq, hash: row.end_hash },
      head: { seq: row.head_seq, hash: row.head_hash },
    };
  }

  /** One bounded batch of the retention purge (see the port), in one transaction. */
  async purgeBefore(before: number, limit: number, now: number): Promise<AuditPurgeResult> {
    const bounded = Math.max(0, Math.floor(limit));
    const deleted = await inTransaction(this.#pool, async (tx) => {
      const state = await lockChain(tx);
      const oldest = await rows<{ seq: number; at: number; hash: string }>(
        tx,
        'SELECT seq, at, hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [state.anchor_seq, bounded],
      );
      let last: { seq: number; hash: string } | undefined;
      for (const row of oldest) {
        if (row.at >= before) break;
        last = { seq: row.seq, hash: row.hash };
      }
      if (last === undefined) return 0;
      await tx.query(
        `UPDATE audit_chain SET anchor_seq = $1, anchor_hash = $2, anchor_at = $3,
           purged = purged + $4 WHERE id = 1`,
        [last.seq, last.hash, now, last.seq - state.anchor_seq],
      );
      // The trigger lets exactly these go: they are at or below the new anchor.
      const result = await tx.query('DELETE FROM audit_events WHERE seq > $1 AND seq <= $2', [
        state.anchor_seq,
        last.seq,
      ]);
      return result.rowCount ?? 0;
    });
    const state = await this.chainState();
    return { deleted, anchor: state.anchor };
  }
}

/** Reads the chain row under a row lock: the one queue every appender and purge joins. */
async function lockChain(tx: PoolClient): Promise<ChainRow> {
  const [row] = await rows<ChainRow>(
    tx,
    `SELECT ${CHAIN_COLUMNS} FROM audit_chain WHERE id = 1 FOR UPDATE`,
  );
  if (row === undefined) throw new Error('audit_chain has no row (schema damaged)');
  return row;
}
