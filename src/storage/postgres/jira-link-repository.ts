import type { Pool } from 'pg';
import { randomId } from '../../crypto/random.js';
import type {
  JiraLinkRecord,
  JiraLinkRepository,
  JiraLinkStateRecord,
  JiraLinkVersion,
} from '../ports.js';
import { changes, inTransaction, rows } from './postgres-client.js';
import {
  JIRA_LINK_COLUMNS as LINK_COLUMNS,
  JIRA_LINK_STATE_COLUMNS as STATE_COLUMNS,
  toJiraLink as toLink,
  type JiraLinkRow,
  type JiraLinkStateRow as StateRow,
} from '../sql-rows/jira-link-row.js';

/** node-postgres returns a BYTEA column as a Buffer. */
type LinkRow = JiraLinkRow & { ciphertext: Buffer };

/**
 * The link's fields after `user_id`, `link_id` as $1, $2, in the order of
 * the `$3` … `$16` placeholders every statement below uses.
 */
function fields(link: Omit<JiraLinkRecord, 'version'>): unknown[] {
  return [
    link.userId,
    link.linkId,
    link.kind,
    link.status,
    Buffer.from(link.ciphertext.buffer, link.ciphertext.byteOffset, link.ciphertext.byteLength),
    link.accountId,
    link.displayName,
    link.email ?? null,
    link.siteUrl,
    link.cloudId ?? null,
    link.accessExpiresAt ?? null,
    link.lease?.owner ?? null,
    link.lease?.until ?? null,
    link.createdAt,
    link.updatedAt,
    link.brokenAt ?? null,
  ];
}

const SET_ALL = `kind = $3, status = $4, ciphertext = $5, account_id = $6, display_name = $7,
  email = $8, site_url = $9, cloud_id = $10, access_expires_at = $11, lease_owner = $12,
  lease_until = $13, created_at = $14, updated_at = $15, broken_at = $16`;

/**
 * Per-person Jira links in `jira_links`, links in flight in
 * `jira_link_states`. Every conditional write is one statement whose WHERE
 * (`link_id = … AND version = …`) PostgreSQL re-checks under the row lock
 * against the latest committed row, so of concurrent writers on any
 * number of replicas exactly one changes it.
 * @see docs/storage-schema.md#postgresql
 */
export class PostgresJiraLinkRepository implements JiraLinkRepository {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async get(userId: string): Promise<JiraLinkRecord | undefined> {
    const [row] = await rows<LinkRow>(
      this.#pool,
      `SELECT ${LINK_COLUMNS} FROM jira_links WHERE user_id = $1`,
      [userId],
    );
    return row === undefined ? undefined : toLink(row);
  }

  async put(link: Omit<JiraLinkRecord, 'version' | 'linkId'>): Promise<JiraLinkVersion> {
    const linkId = randomId('jlk');
    const [row] = await rows<{ version: number }>(
      this.#pool,
      `INSERT INTO jira_links AS l (${LINK_COLUMNS})
       VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (user_id) DO UPDATE SET ${SET_ALL}, link_id = $2, version = l.version + 1
       RETURNING l.version`,
      fields({ ...link, linkId }),
    );
    if (row === undefined) throw new Error('jira_links upsert returned no row');
    return { linkId, version: row.version };
  }

  async replace(link: Omit<JiraLinkRecord, 'version'>, expectedVersion: number): Promise<boolean> {
    return (
      (await changes(
        this.#pool,
        `UPDATE jira_links SET ${SET_ALL}, version = $17::bigint + 1
         WHERE user_id = $1 AND link_id = $2 AND version = $17::bigint`,
        [...fields(link), expectedVersion],
      )) === 1
    );
  }

  async acquireLease(
    userId: string,
    expected: JiraLinkVersion,
    lease: { owner: string; until: number },
    now: number,
  ): Promise<number | undefined> {
    const [row] = await rows<{ version: number }>(
      this.#pool,
      `UPDATE jira_links SET lease_owner = $4, lease_until = $5, version = version + 1
       WHERE user_id = $1 AND link_id = $2 AND version = $3
         AND (lease_until IS NULL OR lease_until <= $6)
       RETURNING version`,
      [userId, expected.linkId, expected.version, lease.owner, lease.until, now],
    );
    return row?.version;
  }

  async delete(userId: string): Promise<JiraLinkRecord | undefined> {
    const [row] = await rows<LinkRow>(
      this.#pool,
      `DELETE FROM jira_links WHERE user_id = $1 RETURNING ${LINK_COLUMNS}`,
      [userId],
    );
    return row === undefined ? undefined : toLink(row);
  }

  saveState(state: JiraLinkStateRecord): Promise<void> {
    return inTransaction(this.#pool, async (tx) => {
      // Abandoned links would otherwise pile up; each start sweeps the expired ones.
      await tx.query('DELETE FROM jira_link_states WHERE expires_at <= $1', [state.createdAt]);
      await tx.query(
        `INSERT INTO jira_link_states (${STATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
        [state.stateHash, state.userId, state.returnTo, state.createdAt, state.expiresAt],
      );
    });
  }

  async consumeState(stateHash: string, now: number): Promise<JiraLinkStateRecord | undefined> {
    const [row] = await rows<StateRow>(
      this.#pool,
      `DELETE FROM jira_link_states WHERE state_hash = $1 RETURNING ${STATE_COLUMNS}`,
      [stateHash],
    );
    if (row === undefined || row.expires_at <= now) return undefined;
    return {
      stateHash: row.state_hash,
      userId: row.user_id,
      returnTo: row.return_to,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }
}
