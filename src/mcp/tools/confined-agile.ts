/**
 * The agile client methods seen through the `JIRA_PROJECTS` allow-list
 * (confined-jira.ts spreads these into the confined client):
 * - a board is allowed only when its location is an allowed project; a
 *   board located on a person (no project: its filter may span any
 *   project) is hidden, because nothing proves what it shows;
 * - a sprint is reachable only through its origin board, so a sprint id
 *   given directly is checked by asking Jira for that board;
 * - issue keys to move are checked and resolved like every other key;
 * - backlog JQL is confined like a search, and every issue that comes back
 *   passes the same per-issue check as search results.
 */
import type { JiraBoard, JiraSprint } from '../../jira/schemas-agile.js';
import type { JiraIssue } from '../../jira/schemas.js';
import type { JiraApi } from './confined-jira.js';
import type { ProjectAllowList } from './project-allow-list.js';
import { ToolUsageError } from './tool-definition.js';

/** The agile methods of {@link JiraApi}. */
export type AgileApi = Pick<
  JiraApi,
  | 'listBoards'
  | 'getBoard'
  | 'listSprints'
  | 'getSprint'
  | 'createSprint'
  | 'updateSprint'
  | 'moveIssuesToSprint'
  | 'moveIssuesToBacklog'
  | 'getBoardBacklog'
>;

/** What confined-jira.ts lends: key resolution and the search-result check. */
export interface ConfinementHelpers {
  /** The issue's current key once Jira says it lives in an allowed project; throws otherwise. */
  resolve(key: string): Promise<string>;
  /** An issue as a listing may show it: itself (scrubbed), or key and project when foreign. */
  listed(issue: JiraIssue): JiraIssue;
}

/** Keys resolved at most this many at a time (a move names up to 50). */
const RESOLVE_CONCURRENCY = 5;

/** The project a board is located in, if it is located in one. */
export function boardProject(board: JiraBoard): string | undefined {
  return board.location?.projectKey;
}

/**
 * The agile methods confined to `projects`; call only when the list is
 * restricted (confineJira returns the raw client otherwise).
 * @see Jira Software Cloud REST API (Board `location`, Sprint `originBoardId`)
 */
export function confineAgile(
  jira: JiraApi,
  projects: ProjectAllowList,
  helpers: ConfinementHelpers,
): AgileApi {
  const outside = (what: string): ToolUsageError =>
    new ToolUsageError(
      'project_not_allowed',
      `${what} is outside the projects this gateway may access (${projects.projects.join(', ')}).`,
    );
  const allowedBoard = (board: JiraBoard): boolean => {
    const project = boardProject(board);
    return project !== undefined && projects.allows(project);
  };
  // Boards asked about during this one call (confineJira runs per call).
  const boards = new Map<number, Promise<JiraBoard>>();
  const board = (id: number): Promise<JiraBoard> => {
    let found = boards.get(id);
    if (found === undefined) {
      found = jira.getBoard(id);
      boards.set(id, found);
    }
    return found;
  };
  const checkBoard = async (id: number): Promise<JiraBoard> => {
    const found = await board(id);
    if (!allowedBoard(found)) throw outside(`Board ${id}`);
    return found;
  };
  const checkSprint = async (id: number): Promise<JiraSprint> => {
    const sprint = await jira.getSprint(id);
    const origin = sprint.originBoardId;
    if (origin === undefined || origin === null) throw outside(`Sprint ${id}`);
    const found = await board(origin);
    if (!allowedBoard(found)) throw outside(`Sprint ${id}`);
    return sprint;
  };
  const resolveAll = async (keys: readonly string[]): Promise<string[]> => {
    const resolved: string[] = [];
    for (let i = 0; i < keys.length; i += RESOLVE_CONCURRENCY) {
      const batch = keys.slice(i, i + RESOLVE_CONCURRENCY);
      resolved.push(...(await Promise.all(batch.map((key) => helpers.resolve(key)))));
    }
    return resolved;
  };
  return {
    async listBoards(input = {}) {
      if (input.projectKeyOrId !== undefined) projects.assertProject(input.projectKeyOrId);
      const page = await jira.listBoards(input);
      const values = page.values.filter(allowedBoard);
      // How many boards were hidden, so the tool can say so.
      return { ...page, values, withheld: page.values.length - values.length };
    },
    async getBoard(id) {
      return checkBoard(id);
    },
    async listSprints(boardId, input) {
      await checkBoard(boardId);
      const page = await jira.listSprints(boardId, input);
      // A sprint shared from another board is shown only if that board is allowed too.
      const shown: JiraSprint[] = [];
      for (const sprint of page.values) {
        const origin = sprint.originBoardId;
        if (origin === boardId) shown.push(sprint);
        else if (origin !== undefined && origin !== null) {
          const found = await board(origin).catch(() => undefined);
          if (found !== undefined && allowedBoard(found)) shown.push(sprint);
        }
      }
      return { ...page, values: shown };
    },
    async getSprint(id) {
      return checkSprint(id);
    },
    async createSprint(input) {
      await checkBoard(input.boardId);
      return jira.createSprint(input);
    },
    async updateSprint(id, input) {
      await checkSprint(id);
      return jira.updateSprint(id, input);
    },
    async moveIssuesToSprint(sprintId, keys) {
      // Every key is checked by its project before Jira is asked anything.
      for (const key of keys) projects.assertIssueKey(key);
      await checkSprint(sprintId);
      return jira.moveIssuesToSprint(sprintId, await resolveAll(keys));
    },
    async moveIssuesToBacklog(keys) {
      for (const key of keys) projects.assertIssueKey(key);
      return jira.moveIssuesToBacklog(await resolveAll(keys));
    },
    async getBoardBacklog(boardId, input = {}) {
      await checkBoard(boardId);
      const jql = projects.confineJql(input.jql ?? '');
      const fields =
        input.fields === undefined || input.fields.includes('project')
          ? input.fields
          : [...input.fields, 'project'];
      const page = await jira.getBoardBacklog(boardId, {
        ...input,
        jql,
        ...(fields === undefined ? {} : { fields }),
      });
      return { ...page, issues: page.issues.map((issue) => helpers.listed(issue)) };
    },
  };
}
