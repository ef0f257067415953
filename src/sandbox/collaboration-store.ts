/**
 * Who follows an issue and what it points at outside Jira, in the sandbox's
 * SQLite file; plus reading and deleting single issue links (the
 * `issue_links` table belongs to SandboxStore).
 *
 * Layout:
 * - `issue_watchers`: (issue, accountId); reporter and assignee are added
 *   when an issue is created, as Jira's default auto-watch does.
 * - `remote_links`: one row per web link of an issue; `global_id` is unique
 *   per issue when set (POST with a known globalId updates that row);
 *   `object` and `application` are the JSON Jira echoes back.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { LinkRecord } from './store.js';
import { toLink } from './store-rows.js';

export interface RemoteLinkRecord {
  id: number;
  issueId: number;
  globalId: string | null;
  relationship: string | null;
  /** @see Jira Cloud REST v3 `RemoteObject` (url, title, summary, icon, status) */
  object: Record<string, unknown>;
  /** @see Jira Cloud REST v3 `Application` */
  application: Record<string, unknown> | null;
  created: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS issue_watchers (
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  account_id TEXT NOT NULL,
  PRIMARY KEY (issue_id, account_id)
);
CREATE TABLE IF NOT EXISTS remote_links (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  global_id TEXT,
  relationship TEXT,
  object TEXT NOT NULL,
  application TEXT,
  created INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS remote_links_global_id ON remote_links (issue_id, global_id)
  WHERE global_id IS NOT NULL;
`;

const FIRST_ID = 10000;

const JsonObject = z.record(z.string(), z.unknown());
const RemoteLinkRow = z.object({
  id: z.number(),
  issue_id: z.number(),
  global_id: z.string().nullable(),
  relationship: z.string().nullable(),
  object: z.string(),
  application: z.string().nullable(),
  created: z.number(),
});

function toRemoteLink(row: unknown): RemoteLinkRecord {
  const r = RemoteLinkRow.parse(row);
  return {
    id: r.id,
    issueId: r.issue_id,
    globalId: r.global_id,
    relationship: r.relationship,
    object: JsonObject.parse(JSON.parse(r.object)),
    application: r.application === null ? null : JsonObject.parse(JSON.parse(r.application)),
    created: r.created,
  };
}

/** Watchers, remote links and single issue links; shares the sandbox store's database. */
export class CollaborationStore {
  readonly #db: Database.Database;

  /** Creates the tables if missing; `db` belongs to the SandboxStore. */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  /** Account ids watching the issue, in the order they started. */
  listWatchers(issueId: number): string[] {
    return z
      .array(z.object({ account_id: z.string() }))
      .parse(
        this.#db
          .prepare('SELECT account_id FROM issue_watchers WHERE issue_id = ? ORDER BY rowid')
          .all(issueId),
      )
      .map((row) => row.account_id);
  }

  /** Adds a watcher; watching twice is one watch. */
  addWatcher(issueId: number, accountId: string): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO issue_watchers (issue_id, account_id) VALUES (?, ?)')
      .run(issueId, accountId);
  }

  /** Removes a watcher; true when the account was watching. */
  removeWatcher(issueId: number, accountId: string): boolean {
    return (
      this.#db
        .prepare('DELETE FROM issue_watchers WHERE issue_id = ? AND account_id = ?')
        .run(issueId, accountId).changes > 0
    );
  }

  /** The issue link with this id, if any. */
  getLink(id: number): LinkRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM issue_links WHERE id = ?').get(id);
    return row === undefined ? undefined : toLink(row);
  }

  /** Deletes an issue link; true when it existed. */
  deleteLink(id: number): boolean {
    return this.#db.prepare('DELETE FROM issue_links WHERE id = ?').run(id).changes > 0;
  }

  /** An issue's remote links, oldest first. */
  listRemoteLinks(issueId: number): RemoteLinkRecord[] {
    return this.#db
      .prepare('SELECT * FROM remote_links WHERE issue_id = ? ORDER BY id')
      .all(issueId)
      .map(toRemoteLink);
  }

  /**
   * Creates a remote link, or replaces the one with the same `globalId` on
   * this issue (every field, as Jira's upsert sets absent fields to null).
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/remotelink
   */
  upsertRemoteLink(link: Omit<RemoteLinkRecord, 'id'>): {
    link: RemoteLinkRecord;
    created: boolean;
  } {
    const existing =
      link.globalId === null
        ? undefined
        : this.#db
            .prepare('SELECT id FROM remote_links WHERE issue_id = ? AND global_id = ?')
            .get(link.issueId, link.globalId);
    const object = JSON.stringify(link.object);
    const application = link.application === null ? null : JSON.stringify(link.application);
    if (existing !== undefined) {
      const { id } = z.object({ id: z.number() }).parse(existing);
      this.#db
        .prepare(
          'UPDATE remote_links SET relationship = ?, object = ?, application = ? WHERE id = ?',
        )
        .run(link.relationship, object, application, id);
      return { link: { ...link, id }, created: false };
    }
    const max = z
      .object({ max: z.number().nullable() })
      .parse(this.#db.prepare('SELECT MAX(id) AS max FROM remote_links').get()).max;
    const id = max === null ? FIRST_ID : max + 1;
    this.#db
      .prepare(
        `INSERT INTO remote_links (id, issue_id, global_id, relationship, object, application, created)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, link.issueId, link.globalId, link.relationship, object, application, link.created);
    return { link: { ...link, id }, created: true };
  }
}
