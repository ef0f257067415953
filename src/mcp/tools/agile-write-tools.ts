/**
 * Agile write tools (Jira Software, scope `jira:write`): create a sprint,
 * change one (rename, goal, dates, start, close) and move issues between
 * sprints and the backlog. Closing a sprint cannot be undone, so it passes
 * the destructive-call confirmation first.
 */
import { z } from 'zod';
import type { UpdateSprintInput } from '../../jira/request-bodies-agile.js';
import { MAX_AGILE_MOVE } from '../../jira/request-bodies-agile.js';
import { SCOPES } from '../../oauth/scopes.js';
import {
  BOARD_ID_INPUT,
  SPRINT_DATE_INPUT,
  SPRINT_ID_INPUT,
  SPRINT_VIEW,
  sprintLine,
  toSprintView,
} from './agile-format.js';
import { ADDING_ANNOTATIONS, ISSUE_KEY_INPUT, OVERWRITING_ANNOTATIONS } from './common-schemas.js';
import { CONFIRM_FIELD, confirmDestructive } from './confirm-destructive.js';
import { oneLine } from './format.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const SPRINT_NAME_INPUT = z.string().trim().min(1).max(255);
const GOAL_INPUT = z.string().max(4_000);

/** Refuses an end before the start, which Jira would refuse less clearly. */
function checkDates(startDate: string | undefined, endDate: string | undefined): void {
  if (
    startDate !== undefined &&
    endDate !== undefined &&
    Date.parse(endDate) < Date.parse(startDate)
  ) {
    throw new ToolUsageError('invalid_arguments', 'endDate must not be before startDate.');
  }
}

const createSprint = defineTool({
  name: 'jira_create_sprint',
  scope: SCOPES.write,
  title: 'Create a sprint',
  description:
    'Creates a future sprint on a scrum board. Arguments: boardId (from jira_list_boards); name, e.g. "Sprint 14"; ' +
    'goal (optional); startDate and endDate (optional, ISO 8601 with offset, e.g. "2026-02-02T09:00:00Z"). Start it later with jira_update_sprint action "start".',
  inputSchema: z.object({
    boardId: BOARD_ID_INPUT,
    name: SPRINT_NAME_INPUT.describe('The sprint name.'),
    goal: GOAL_INPUT.optional().describe('What the sprint should achieve.'),
    startDate: SPRINT_DATE_INPUT.optional().describe('Planned start (ISO 8601).'),
    endDate: SPRINT_DATE_INPUT.optional().describe('Planned end (ISO 8601).'),
  }),
  outputSchema: z.object({ sprint: SPRINT_VIEW }),
  annotations: ADDING_ANNOTATIONS,
  async run(input, { jira }) {
    checkDates(input.startDate, input.endDate);
    const created = await jira.createSprint({
      boardId: input.boardId,
      name: input.name,
      ...(input.goal === undefined ? {} : { goal: input.goal }),
      ...(input.startDate === undefined ? {} : { startDate: input.startDate }),
      ...(input.endDate === undefined ? {} : { endDate: input.endDate }),
    });
    const sprint = toSprintView(created);
    return {
      markdown: `Created sprint on board ${input.boardId}:\n${sprintLine(sprint)}`,
      structured: { sprint },
    };
  },
});

const updateSprint = defineTool({
  name: 'jira_update_sprint',
  scope: SCOPES.write,
  title: 'Change, start or close a sprint',
  description:
    'Changes a sprint: name, goal, startDate/endDate (ISO 8601 with offset), and action "start" (a future sprint becomes active; needs start and end dates, given here or set before; one active sprint per board) or "close" (an active sprint is completed; its unfinished issues go back to the backlog). ' +
    "Closing cannot be undone: it needs the person's confirmation (confirm: true after they agreed). A closed sprint keeps its dates; only name and goal still change. Arguments: sprintId (from jira_list_sprints) and at least one change.",
  inputSchema: z.object({
    sprintId: SPRINT_ID_INPUT,
    name: SPRINT_NAME_INPUT.optional().describe('New sprint name.'),
    goal: GOAL_INPUT.optional().describe('New sprint goal ("" clears it).'),
    startDate: SPRINT_DATE_INPUT.optional().describe('New start (ISO 8601).'),
    endDate: SPRINT_DATE_INPUT.optional().describe('New end (ISO 8601).'),
    action: z
      .enum(['start', 'close'])
      .optional()
      .describe('"start" a future sprint or "close" an active one.'),
    confirm: CONFIRM_FIELD,
  }),
  outputSchema: z.object({ sprint: SPRINT_VIEW, previousState: z.string().nullable() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(input, context) {
    const { jira } = context;
    const change: UpdateSprintInput = {};
    if (input.name !== undefined) change.name = input.name;
    if (input.goal !== undefined) change.goal = input.goal;
    if (input.startDate !== undefined) change.startDate = input.startDate;
    if (input.endDate !== undefined) change.endDate = input.endDate;
    if (input.action !== undefined) change.state = input.action === 'start' ? 'active' : 'closed';
    if (Object.keys(change).length === 0) {
      throw new ToolUsageError(
        'invalid_arguments',
        'Nothing to change: give name, goal, startDate, endDate or action.',
      );
    }
    checkDates(input.startDate, input.endDate);
    const before = toSprintView(await jira.getSprint(input.sprintId));
    if (input.action === 'start') {
      if (before.state !== 'future') {
        throw new ToolUsageError(
          'invalid_arguments',
          `Sprint ${before.id} is ${before.state ?? 'in an unknown state'}: only a future sprint can be started.`,
        );
      }
      if (
        (input.startDate ?? before.startDate) === null ||
        (input.endDate ?? before.endDate) === null
      ) {
        throw new ToolUsageError(
          'invalid_arguments',
          `Sprint ${before.id} needs a start and an end date to start: pass startDate and endDate.`,
        );
      }
    }
    if (input.action === 'close') {
      if (before.state !== 'active') {
        throw new ToolUsageError(
          'invalid_arguments',
          `Sprint ${before.id} is ${before.state ?? 'in an unknown state'}: only an active sprint can be closed.`,
        );
      }
      await confirmDestructive(context, {
        summary: `Close sprint "${oneLine(before.name)}" (sprint ${before.id}); this cannot be undone, and its unfinished issues return to the backlog`,
        confirm: input.confirm,
      });
    }
    const sprint = toSprintView(await jira.updateSprint(input.sprintId, change));
    const verb =
      input.action === 'start' ? 'Started' : input.action === 'close' ? 'Closed' : 'Updated';
    return {
      markdown: `${verb} sprint ${sprint.id}:\n${sprintLine(sprint)}`,
      structured: { sprint, previousState: before.state },
    };
  },
});

const moveToSprint = defineTool({
  name: 'jira_move_to_sprint',
  scope: SCOPES.write,
  title: 'Move issues into a sprint or to the backlog',
  description:
    `Moves up to ${MAX_AGILE_MOVE} issues into a future or active sprint (sprintId, from jira_list_sprints), or out of their sprint back to the backlog (toBacklog: true). ` +
    'Sub-tasks move with their parent. Arguments: issueKeys, e.g. ["DEMO-12", "DEMO-15"]; exactly one of sprintId or toBacklog.',
  inputSchema: z.object({
    issueKeys: z
      .array(ISSUE_KEY_INPUT)
      .min(1)
      .max(MAX_AGILE_MOVE)
      .describe(`The issues to move (1-${MAX_AGILE_MOVE}).`),
    sprintId: SPRINT_ID_INPUT.optional(),
    toBacklog: z
      .boolean()
      .optional()
      .describe('true: move the issues out of their future or active sprint, to the backlog.'),
  }),
  outputSchema: z.object({
    issueKeys: z.array(z.string()),
    sprintId: z.number().nullable(),
    sprintName: z.string().nullable(),
  }),
  annotations: OVERWRITING_ANNOTATIONS,
  issueKeyOf: (input) => (input.issueKeys.length === 1 ? input.issueKeys[0] : undefined),
  async run(input, { jira }) {
    const keys = [...new Set(input.issueKeys)];
    const toBacklog = input.toBacklog === true;
    if (toBacklog === (input.sprintId !== undefined)) {
      throw new ToolUsageError(
        'invalid_arguments',
        'Give exactly one target: sprintId (a sprint) or toBacklog: true (the backlog).',
      );
    }
    if (input.sprintId === undefined) {
      await jira.moveIssuesToBacklog(keys);
      return {
        markdown: `Moved to the backlog: ${keys.join(', ')}.`,
        structured: { issueKeys: keys, sprintId: null, sprintName: null },
        ...(keys.length === 1 ? { issueKey: keys[0] } : {}),
      };
    }
    const sprint = toSprintView(await jira.getSprint(input.sprintId));
    if (sprint.state === 'closed') {
      throw new ToolUsageError(
        'invalid_arguments',
        `Sprint ${sprint.id} ("${oneLine(sprint.name)}") is closed: issues can only move into a future or active sprint.`,
      );
    }
    await jira.moveIssuesToSprint(sprint.id, keys);
    return {
      markdown: `Moved into sprint "${oneLine(sprint.name)}" (sprint ${sprint.id}, ${sprint.state ?? 'unknown state'}): ${keys.join(', ')}.`,
      structured: { issueKeys: keys, sprintId: sprint.id, sprintName: sprint.name },
      ...(keys.length === 1 ? { issueKey: keys[0] } : {}),
    };
  },
});

/** Agile writes: sprints and what is in them. */
export const AGILE_WRITE_TOOLS: readonly JiraTool[] = [createSprint, updateSprint, moveToSprint];
