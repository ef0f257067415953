/**
 * Agile read tools (Jira Software, scope `jira:read`): boards, a board's
 * sprints and its backlog. The allow-list applies through the confined
 * client (confined-agile.ts): boards outside the allowed projects are
 * hidden, and so is everything reached through them.
 */
import { z } from 'zod';
import { DEFAULT_SEARCH_FIELDS } from '../../jira/request-bodies.js';
import { SCOPES } from '../../oauth/scopes.js';
import {
  BOARD_ID_INPUT,
  BOARD_VIEW,
  boardLine,
  nextStartAt,
  SPRINT_VIEW,
  sprintLine,
  toBoardView,
  toSprintView,
} from './agile-format.js';
import { PROJECT_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import {
  issueLine,
  issueProject,
  ISSUE_SUMMARY_SCHEMA,
  oneLine,
  toIssueSummary,
} from './format.js';
import { defineTool, type JiraTool } from './tool-definition.js';

const START_AT_INPUT = z
  .number()
  .int()
  .min(0)
  .default(0)
  .describe('Index of the first entry to return, for paging (as the previous result says).');

const listBoards = defineTool({
  name: 'jira_list_boards',
  scope: SCOPES.read,
  title: 'List Jira boards',
  description:
    'Lists Jira Software boards (scrum or kanban): id, name, type and project. Use it to find the board id that jira_list_sprints, jira_create_sprint and jira_get_board_backlog need. ' +
    'Arguments (all optional): projectKey ("DEMO"); type ("scrum", "kanban" or "simple"); name (text in the board name); maxResults (1-50, default 50); startAt for the next page.',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT.optional(),
    type: z.enum(['scrum', 'kanban', 'simple']).optional().describe('Only boards of this type.'),
    name: z.string().trim().min(1).max(200).optional().describe('Text the board name contains.'),
    maxResults: z.number().int().min(1).max(50).default(50).describe('Boards per page (1-50).'),
    startAt: START_AT_INPUT,
  }),
  outputSchema: z.object({
    boards: z.array(BOARD_VIEW),
    startAt: z.number(),
    total: z.number().nullable(),
    nextStartAt: z.number().nullable(),
    withheld: z.number(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira }) {
    const page = await jira.listBoards({
      startAt: input.startAt,
      maxResults: input.maxResults,
      ...(input.projectKey === undefined ? {} : { projectKeyOrId: input.projectKey }),
      ...(input.type === undefined ? {} : { type: input.type }),
      ...(input.name === undefined ? {} : { name: input.name }),
    });
    const boards = page.values.map(toBoardView);
    const withheld = typeof page['withheld'] === 'number' ? page['withheld'] : 0;
    const next = nextStartAt(page, input.startAt, page.values.length + withheld);
    const markdown = [
      boards.length === 0 ? 'No boards found.' : `Boards (${boards.length}):`,
      ...boards.map(boardLine),
      ...(withheld > 0
        ? [`${withheld} board(s) outside the allowed projects (or in no project) were withheld.`]
        : []),
      ...(next === null ? [] : [`More boards exist: call again with startAt=${next}.`]),
    ].join('\n');
    return {
      markdown,
      structured: {
        boards,
        startAt: input.startAt,
        total: page.total ?? null,
        nextStartAt: next,
        withheld,
      },
    };
  },
});

const SPRINT_STATE = z.enum(['future', 'active', 'closed']);

const listSprints = defineTool({
  name: 'jira_list_sprints',
  scope: SCOPES.read,
  title: 'List the sprints of a board',
  description:
    'Lists the sprints of a scrum board, closed first, then active, then future: id, name, state, dates and goal. ' +
    'Arguments: boardId (from jira_list_boards); states (optional) e.g. ["active"] or ["active", "future"]; maxResults (1-50, default 50); startAt for the next page. ' +
    'To see a sprint\'s issues, use jira_search_issues with JQL "sprint = <id>".',
  inputSchema: z.object({
    boardId: BOARD_ID_INPUT,
    states: z
      .array(SPRINT_STATE)
      .min(1)
      .max(3)
      .optional()
      .describe('Only sprints in these states: future, active, closed.'),
    maxResults: z.number().int().min(1).max(50).default(50).describe('Sprints per page (1-50).'),
    startAt: START_AT_INPUT,
  }),
  outputSchema: z.object({
    boardId: z.number(),
    sprints: z.array(SPRINT_VIEW),
    startAt: z.number(),
    total: z.number().nullable(),
    nextStartAt: z.number().nullable(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira }) {
    const page = await jira.listSprints(input.boardId, {
      startAt: input.startAt,
      maxResults: input.maxResults,
      ...(input.states === undefined ? {} : { states: [...new Set(input.states)] }),
    });
    const sprints = page.values.map(toSprintView);
    const next = nextStartAt(page, input.startAt, page.values.length);
    const markdown = [
      sprints.length === 0
        ? `No sprints on board ${input.boardId}${input.states === undefined ? '' : ` in state ${input.states.join(' or ')}`}.`
        : `Sprints of board ${input.boardId} (${sprints.length}):`,
      ...sprints.map(sprintLine),
      ...(next === null ? [] : [`More sprints exist: call again with startAt=${next}.`]),
    ].join('\n');
    return {
      markdown,
      structured: {
        boardId: input.boardId,
        sprints,
        startAt: input.startAt,
        total: page.total ?? null,
        nextStartAt: next,
      },
    };
  },
});

const getBoardBacklog = defineTool({
  name: 'jira_get_board_backlog',
  scope: SCOPES.read,
  title: 'Show the backlog of a board',
  description:
    'Lists the backlog of a board in rank order: incomplete issues in no future or active sprint. ' +
    'Arguments: boardId (from jira_list_boards); jql (optional) narrows it, e.g. "priority = High"; maxResults (1-50, default 25); startAt for the next page.',
  inputSchema: z.object({
    boardId: BOARD_ID_INPUT,
    jql: z
      .string()
      .trim()
      .min(1)
      .max(2_000)
      .optional()
      .describe('Optional JQL condition to narrow the backlog, e.g. "assignee = currentUser()".'),
    maxResults: z.number().int().min(1).max(50).default(25).describe('Issues per page (1-50).'),
    startAt: START_AT_INPUT,
  }),
  outputSchema: z.object({
    boardId: z.number(),
    issues: z.array(ISSUE_SUMMARY_SCHEMA),
    startAt: z.number(),
    total: z.number().nullable(),
    nextStartAt: z.number().nullable(),
    withheld: z.number(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira, projects }) {
    const page = await jira.getBoardBacklog(input.boardId, {
      fields: DEFAULT_SEARCH_FIELDS,
      startAt: input.startAt,
      maxResults: input.maxResults,
      ...(input.jql === undefined ? {} : { jql: input.jql }),
    });
    // Defence in depth: whatever the board's filter holds, nothing outside the allow-list leaves.
    const visible = page.issues.filter((issue) => projects.allows(issueProject(issue)));
    const withheld = page.issues.length - visible.length;
    const issues = visible.map(toIssueSummary);
    const next = nextStartAt(page, input.startAt, page.issues.length);
    const markdown = [
      issues.length === 0
        ? `The backlog of board ${input.boardId} is empty${input.jql === undefined ? '' : ` for "${oneLine(input.jql)}"`}.`
        : `Backlog of board ${input.boardId}: ${issues.length} issue(s)${page.total === undefined ? '' : ` of ${page.total}`}:`,
      ...issues.map(issueLine),
      ...(withheld > 0 ? [`${withheld} issue(s) outside the allowed projects were withheld.`] : []),
      ...(next === null ? [] : [`More issues: call again with startAt=${next}.`]),
    ].join('\n');
    return {
      markdown,
      structured: {
        boardId: input.boardId,
        issues,
        startAt: input.startAt,
        total: page.total ?? null,
        nextStartAt: next,
        withheld,
      },
    };
  },
});

/** Agile reads: boards, sprints, backlog. */
export const AGILE_READ_TOOLS: readonly JiraTool[] = [listBoards, listSprints, getBoardBacklog];
