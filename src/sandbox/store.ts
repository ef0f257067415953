/**
 * The sandbox's SQLite store: issues, comments, worklogs and issue links.
 * Everything else (users, projects, workflow) is fixed in code. This is the
 * only sandbox file that loads better-sqlite3, and nothing outside
 * src/sandbox/ imports it, so the Lambda bundle never pulls SQLite in.
 *
 * Layout (all times are epoch milliseconds, rich text is ADF JSON text):
 * - `issues`: one row per issue; `number` is the part after the project key.
 * - `comments`, `worklogs`: rows belong to an issue. A comment's
 *   `visibility_type` ('role' | 'group') and `visibility_value` (the role's
 *   or group's name) restrict it; both null means unrestricted.
 * - `issue_links`: `source_issue_id` is the "from" issue: for "Blocks",
 *   source blocks destination.
 * - `custom_field_values`: one row per set custom field of an issue
 *   (`value` is JSON: option id, number, accountId or text; see custom-fields.ts),
 *   plus `field_id = 'resolution'` for a resolution other than the default.
 * - `meta`: `seeded` once demo data exists, so reopening a file keeps edits.
 */
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { AdfDoc } from './adf.js';
import type { ChangeItem } from './changelog.js';
import { HistoryStore } from './history-store.js';
import { AgileStore } from './agile-store.js';
import { CollaborationStore } from './collaboration-store.js';
import type { CommentVisibility } from './permissions.js';
import { toComment, toIssue, toLink, toWorklog } from './store-rows.js';
import { StructureStore } from './structure-store.js';

export interface IssueRecord {
  id: number;
  projectKey: string;
  number: number;
  issueTypeId: string;
  statusId: string;
  priorityId: string | null;
  summary: string;
  description: AdfDoc | null;
  assigneeId: string | null;
  reporterId: string | null;
  creatorId: string;
  labels: string[];
  parentId: number | null;
  dueDate: string | null;
  originalEstimateSeconds: number | null;
  remainingEstimateSeconds: number | null;
  created: number;
  updated: number;
  statusCategoryChanged: number;
  resolutionDate: number | null;
}

export type NewIssue = Omit<IssueRecord, 'id' | 'number'>;
export type IssuePatch = Partial<Omit<IssueRecord, 'id' | 'number' | 'projectKey' | 'created'>>;

export interface CommentRecord {
  id: number;
  issueId: number;
  authorId: string;
  body: AdfDoc;
  /** Restricted to a project role or group; null when every viewer of the issue sees it. */
  visibility: CommentVisibility | null;
  /** False for a Jira Service Management internal note (column `jsd_public` = 0); absent: public. */
  jsdPublic?: boolean;
  created: number;
  updated: number;
}

export interface WorklogRecord {
  id: number;
  issueId: number;
  authorId: string;
  comment: AdfDoc | null;
  started: number;
  timeSpentSeconds: number;
  created: number;
  updated: number;
}

export interface LinkRecord {
  id: number;
  typeId: string;
  sourceIssueId: number;
  destinationIssueId: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issues (
  id INTEGER PRIMARY KEY,
  project_key TEXT NOT NULL,
  number INTEGER NOT NULL,
  issue_type_id TEXT NOT NULL,
  status_id TEXT NOT NULL,
  priority_id TEXT,
  summary TEXT NOT NULL,
  description TEXT,
  assignee_id TEXT,
  reporter_id TEXT,
  creator_id TEXT NOT NULL,
  labels TEXT NOT NULL,
  parent_id INTEGER REFERENCES issues(id),
  due_date TEXT,
  original_estimate_seconds INTEGER,
  remaining_estimate_seconds INTEGER,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  status_category_changed INTEGER NOT NULL,
  resolution_date INTEGER,
  UNIQUE (project_key, number)
);
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  author_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  visibility_type TEXT,
  visibility_value TEXT
);
CREATE TABLE IF NOT EXISTS worklogs (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  author_id TEXT NOT NULL,
  comment TEXT,
  started INTEGER NOT NULL,
  time_spent_seconds INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS issue_links (
  id INTEGER PRIMARY KEY,
  type_id TEXT NOT NULL,
  source_issue_id INTEGER NOT NULL REFERENCES issues(id),
  destination_issue_id INTEGER NOT NULL REFERENCES issues(id),
  UNIQUE (type_id, source_issue_id, destination_issue_id)
);
CREATE TABLE IF NOT EXISTS custom_field_values (
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  field_id TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (issue_id, field_id)
);
`;

// Jira's first ids; starting there keeps ids looking like production ones.
const FIRST_ISSUE_ID = 10001;
const FIRST_CHILD_ID = 10000;

const ISSUE_COLUMNS: Record<keyof IssuePatch, string> = {
  issueTypeId: 'issue_type_id',
  statusId: 'status_id',
  priorityId: 'priority_id',
  summary: 'summary',
  description: 'description',
  assigneeId: 'assignee_id',
  reporterId: 'reporter_id',
  creatorId: 'creator_id',
  labels: 'labels',
  parentId: 'parent_id',
  dueDate: 'due_date',
  originalEstimateSeconds: 'original_estimate_seconds',
  remainingEstimateSeconds: 'remaining_estimate_seconds',
  updated: 'updated',
  statusCategoryChanged: 'status_category_changed',
  resolutionDate: 'resolution_date',
};

/** Synchronous SQLite persistence for the sandbox's mutable data. */
export class SandboxStore {
  readonly #db: Database.Database;
  /** Issue history and attachments (history-store.ts, AT), on this same database. */
  readonly history: HistoryStore;
  /** Boards, sprints and sprint membership (agile-store.ts), on this same database. */
  readonly agile: AgileStore;
  /** Versions, components and their use on issues (structure-store.ts, SP), on this same database. */
  readonly structure: StructureStore;
  /** Watchers, remote links, single issue links (collaboration-store.ts, SP), on this same database. */
  readonly collaboration: CollaborationStore;

  /** Opens (creating if needed) the database at `dbPath`, or ':memory:'. */
  constructor(dbPath: string) {
    this.#db = new Database(dbPath);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    this.history = new HistoryStore(this.#db);
    this.agile = new AgileStore(this.#db);
    this.structure = new StructureStore(this.#db);
    this.collaboration = new CollaborationStore(this.#db);
    this.#addVisibilityColumns();
  }

  // Files written before comments could be restricted lack these columns.
  #addVisibilityColumns(): void {
    const columns = z
      .array(z.object({ name: z.string() }))
      .parse(this.#db.prepare('PRAGMA table_info(comments)').all())
      .map((column) => column.name);
    for (const column of ['visibility_type', 'visibility_value']) {
      if (!columns.includes(column)) {
        this.#db.exec(`ALTER TABLE comments ADD COLUMN ${column} TEXT`);
      }
    }
    // jsd_public: 0 for an internal note, NULL for every other comment.
    if (!columns.includes('jsd_public')) {
      this.#db.exec('ALTER TABLE comments ADD COLUMN jsd_public INTEGER');
    }
  }

  /** Closes the database; the store is unusable afterwards. */
  close(): void {
    this.#db.close();
  }

  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Whether demo data was loaded into this database before. */
  isSeeded(): boolean {
    return this.#db.prepare("SELECT 1 FROM meta WHERE key = 'seeded'").get() !== undefined;
  }

  /** Records that demo data is loaded, so a reopen does not load it again. */
  markSeeded(at: number): void {
    this.#db
      .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)")
      .run(String(at));
  }

  /** Every issue, oldest id first. */
  listIssues(): IssueRecord[] {
    return this.#db
      .prepare('SELECT * FROM issues ORDER BY id')
      .all()
      .map((row) => toIssue(row));
  }

  /** The issue with this numeric id, if any. */
  getIssueById(id: number): IssueRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM issues WHERE id = ?').get(id);
    return row === undefined ? undefined : toIssue(row);
  }

  /** Looks an issue up by numeric id or by key (case-insensitive, like Jira). */
  getIssue(idOrKey: string): IssueRecord | undefined {
    if (/^\d+$/.test(idOrKey)) return this.getIssueById(Number(idOrKey));
    const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(idOrKey);
    if (match === null) return undefined;
    const row = this.#db
      .prepare('SELECT * FROM issues WHERE project_key = ? AND number = ?')
      .get(match[1]?.toUpperCase(), Number(match[2]));
    return row === undefined ? undefined : toIssue(row);
  }

  /** Inserts an issue with the next id and the project's next number. */
  insertIssue(issue: NewIssue): IssueRecord {
    const id = this.#nextId('issues', FIRST_ISSUE_ID);
    const numberRow = this.#db
      .prepare('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM issues WHERE project_key = ?')
      .get(issue.projectKey);
    const number = z.object({ next: z.number() }).parse(numberRow).next;
    this.#db
      .prepare(
        `INSERT INTO issues (id, project_key, number, issue_type_id, status_id, priority_id, summary,
           description, assignee_id, reporter_id, creator_id, labels, parent_id, due_date,
           original_estimate_seconds, remaining_estimate_seconds, created, updated,
           status_category_changed, resolution_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        issue.projectKey,
        number,
        issue.issueTypeId,
        issue.statusId,
        issue.priorityId,
        issue.summary,
        issue.description === null ? null : JSON.stringify(issue.description),
        issue.assigneeId,
        issue.reporterId,
        issue.creatorId,
        JSON.stringify(issue.labels),
        issue.parentId,
        issue.dueDate,
        issue.originalEstimateSeconds,
        issue.remainingEstimateSeconds,
        issue.created,
        issue.updated,
        issue.statusCategoryChanged,
        issue.resolutionDate,
      );
    // Jira's default auto-watch: the reporter and the assignee watch a new issue.
    for (const watcher of [issue.reporterId, issue.assigneeId]) {
      if (watcher !== null) this.collaboration.addWatcher(id, watcher);
    }
    return { ...issue, id, number };
  }

  /** Writes the given fields of one issue; absent fields are left alone. */
  updateIssue(id: number, patch: IssuePatch): void {
    const entries = Object.entries(patch);
    if (entries.length === 0) return;
    const assignments: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of entries) {
      assignments.push(`${ISSUE_COLUMNS[key as keyof IssuePatch]} = ?`);
      values.push(
        key === 'labels' || (key === 'description' && value !== null)
          ? JSON.stringify(value)
          : value,
      );
    }
    this.#db.prepare(`UPDATE issues SET ${assignments.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** An issue's comments, oldest first. */
  listComments(issueId: number): CommentRecord[] {
    return this.#db
      .prepare('SELECT * FROM comments WHERE issue_id = ? ORDER BY created, id')
      .all(issueId)
      .map((row) => toComment(row));
  }

  /** Every comment of every issue, oldest first (for text search). */
  listAllComments(): CommentRecord[] {
    return this.#db
      .prepare('SELECT * FROM comments ORDER BY created, id')
      .all()
      .map((row) => toComment(row));
  }

  /** Adds a comment with the next comment id. */
  insertComment(comment: Omit<CommentRecord, 'id'>): CommentRecord {
    const id = this.#nextId('comments', FIRST_CHILD_ID);
    this.#db
      .prepare(
        `INSERT INTO comments (id, issue_id, author_id, body, created, updated, visibility_type, visibility_value, jsd_public)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        comment.issueId,
        comment.authorId,
        JSON.stringify(comment.body),
        comment.created,
        comment.updated,
        comment.visibility?.type ?? null,
        comment.visibility?.value ?? null,
        comment.jsdPublic === false ? 0 : null,
      );
    return { ...comment, id };
  }

  /** An issue's worklogs, by start time. */
  listWorklogs(issueId: number): WorklogRecord[] {
    return this.#db
      .prepare('SELECT * FROM worklogs WHERE issue_id = ? ORDER BY started, id')
      .all(issueId)
      .map((row) => toWorklog(row));
  }

  /** Adds a worklog with the next worklog id. */
  insertWorklog(worklog: Omit<WorklogRecord, 'id'>): WorklogRecord {
    const id = this.#nextId('worklogs', FIRST_CHILD_ID);
    this.#db
      .prepare(
        `INSERT INTO worklogs (id, issue_id, author_id, comment, started, time_spent_seconds, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        worklog.issueId,
        worklog.authorId,
        worklog.comment === null ? null : JSON.stringify(worklog.comment),
        worklog.started,
        worklog.timeSpentSeconds,
        worklog.created,
        worklog.updated,
      );
    return { ...worklog, id };
  }

  /** Links touching the issue on either side, oldest first. */
  listLinks(issueId: number): LinkRecord[] {
    return this.#db
      .prepare(
        'SELECT * FROM issue_links WHERE source_issue_id = ? OR destination_issue_id = ? ORDER BY id',
      )
      .all(issueId, issueId)
      .map((row) => toLink(row));
  }

  /** Creates a link; an identical existing link is returned instead, as Jira does. */
  insertLink(link: Omit<LinkRecord, 'id'>): LinkRecord {
    const existing = this.#db
      .prepare(
        'SELECT * FROM issue_links WHERE type_id = ? AND source_issue_id = ? AND destination_issue_id = ?',
      )
      .get(link.typeId, link.sourceIssueId, link.destinationIssueId);
    if (existing !== undefined) return toLink(existing);
    const id = this.#nextId('issue_links', FIRST_CHILD_ID);
    this.#db
      .prepare(
        'INSERT INTO issue_links (id, type_id, source_issue_id, destination_issue_id) VALUES (?, ?, ?, ?)',
      )
      .run(id, link.typeId, link.sourceIssueId, link.destinationIssueId);
    return { ...link, id };
  }

  // --- custom fields (CF) ---

  /** An issue's custom field values (and chosen resolution) by field id, as stored JSON values. */
  customFieldValues(issueId: number): Record<string, unknown> {
    const rows = z
      .array(z.object({ field_id: z.string(), value: z.string() }))
      .parse(
        this.#db
          .prepare('SELECT field_id, value FROM custom_field_values WHERE issue_id = ?')
          .all(issueId),
      );
    return Object.fromEntries(rows.map((r) => [r.field_id, JSON.parse(r.value) as unknown]));
  }

  /** Sets (or with null, clears) custom field values of one issue. */
  setCustomFieldValues(issueId: number, values: Readonly<Record<string, unknown>>): void {
    const clear = this.#db.prepare(
      'DELETE FROM custom_field_values WHERE issue_id = ? AND field_id = ?',
    );
    const put = this.#db.prepare(
      'INSERT OR REPLACE INTO custom_field_values (issue_id, field_id, value) VALUES (?, ?, ?)',
    );
    for (const [fieldId, value] of Object.entries(values)) {
      if (value === null || value === undefined) clear.run(issueId, fieldId);
      else put.run(issueId, fieldId, JSON.stringify(value));
    }
  }

  // --- history (AT) ---

  /**
   * Records one history entry (one item per field changed) on the issue;
   * nothing when `items` is empty. Call it inside the transaction of the
   * write it describes, with that write's time as `at`.
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
   */
  recordChange(
    issueId: number,
    authorId: string | null,
    items: readonly ChangeItem[],
    at: number,
  ): void {
    this.history.recordChange(issueId, authorId, items, at);
  }

  #nextId(table: 'issues' | 'comments' | 'worklogs' | 'issue_links', first: number): number {
    const row = this.#db.prepare(`SELECT MAX(id) AS max FROM ${table}`).get();
    const max = z.object({ max: z.number().nullable() }).parse(row).max;
    return max === null ? first : max + 1;
  }
}
