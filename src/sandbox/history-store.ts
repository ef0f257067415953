/**
 * The sandbox's issue history and attached files. It shares the
 * SandboxStore's SQLite database (the store creates it), so a field write
 * and the history entry describing it land in one transaction.
 *
 * Layout (times are epoch milliseconds):
 * - `changelogs`: one row per change (issue, author or null for the system, time).
 * - `changelog_items`: one row per field changed; `seq` keeps Jira's order
 *   inside the entry; `from_value`/`to_value` are raw ids or values,
 *   `from_string`/`to_string` their display text (see changelog.ts).
 * - `attachments`: file name, MIME type and the real bytes (`content` BLOB).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { ChangeItem, ChangelogRecord } from './changelog.js';

/** An attached file with its bytes. */
export interface AttachmentRecord {
  id: number;
  issueId: number;
  authorId: string;
  filename: string;
  mimeType: string;
  content: Uint8Array;
  created: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS changelogs (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  author_id TEXT,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changelogs_by_issue ON changelogs (issue_id, created, id);
CREATE TABLE IF NOT EXISTS changelog_items (
  changelog_id INTEGER NOT NULL REFERENCES changelogs(id),
  seq INTEGER NOT NULL,
  field TEXT NOT NULL,
  fieldtype TEXT NOT NULL,
  field_id TEXT,
  from_value TEXT,
  from_string TEXT,
  to_value TEXT,
  to_string TEXT,
  PRIMARY KEY (changelog_id, seq)
);
CREATE TABLE IF NOT EXISTS attachments (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  author_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  content BLOB NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_issue ON attachments (issue_id, created, id);
`;

// Jira's first child ids, as for comments and worklogs.
const FIRST_ID = 10000;

const ChangelogRowSchema = z.object({
  id: z.number(),
  issue_id: z.number(),
  author_id: z.string().nullable(),
  created: z.number(),
});

const ChangeItemRowSchema = z.object({
  field: z.string(),
  fieldtype: z.enum(['jira', 'custom']),
  field_id: z.string().nullable(),
  from_value: z.string().nullable(),
  from_string: z.string().nullable(),
  to_value: z.string().nullable(),
  to_string: z.string().nullable(),
});

const AttachmentRowSchema = z.object({
  id: z.number(),
  issue_id: z.number(),
  author_id: z.string(),
  filename: z.string(),
  mime_type: z.string(),
  content: z.instanceof(Uint8Array),
  created: z.number(),
});

function toChangeItem(row: unknown): ChangeItem {
  const r = ChangeItemRowSchema.parse(row);
  const item: ChangeItem = {
    field: r.field,
    fieldtype: r.fieldtype,
    from: r.from_value,
    fromString: r.from_string,
    to: r.to_value,
    toString: r.to_string,
  };
  if (r.field_id !== null) item.fieldId = r.field_id;
  return item;
}

function toAttachment(row: unknown): AttachmentRecord {
  const r = AttachmentRowSchema.parse(row);
  return {
    id: r.id,
    issueId: r.issue_id,
    authorId: r.author_id,
    filename: r.filename,
    mimeType: r.mime_type,
    content: new Uint8Array(r.content),
    created: r.created,
  };
}

/** Issue history and attachments, on the sandbox store's database. */
export class HistoryStore {
  readonly #db: Database.Database;

  /** Creates the tables if needed; `db` belongs to the SandboxStore. */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  /**
   * Records one history entry of `items` on the issue; nothing when
   * `items` is empty. Callers run it in the transaction of their write.
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
   */
  recordChange(
    issueId: number,
    authorId: string | null,
    items: readonly ChangeItem[],
    at: number,
  ): void {
    if (items.length === 0) return;
    this.#db.transaction(() => {
      const id = this.#nextId('changelogs');
      this.#db
        .prepare('INSERT INTO changelogs (id, issue_id, author_id, created) VALUES (?, ?, ?, ?)')
        .run(id, issueId, authorId, at);
      const insert = this.#db.prepare(
        `INSERT INTO changelog_items (changelog_id, seq, field, fieldtype, field_id, from_value,
           from_string, to_value, to_string) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      items.forEach((change, seq) => {
        insert.run(
          id,
          seq,
          change.field,
          change.fieldtype,
          change.fieldId ?? null,
          change.from,
          change.fromString,
          change.to,
          change.toString,
        );
      });
    })();
  }

  /** The issue's history, oldest first (Jira's changelog order). */
  listChanges(issueId: number): ChangelogRecord[] {
    const entries = z
      .array(ChangelogRowSchema)
      .parse(
        this.#db
          .prepare('SELECT * FROM changelogs WHERE issue_id = ? ORDER BY created, id')
          .all(issueId),
      );
    const itemsOf = this.#db.prepare(
      'SELECT * FROM changelog_items WHERE changelog_id = ? ORDER BY seq',
    );
    return entries.map((entry) => ({
      id: entry.id,
      issueId: entry.issue_id,
      authorId: entry.author_id,
      created: entry.created,
      items: itemsOf.all(entry.id).map((row) => toChangeItem(row)),
    }));
  }

  /** Stores an attached file with the next attachment id. */
  insertAttachment(attachment: Omit<AttachmentRecord, 'id'>): AttachmentRecord {
    const id = this.#nextId('attachments');
    this.#db
      .prepare(
        `INSERT INTO attachments (id, issue_id, author_id, filename, mime_type, content, created)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        attachment.issueId,
        attachment.authorId,
        attachment.filename,
        attachment.mimeType,
        Buffer.from(attachment.content),
        attachment.created,
      );
    return { ...attachment, id };
  }

  /** One attachment with its bytes, if it exists. */
  getAttachment(id: number): AttachmentRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM attachments WHERE id = ?').get(id);
    return row === undefined ? undefined : toAttachment(row);
  }

  /** An issue's attachments, oldest first. */
  listAttachments(issueId: number): AttachmentRecord[] {
    return this.#db
      .prepare('SELECT * FROM attachments WHERE issue_id = ? ORDER BY created, id')
      .all(issueId)
      .map((row) => toAttachment(row));
  }

  /** Removes an attachment; false when there was none. */
  deleteAttachment(id: number): boolean {
    return this.#db.prepare('DELETE FROM attachments WHERE id = ?').run(id).changes > 0;
  }

  /** Whether any history entry or attachment exists (demo data loads only when none does). */
  hasAny(): boolean {
    return (
      this.#db
        .prepare('SELECT 1 FROM changelogs UNION ALL SELECT 1 FROM attachments LIMIT 1')
        .get() !== undefined
    );
  }

  #nextId(table: 'changelogs' | 'attachments'): number {
    const row = this.#db.prepare(`SELECT MAX(id) AS max FROM ${table}`).get();
    const max = z.object({ max: z.number().nullable() }).parse(row).max;
    return max === null ? FIRST_ID : max + 1;
  }
}
