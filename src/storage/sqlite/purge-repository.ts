import type Database from 'better-sqlite3';
import type { PurgeCutoffs, PurgeKind, PurgeRepository } from '../ports.js';
import type { GroupCommit } from './group-commit.js';

/**
 * Deletes what is done with, one bounded batch per call. Each batch is one
 * group-commit write: it finds at most `limit` rows through an index
 * (migration 4 added one per expiry column) and deletes them, so the write
 * lock is never held for longer than one small batch, and other writes run
 * between batches.
 * @see docs/storage-schema.md#purge
 */
export class SqlitePurgeRepository implements PurgeRepository {
  readonly #writer: GroupCommit;
  readonly #batch: Record<PurgeKind, (cutoffs: PurgeCutoffs, limit: number) => number>;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    const expired = (table: string) =>
      db.prepare<[number, number]>(
        `DELETE FROM ${table} WHERE rowid IN (
           SELECT rowid FROM ${table} WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`,
      );
    const codes = expired('authorization_codes');
    // A rotated refresh token stays while a token issued from it lives: its
    // successor_hash is what marks that token's siblings dead (findActive).
    const tokens = db.prepare<[number, number, number]>(
      `DELETE FROM tokens WHERE rowid IN (
         SELECT t.rowid FROM tokens t WHERE t.expires_at < ?
           AND NOT EXISTS (SELECT 1 FROM tokens c
                           WHERE c.parent_hash = t.token_hash AND c.expires_at >= ?)
         ORDER BY t.expires_at LIMIT ?)`,
    );
    const sessions = expired('sessions');
    const counters = expired('counters');
    const endedGrants = db.prepare<[number, number, number], { id: string }>(
      `SELECT id FROM grants WHERE expires_at < ?
       UNION SELECT id FROM grants WHERE revoked_at < ?
       LIMIT ?`,
    );
    const grantTokens = db.prepare<[string]>('DELETE FROM tokens WHERE grant_id = ?');
    const grant = db.prepare<[string]>('DELETE FROM grants WHERE id = ?');
    // Unused: no grant (live or ended) and no code waiting to be redeemed.
    // CLI-made clients and resource-server credentials are never collected.
    const unusedClients = db.prepare<[number, number]>(
      `DELETE FROM clients WHERE client_id IN (
         SELECT c.client_id FROM clients c
         WHERE c.source IN ('dcr', 'cimd') AND c.kind = 'oauth' AND c.created_at < ?
           AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.client_id = c.client_id)
           AND NOT EXISTS (SELECT 1 FROM authorization_codes a WHERE a.client_id = c.client_id)
         LIMIT ?)`,
    );
    // A grant goes with its tokens (tokens.grant_id references it), in one savepoint.
    const grants = db.transaction((before: number, limit: number): number => {
      const ids = endedGrants.all(before, before, limit);
      for (const { id } of ids) {
        grantTokens.run(id);
        grant.run(id);
      }
      return ids.length;
    });
    this.#batch = {
      codes: (c, limit) => codes.run(c.codesExpiredBefore, limit).changes,
      tokens: (c, limit) => tokens.run(c.tokensExpiredBefore, c.tokensExpiredBefore, limit).changes,
      sessions: (c, limit) => sessions.run(c.sessionsExpiredBefore, limit).changes,
      counters: (c, limit) => counters.run(c.countersExpiredBefore, limit).changes,
      grants: (c, limit) => grants(c.grantsEndedBefore, limit),
      clients: (c, limit) =>
        c.unusedClientsCreatedBefore === undefined
          ? 0
          : unusedClients.run(c.unusedClientsCreatedBefore, limit).changes,
    };
  }

  purgeBatch(kind: PurgeKind, cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    const bounded = Math.max(0, Math.floor(limit));
    return this.#writer.write(() => this.#batch[kind](cutoffs, bounded));
  }
}
