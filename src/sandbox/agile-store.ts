/**
 * The sandbox's Jira Software data: boards, sprints and which issues each
 * sprint holds. It shares the SandboxStore's SQLite database (the store
 * creates it), so one transaction covers issues and sprints alike.
 *
 * Layout (times are epoch milliseconds):
 * - `agile_boards`: `project_key` is the board's location project, null for
 *   a board located on a person (`owner_account_id`), whose filter is
 *   "issues assigned to the owner" across projects.
 * - `agile_sprints`: `state` is 'future' | 'active' | 'closed'; dates are
 *   null until set; `board_id` is the origin board.
 * - `agile_sprint_issues`: membership. An issue is in at most one open
 *   (future or active) sprint; rows in closed sprints are history, as Jira
 *   keeps a closed sprint in an issue's Sprint field.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';

export type BoardType = 'scrum' | 'kanban' | 'simple';
export type SprintState = 'future' | 'active' | 'closed';

export interface BoardRecord {
  id: number;
  name: string;
  type: BoardType;
  projectKey: string | null;
  ownerAccountId: string | null;
}

export interface SprintRecord {
  id: number;
  boardId: number;
  name: string;
  goal: string;
  state: SprintState;
  startDate: number | null;
  endDate: number | null;
  completeDate: number | null;
  createdDate: number;
}

export type NewSprint = Omit<SprintRecord, 'id'>;
export type SprintPatch = Partial<Omit<SprintRecord, 'id' | 'boardId' | 'createdDate'>>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agile_boards (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  project_key TEXT,
  owner_account_id TEXT
);
CREATE TABLE IF NOT EXISTS agile_sprints (
  id INTEGER PRIMARY KEY,
  board_id INTEGER NOT NULL REFERENCES agile_boards(id),
  name TEXT NOT NULL,
  goal TEXT NOT NULL,
  state TEXT NOT NULL,
  start_date INTEGER,
  end_date INTEGER,
  complete_date INTEGER,
  created_date INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agile_sprint_issues (
  sprint_id INTEGER NOT NULL REFERENCES agile_sprints(id),
  issue_id INTEGER NOT NULL REFERENCES issues(id),
  PRIMARY KEY (sprint_id, issue_id)
);
`;

const BoardRow = z.object({
  id: z.number(),
  name: z.string(),
  type: z.enum(['scrum', 'kanban', 'simple']),
  project_key: z.string().nullable(),
  owner_account_id: z.string().nullable(),
});

const SprintRow = z.object({
  id: z.number(),
  board_id: z.number(),
  name: z.string(),
  goal: z.string(),
  state: z.enum(['future', 'active', 'closed']),
  start_date: z.number().nullable(),
  end_date: z.number().nullable(),
  complete_date: z.number().nullable(),
  created_date: z.number(),
});

const MembershipRow = z.object({ sprint_id: z.number(), issue_id: z.number() });

function toBoard(raw: unknown): BoardRecord {
  const row = BoardRow.parse(raw);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    projectKey: row.project_key,
    ownerAccountId: row.owner_account_id,
  };
}

function toSprint(raw: unknown): SprintRecord {
  const row = SprintRow.parse(raw);
  return {
    id: row.id,
    boardId: row.board_id,
    name: row.name,
    goal: row.goal,
    state: row.state,
    startDate: row.start_date,
    endDate: row.end_date,
    completeDate: row.complete_date,
    createdDate: row.created_date,
  };
}

const SPRINT_COLUMNS: Record<keyof SprintPatch, string> = {
  name: 'name',
  goal: 'goal',
  state: 'state',
  startDate: 'start_date',
  endDate: 'end_date',
  completeDate: 'complete_date',
};

/** Boards, sprints and sprint membership, on the sandbox's database. */
export class AgileStore {
  readonly #db: Database.Database;

  /** Creates the agile tables in `db` if they are missing. */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  /** Every board, by id. */
  listBoards(): BoardRecord[] {
    return this.#db
      .prepare('SELECT * FROM agile_boards ORDER BY id')
      .all()
      .map((row) => toBoard(row));
  }

  getBoard(id: number): BoardRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM agile_boards WHERE id = ?').get(id);
    return row === undefined ? undefined : toBoard(row);
  }

  /** Adds a board with the next id (Jira's board ids start at 1). */
  insertBoard(board: Omit<BoardRecord, 'id'>): BoardRecord {
    const id = this.#nextId('agile_boards');
    this.#db
      .prepare(
        'INSERT INTO agile_boards (id, name, type, project_key, owner_account_id) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, board.name, board.type, board.projectKey, board.ownerAccountId);
    return { ...board, id };
  }

  /** A board's sprints (origin board), by id. */
  listSprints(boardId: number): SprintRecord[] {
    return this.#db
      .prepare('SELECT * FROM agile_sprints WHERE board_id = ? ORDER BY id')
      .all(boardId)
      .map((row) => toSprint(row));
  }

  getSprint(id: number): SprintRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM agile_sprints WHERE id = ?').get(id);
    return row === undefined ? undefined : toSprint(row);
  }

  /** Every sprint, by id (for JQL, which resolves sprints by id or name). */
  listAllSprints(): SprintRecord[] {
    return this.#db
      .prepare('SELECT * FROM agile_sprints ORDER BY id')
      .all()
      .map((row) => toSprint(row));
  }

  /** Adds a sprint with the next id. */
  insertSprint(sprint: NewSprint): SprintRecord {
    const id = this.#nextId('agile_sprints');
    this.#db
      .prepare(
        `INSERT INTO agile_sprints (id, board_id, name, goal, state, start_date, end_date, complete_date, created_date)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        sprint.boardId,
        sprint.name,
        sprint.goal,
        sprint.state,
        sprint.startDate,
        sprint.endDate,
        sprint.completeDate,
        sprint.createdDate,
      );
    return { ...sprint, id };
  }

  /** Writes the given fields of one sprint. */
  updateSprint(id: number, patch: SprintPatch): void {
    const entries = Object.entries(patch);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${SPRINT_COLUMNS[key as keyof SprintPatch]} = ?`);
    this.#db
      .prepare(`UPDATE agile_sprints SET ${sets.join(', ')} WHERE id = ?`)
      .run(...entries.map(([, value]) => value), id);
  }

  /** The ids of the issues in a sprint, oldest issue first (the sandbox's rank). */
  issueIdsInSprint(sprintId: number): number[] {
    return this.#db
      .prepare('SELECT issue_id FROM agile_sprint_issues WHERE sprint_id = ? ORDER BY issue_id')
      .all(sprintId)
      .map((row) => MembershipRow.pick({ issue_id: true }).parse(row).issue_id);
  }

  /** The sprints an issue is or was in, by sprint id. */
  sprintsOfIssue(issueId: number): SprintRecord[] {
    return this.#db
      .prepare(
        `SELECT s.* FROM agile_sprints s JOIN agile_sprint_issues m ON m.sprint_id = s.id
         WHERE m.issue_id = ? ORDER BY s.id`,
      )
      .all(issueId)
      .map((row) => toSprint(row));
  }

  /** Sprint ids by issue id, for every issue in any sprint (one query, for search). */
  sprintIdsByIssue(): Map<number, number[]> {
    const byIssue = new Map<number, number[]>();
    const rows = this.#db
      .prepare('SELECT sprint_id, issue_id FROM agile_sprint_issues ORDER BY sprint_id')
      .all();
    for (const raw of rows) {
      const row = MembershipRow.parse(raw);
      byIssue.set(row.issue_id, [...(byIssue.get(row.issue_id) ?? []), row.sprint_id]);
    }
    return byIssue;
  }

  /**
   * Takes the issues out of every open sprint and, with `sprintId`, puts
   * them in that sprint. Returns each issue's open sprints before the move.
   */
  moveIssues(issueIds: readonly number[], sprintId: number | null): Map<number, SprintRecord[]> {
    const before = new Map<number, SprintRecord[]>();
    const leave = this.#db.prepare(
      `DELETE FROM agile_sprint_issues WHERE issue_id = ? AND sprint_id IN
         (SELECT id FROM agile_sprints WHERE state IN ('future', 'active'))`,
    );
    const join = this.#db.prepare(
      'INSERT OR IGNORE INTO agile_sprint_issues (sprint_id, issue_id) VALUES (?, ?)',
    );
    for (const issueId of issueIds) {
      before.set(
        issueId,
        this.sprintsOfIssue(issueId).filter((s) => s.state !== 'closed'),
      );
      leave.run(issueId);
      if (sprintId !== null) join.run(sprintId, issueId);
    }
    return before;
  }

  #nextId(table: 'agile_boards' | 'agile_sprints'): number {
    const row = this.#db.prepare(`SELECT MAX(id) AS max FROM ${table}`).get();
    const max = z.object({ max: z.number().nullable() }).parse(row).max;
    return max === null ? 1 : max + 1;
  }
}
