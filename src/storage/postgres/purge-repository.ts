import type { Pool } from 'pg';
import type { PurgeCutoffs, PurgeKind, PurgeRepository } from '../ports.js';
import { changes, inTransaction, rows } from './postgres-client.js';

/**
 * `DELETE` of at most `$2` rows of `table` that expired before `$1`, found
 * through the table's expiry index. `SKIP LOCKED`: replicas purging at the
 * same moment take different rows instead of queueing on each other's.
 */
function expired(table: string, key: string): string {
  return `DELETE FROM ${table} WHERE ${key} IN (
    SELECT ${key} FROM ${table} WHERE expires_at < $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;
}

/**
 * Deletes what is done with, one bounded batch per call, each batch one
 * short transaction, so other writes run between batches and several
 * replicas may purge at once.
 * @see docs/storage-schema.md#postgresql
 */
export class PostgresPurgeRepository implements PurgeRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  purgeBatch(kind: PurgeKind, cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    const bounded = Math.max(0, Math.floor(limit));
    switch (kind) {
      case 'codes':
        return changes(this.#pool, expired('authorization_codes', 'code_hash'), [
          cutoffs.codesExpiredBefore,
          bounded,
        ]);
      case 'sessions':
        return changes(this.#pool, expired('sessions', 'id_hash'), [
          cutoffs.sessionsExpiredBefore,
          bounded,
        ]);
      case 'counters':
        return changes(this.#pool, expired('counters', 'key'), [
          cutoffs.countersExpiredBefore,
          bounded,
        ]);
      case 'tokens':
        // A rotated refresh token stays while a token issued from it lives:
        // its successor_hash is what marks that token's siblings dead.
        return changes(
          this.#pool,
          `DELETE FROM tokens WHERE token_hash IN (
             SELECT t.token_hash FROM tokens t WHERE t.expires_at < $1
               AND NOT EXISTS (SELECT 1 FROM tokens c
                               WHERE c.parent_hash = t.token_hash AND c.expires_at >= $1)
             ORDER BY t.expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
          [cutoffs.tokensExpiredBefore, bounded],
        );
      case 'grants':
        return this.#grants(cutoffs.grantsEndedBefore, bounded);
      case 'clients':
        return cutoffs.unusedClientsCreatedBefore === undefined
          ? Promise.resolve(0)
          : changes(
              this.#pool,
              // Unused: no grant (live or ended) and no code waiting to be
              // redeemed. CLI-made clients and resource servers are kept.
              `DELETE FROM clients WHERE client_id IN (
                 SELECT c.client_id FROM clients c
                 WHERE c.source IN ('dcr', 'cimd') AND c.kind = 'oauth' AND c.created_at < $1
                   AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.client_id = c.client_id)
                   AND NOT EXISTS (SELECT 1 FROM authorization_codes a
                                   WHERE a.client_id = c.client_id)
                 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
              [cutoffs.unusedClientsCreatedBefore, bounded],
            );
    }
  }

  /** A grant goes with its tokens (tokens.grant_id references it), in one transaction. */
  #grants(before: number, limit: number): Promise<number> {
    return inTransaction(this.#pool, async (tx) => {
      const ended = await rows<{ id: string }>(
        tx,
        `SELECT id FROM grants WHERE expires_at < $1 OR revoked_at < $1
         LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [before, limit],
      );
      if (ended.length === 0) return 0;
      const ids = ended.map((g) => g.id);
      await tx.query('DELETE FROM tokens WHERE grant_id = ANY($1::text[])', [ids]);
      await tx.query('DELETE FROM grants WHERE id = ANY($1::text[])', [ids]);
      return ids.length;
    });
  }
}
