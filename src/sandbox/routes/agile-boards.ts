/**
 * Boards of the agile API (/rest/agile/1.0): listing, one board, its
 * sprints and its backlog. Only boards the caller may see exist for them:
 * anything else is Jira's 404, whether missing or hidden.
 * @see Jira Software Cloud REST, Board group
 */
import { Hono, type Context } from 'hono';
import type { BoardRecord } from '../agile-store.js';
import { findProject } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { jiraError, projectNotFound } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import {
  BOARD_NOT_FOUND,
  boardJson,
  canSeeBoard,
  NO_SPRINT_SUPPORT,
  sprintJson,
  sprintOrder,
} from '../represent-agile.js';
import { agileIssuePage, boardIssues, inBacklog } from './agile-issues.js';
import { listParam, readPage } from './paging.js';

const BOARD_TYPES = new Set(['scrum', 'kanban', 'simple']);
const SPRINT_STATES = new Set(['future', 'active', 'closed']);

/** The board `:boardId` names if the caller may see it, else Jira's 404 (or 400 for a non-number). */
export function visibleBoard(
  c: Context<SandboxEnv>,
  deps: SandboxDeps,
  raw: string | undefined,
): BoardRecord | Response {
  if (raw === undefined || !/^\d{1,18}$/.test(raw)) {
    return jiraError(c, 400, [`The value '${raw ?? ''}' of 'boardId' is not a valid number.`]);
  }
  const board = deps.store.agile.getBoard(Number(raw));
  if (board === undefined || !canSeeBoard(c.get('user'), board)) {
    return jiraError(c, 404, [BOARD_NOT_FOUND]);
  }
  return board;
}

function boardOut(c: Context<SandboxEnv>, deps: SandboxDeps, board: BoardRecord) {
  const owner =
    board.ownerAccountId === null
      ? undefined
      : deps.directory.users.find((u) => u.accountId === board.ownerAccountId);
  return boardJson(c.get('base'), board, owner);
}

/** Routes: GET /board, /board/{id}, /board/{id}/sprint, /board/{id}/backlog. */
export function agileBoardRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/board */
  app.get('/board', (c) => {
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 50,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const me = c.get('user');
    const types = listParam(c.req.queries('type'));
    const unknownType = types.find((t) => !BOARD_TYPES.has(t));
    if (unknownType !== undefined) {
      return jiraError(c, 400, [`The value '${unknownType}' of 'type' is not valid.`]);
    }
    const projectRef = c.req.query('projectKeyOrId');
    let projectKey: string | undefined;
    if (projectRef !== undefined) {
      const project = findProject(projectRef);
      if (project === undefined || !canBrowseProject(me, project.key)) {
        return jiraError(c, 400, [projectNotFound(projectRef)]);
      }
      projectKey = project.key;
    }
    const name = c.req.query('name')?.toLowerCase();
    const boards = deps.store.agile
      .listBoards()
      .filter(
        (b) =>
          canSeeBoard(me, b) &&
          (types.length === 0 || types.includes(b.type)) &&
          (projectKey === undefined || b.projectKey === projectKey) &&
          (name === undefined || b.name.toLowerCase().includes(name)),
      );
    const slice = boards.slice(page.startAt, page.startAt + page.maxResults);
    return c.json({
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: boards.length,
      isLast: page.startAt + slice.length >= boards.length,
      values: slice.map((b) => boardOut(c, deps, b)),
    });
  });

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/board/{boardId} */
  app.get('/board/:boardId', (c) => {
    const board = visibleBoard(c, deps, c.req.param('boardId'));
    if (board instanceof Response) return board;
    return c.json(boardOut(c, deps, board));
  });

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/board/{boardId}/sprint */
  app.get('/board/:boardId/sprint', (c) => {
    const board = visibleBoard(c, deps, c.req.param('boardId'));
    if (board instanceof Response) return board;
    if (board.type !== 'scrum') return jiraError(c, 400, [NO_SPRINT_SUPPORT]);
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 50,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const states = listParam(c.req.queries('state')).map((s) => s.toLowerCase());
    const badState = states.find((s) => !SPRINT_STATES.has(s));
    if (badState !== undefined) {
      return jiraError(c, 400, [`The value '${badState}' of 'state' is not valid.`]);
    }
    const sprints = deps.store.agile
      .listSprints(board.id)
      .filter((s) => states.length === 0 || states.includes(s.state))
      .sort(sprintOrder);
    const slice = sprints.slice(page.startAt, page.startAt + page.maxResults);
    return c.json({
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: sprints.length,
      isLast: page.startAt + slice.length >= sprints.length,
      values: slice.map((s) => sprintJson(c.get('base'), s)),
    });
  });

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/board/{boardId}/backlog */
  app.get('/board/:boardId/backlog', (c) => {
    const board = visibleBoard(c, deps, c.req.param('boardId'));
    if (board instanceof Response) return board;
    const backlog = boardIssues(deps, c, board).filter((issue) => inBacklog(deps, issue));
    return agileIssuePage(c, deps, backlog);
  });

  return app;
}
