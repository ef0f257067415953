import type Database from 'better-sqlite3';
import { randomId } from '../../crypto/random.js';
import type {
  JiraLinkRecord,
  JiraLinkRepository,
  JiraLinkStateRecord,
  JiraLinkVersion,
} from '../ports.js';
import type { GroupCommit } from './group-commit.js';
import { sqliteCall } from './sqlite-call.js';
import {
  JIRA_LINK_COLUMNS as LINK_COLUMNS,
  JIRA_LINK_STATE_COLUMNS as STATE_COLUMNS,
  toJiraLink as toLink,
  type JiraLinkRow,
  type JiraLinkStateRow as StateRow,
} from '../sql-rows/jira-link-row.js';

type LinkRow = JiraLinkRow;

function toRow(link: Omit<JiraLinkRecord, 'version'>, version: number): LinkRow {
  return {
    user_id: link.userId,
    link_id: link.linkId,
    kind: link.kind,
    status: link.status,
    version,
    ciphertext: link.ciphertext,
    account_id: link.accountId,
    display_name: link.displayName,
    email: link.email ?? null,
    site_url: link.siteUrl,
    cloud_id: link.cloudId ?? null,
    access_expires_at: link.accessExpiresAt ?? null,
    lease_owner: link.lease?.owner ?? null,
    lease_until: link.lease?.until ?? null,
    created_at: link.createdAt,
    updated_at: link.updatedAt,
    broken_at: link.brokenAt ?? null,
  };
}

const SET_ALL = `kind = @kind, status = @status, ciphertext = @ciphertext,
  account_id = @account_id, display_name = @display_name, email = @email, site_url = @site_url,
  cloud_id = @cloud_id, access_expires_at = @access_expires_at, lease_owner = @lease_owner,
  lease_until = @lease_until, created_at = @created_at, updated_at = @updated_at, broken_at = @broken_at`;

/**
 * Per-person Jira links in `jira_links`, links in flight in
 * `jira_link_states`. Every conditional write is one statement under
 * SQLite's write lock (`… WHERE link_id = ? AND version = ?`), so of concurrent writers in
 * any number of processes sharing the file exactly one changes the row.
 * @see docs/storage-schema.md#jira_links
 */
export class SqliteJiraLinkRepository implements JiraLinkRepository {
  readonly #get;
  readonly #upsert;
  readonly #replace;
  readonly #lease;
  readonly #delete;
  readonly #insertState;
  readonly #takeState;
  readonly #purgeStates;
  readonly #writer: GroupCommit;

  constructor(db: Database.Database, writer: GroupCommit) {
    this.#writer = writer;
    this.#get = db.prepare<[string], LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM jira_links WHERE user_id = ?`,
    );
    this.#upsert = db.prepare<[LinkRow], { version: number }>(
      `INSERT INTO jira_links (${LINK_COLUMNS})
       VALUES (@user_id, @link_id, @kind, @status, 1, @ciphertext, @account_id, @display_name, @email,
               @site_url, @cloud_id, @access_expires_at, @lease_owner, @lease_until,
               @created_at, @updated_at, @broken_at)
       ON CONFLICT (user_id) DO UPDATE SET ${SET_ALL}, link_id = @link_id,
         version = jira_links.version + 1
       RETURNING version`,
    );
    this.#replace = db.prepare<[LinkRow & { expected: number }]>(
      `UPDATE jira_links SET ${SET_ALL}, version = @expected + 1
       WHERE user_id = @user_id AND link_id = @link_id AND version = @expected`,
    );
    this.#lease = db.prepare<
      [
        {
          user_id: string;
          link_id: string;
          expected: number;
          owner: string;
          until: number;
          now: number;
        },
      ],
      { version: number }
    >(
      `UPDATE jira_links SET lease_owner = @owner, lease_until = @until, version = version + 1
       WHERE user_id = @user_id AND link_id = @link_id AND version = @expected
         AND (lease_until IS NULL OR lease_until <= @now)
       RETURNING version`,
    );
    this.#delete = db.prepare<[string], LinkRow>(
      `DELETE FROM jira_links WHERE user_id = ? RETURNING ${LINK_COLUMNS}`,
    );
    this.#insertState = db.prepare<[StateRow]>(
      `INSERT INTO jira_link_states (${STATE_COLUMNS})
       VALUES (@state_hash, @user_id, @return_to, @created_at, @expires_at)`,
    );
    this.#takeState = db.prepare<[string], StateRow>(
      `DELETE FROM jira_link_states WHERE state_hash = ? RETURNING ${STATE_COLUMNS}`,
    );
    this.#purgeStates = db.prepare<[number]>('DELETE FROM jira_link_states WHERE expires_at <= ?');
  }

  get(userId: string): Promise<JiraLinkRecord | undefined> {
    return sqliteCall(() => {
      const row = this.#get.get(userId);
      return row === undefined ? undefined : toLink(row);
    });
  }

  put(link: Omit<JiraLinkRecord, 'version' | 'linkId'>): Promise<JiraLinkVersion> {
    const linkId = randomId('jlk');
    return this.#writer.write(() => {
      const row = this.#upsert.get(toRow({ ...link, linkId }, 1));
      if (row === undefined) throw new Error('jira_links upsert returned no row');
      return { linkId, version: row.version };
    });
  }

  replace(link: Omit<JiraLinkRecord, 'version'>, expectedVersion: number): Promise<boolean> {
    return this.#writer.write(
      () =>
        this.#replace.run({ ...toRow(link, expectedVersion + 1), expected: expectedVersion })
          .changes === 1,
    );
  }

  acquireLease(
    userId: string,
    expected: JiraLinkVersion,
    lease: { owner: string; until: number },
    now: number,
  ): Promise<number | undefined> {
    return this.#writer.write(
      () =>
        this.#lease.get({
          user_id: userId,
          link_id: expected.linkId,
          expected: expected.version,
          owner: lease.owner,
          until: lease.until,
          now,
        })?.version,
    );
  }

  delete(userId: string): Promise<JiraLinkRecord | undefined> {
    return this.#writer.write(() => {
      const row = this.#delete.get(userId);
      return row === undefined ? undefined : toLink(row);
    });
  }

  saveState(state: JiraLinkStateRecord): Promise<void> {
    return this.#writer.write(() => {
      // Abandoned links would otherwise pile up; each start sweeps the expired ones.
      this.#purgeStates.run(state.createdAt);
      this.#insertState.run({
        state_hash: state.stateHash,
        user_id: state.userId,
        return_to: state.returnTo,
        created_at: state.createdAt,
        expires_at: state.expiresAt,
      });
    });
  }

  consumeState(stateHash: string, now: number): Promise<JiraLinkStateRecord | undefined> {
    return this.#writer.write(() => {
      const row = this.#takeState.get(stateHash);
      if (row === undefined || row.expires_at <= now) return undefined;
      return {
        stateHash: row.state_hash,
        userId: row.user_id,
        returnTo: row.return_to,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    });
  }
}
