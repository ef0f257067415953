/**
 * Project structure in the sandbox's SQLite file: versions and components
 * (what a project admin sets up), and which of them each issue carries in
 * `fixVersions`, `versions` (affects versions) and `components`.
 *
 * Layout:
 * - `project_versions`: one row per version; names are unique per project
 *   (case-insensitive, like Jira's); dates are `yyyy-mm-dd` text; `sequence`
 *   is the order the project shows them in (creation order).
 * - `project_components`: one row per component, names unique per project.
 * - `issue_versions`: (issue, field, version) with field `fixVersions` or `versions`.
 * - `issue_components`: (issue, component).
 * Ids start at 10000, as Jira's do.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';

/** @see Jira Cloud REST v3 `Version` */
export interface VersionRecord {
  id: number;
  projectKey: string;
  name: string;
  description: string | null;
  /** `yyyy-mm-dd`. */
  startDate: string | null;
  /** `yyyy-mm-dd`. */
  releaseDate: string | null;
  released: boolean;
  archived: boolean;
}

/** @see Jira Cloud REST v3 `ProjectComponent` */
export interface ComponentRecord {
  id: number;
  projectKey: string;
  name: string;
  description: string | null;
  leadAccountId: string | null;
}

/** The two issue fields that hold versions. */
export type VersionField = 'fixVersions' | 'versions';

/** A reference by id or by name, as Jira's `{ "id": … }` / `{ "name": … }`. */
export interface NameOrIdRef {
  id?: string | undefined;
  name?: string | undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS project_versions (
  id INTEGER PRIMARY KEY,
  project_key TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  description TEXT,
  start_date TEXT,
  release_date TEXT,
  released INTEGER NOT NULL,
  archived INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  UNIQUE (project_key, name)
);
CREATE TABLE IF NOT EXISTS project_components (
  id INTEGER PRIMARY KEY,
  project_key TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  description TEXT,
  lead_account_id TEXT,
  UNIQUE (project_key, name)
);
CREATE TABLE IF NOT EXISTS issue_versions (
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  field TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES project_versions(id),
  PRIMARY KEY (issue_id, field, version_id)
);
CREATE TABLE IF NOT EXISTS issue_components (
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  component_id INTEGER NOT NULL REFERENCES project_components(id),
  PRIMARY KEY (issue_id, component_id)
);
`;

const FIRST_ID = 10000;

const VersionRow = z.object({
  id: z.number(),
  project_key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  start_date: z.string().nullable(),
  release_date: z.string().nullable(),
  released: z.number(),
  archived: z.number(),
});

const ComponentRow = z.object({
  id: z.number(),
  project_key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  lead_account_id: z.string().nullable(),
});

function toVersion(row: unknown): VersionRecord {
  const r = VersionRow.parse(row);
  return {
    id: r.id,
    projectKey: r.project_key,
    name: r.name,
    description: r.description,
    startDate: r.start_date,
    releaseDate: r.release_date,
    released: r.released === 1,
    archived: r.archived === 1,
  };
}

function toComponent(row: unknown): ComponentRecord {
  const r = ComponentRow.parse(row);
  return {
    id: r.id,
    projectKey: r.project_key,
    name: r.name,
    description: r.description,
    leadAccountId: r.lead_account_id,
  };
}

/** Versions, components and their use on issues; shares the sandbox store's database. */
export class StructureStore {
  readonly #db: Database.Database;

  /** Creates the tables if missing; `db` belongs to the SandboxStore. */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  /** A project's versions in the order the project shows them. */
  listVersions(projectKey: string): VersionRecord[] {
    return this.#db
      .prepare('SELECT * FROM project_versions WHERE project_key = ? ORDER BY sequence, id')
      .all(projectKey)
      .map(toVersion);
  }

  /** The version with this id, in any project. */
  getVersion(id: number): VersionRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM project_versions WHERE id = ?').get(id);
    return row === undefined ? undefined : toVersion(row);
  }

  /**
   * One of the project's versions by id (exact) or name (case-insensitive);
   * a version of another project is not found.
   * @see Jira Cloud REST v3 `Version` (issue fields `fixVersions`, `versions`)
   */
  findVersion(projectKey: string, ref: NameOrIdRef): VersionRecord | undefined {
    const row =
      ref.id !== undefined
        ? /^\d+$/.test(ref.id)
          ? this.#db
              .prepare('SELECT * FROM project_versions WHERE project_key = ? AND id = ?')
              .get(projectKey, Number(ref.id))
          : undefined
        : this.#db
            .prepare('SELECT * FROM project_versions WHERE project_key = ? AND name = ?')
            .get(projectKey, ref.name ?? '');
    return row === undefined ? undefined : toVersion(row);
  }

  /** Adds a version at the end of the project's order. The name must be free (checked by the caller). */
  insertVersion(version: Omit<VersionRecord, 'id'>): VersionRecord {
    const id = this.#nextId('project_versions');
    const sequence = z
      .object({ next: z.number() })
      .parse(
        this.#db
          .prepare(
            'SELECT COALESCE(MAX(sequence), 0) + 1 AS next FROM project_versions WHERE project_key = ?',
          )
          .get(version.projectKey),
      ).next;
    this.#db
      .prepare(
        `INSERT INTO project_versions (id, project_key, name, description, start_date, release_date,
           released, archived, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        version.projectKey,
        version.name,
        version.description,
        version.startDate,
        version.releaseDate,
        version.released ? 1 : 0,
        version.archived ? 1 : 0,
        sequence,
      );
    return { ...version, id };
  }

  /** A project's components by name. */
  listComponents(projectKey: string): ComponentRecord[] {
    return this.#db
      .prepare('SELECT * FROM project_components WHERE project_key = ? ORDER BY name, id')
      .all(projectKey)
      .map(toComponent);
  }

  /**
   * One of the project's components by id (exact) or name (case-insensitive).
   * @see Jira Cloud REST v3 `ProjectComponent` (issue field `components`)
   */
  findComponent(projectKey: string, ref: NameOrIdRef): ComponentRecord | undefined {
    const row =
      ref.id !== undefined
        ? /^\d+$/.test(ref.id)
          ? this.#db
              .prepare('SELECT * FROM project_components WHERE project_key = ? AND id = ?')
              .get(projectKey, Number(ref.id))
          : undefined
        : this.#db
            .prepare('SELECT * FROM project_components WHERE project_key = ? AND name = ?')
            .get(projectKey, ref.name ?? '');
    return row === undefined ? undefined : toComponent(row);
  }

  /** Adds a component. The name must be free (checked by the caller). */
  insertComponent(component: Omit<ComponentRecord, 'id'>): ComponentRecord {
    const id = this.#nextId('project_components');
    this.#db
      .prepare(
        'INSERT INTO project_components (id, project_key, name, description, lead_account_id) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        id,
        component.projectKey,
        component.name,
        component.description,
        component.leadAccountId,
      );
    return { ...component, id };
  }

  /** How many issues carry the component. */
  componentIssueCount(componentId: number): number {
    const row = this.#db
      .prepare('SELECT COUNT(*) AS n FROM issue_components WHERE component_id = ?')
      .get(componentId);
    return z.object({ n: z.number() }).parse(row).n;
  }

  /** The versions in one of an issue's version fields, in project order. */
  issueVersions(issueId: number, field: VersionField): VersionRecord[] {
    return this.#db
      .prepare(
        `SELECT v.* FROM issue_versions iv JOIN project_versions v ON v.id = iv.version_id
         WHERE iv.issue_id = ? AND iv.field = ? ORDER BY v.sequence, v.id`,
      )
      .all(issueId, field)
      .map(toVersion);
  }

  /** Replaces the versions in one of an issue's version fields. */
  setIssueVersions(issueId: number, field: VersionField, versionIds: readonly number[]): void {
    this.#db
      .prepare('DELETE FROM issue_versions WHERE issue_id = ? AND field = ?')
      .run(issueId, field);
    const insert = this.#db.prepare(
      'INSERT OR IGNORE INTO issue_versions (issue_id, field, version_id) VALUES (?, ?, ?)',
    );
    for (const id of versionIds) insert.run(issueId, field, id);
  }

  /** An issue's components, by name. */
  issueComponents(issueId: number): ComponentRecord[] {
    return this.#db
      .prepare(
        `SELECT c.* FROM issue_components ic JOIN project_components c ON c.id = ic.component_id
         WHERE ic.issue_id = ? ORDER BY c.name, c.id`,
      )
      .all(issueId)
      .map(toComponent);
  }

  /** Replaces an issue's components. */
  setIssueComponents(issueId: number, componentIds: readonly number[]): void {
    this.#db.prepare('DELETE FROM issue_components WHERE issue_id = ?').run(issueId);
    const insert = this.#db.prepare(
      'INSERT OR IGNORE INTO issue_components (issue_id, component_id) VALUES (?, ?)',
    );
    for (const id of componentIds) insert.run(issueId, id);
  }

  #nextId(table: 'project_versions' | 'project_components'): number {
    const row = this.#db.prepare(`SELECT MAX(id) AS max FROM ${table}`).get();
    const max = z.object({ max: z.number().nullable() }).parse(row).max;
    return max === null ? FIRST_ID : max + 1;
  }
}
