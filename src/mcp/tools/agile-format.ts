/**
 * Boards and sprints as the agile tools show them: one structured shape
 * each, its Markdown line, and the inputs the agile tools share.
 */
import { z } from 'zod';
import type { JiraBoard, JiraSprint } from '../../jira/schemas-agile.js';
import { boardProject } from './confined-agile.js';
import { oneLine } from './format.js';

export const BOARD_ID_INPUT = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('The board id, a number as jira_list_boards gives it, e.g. 1.');

export const SPRINT_ID_INPUT = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('The sprint id, a number as jira_list_sprints gives it, e.g. 2.');

/** An ISO 8601 date-time with an offset, as Jira's agile API reads sprint dates. */
export const SPRINT_DATE_INPUT = z.iso.datetime({ offset: true });

export const BOARD_VIEW = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string().nullable(),
  /** The project the board is located in; null for a board located on a person. */
  projectKey: z.string().nullable(),
});
export type BoardView = z.infer<typeof BOARD_VIEW>;

export const SPRINT_VIEW = z.object({
  id: z.number(),
  name: z.string(),
  state: z.string().nullable(),
  goal: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  completeDate: z.string().nullable(),
  boardId: z.number().nullable(),
});
export type SprintView = z.infer<typeof SPRINT_VIEW>;

/** @see Jira Software Cloud REST `Board` */
export function toBoardView(board: JiraBoard): BoardView {
  return {
    id: board.id,
    name: board.name,
    type: board.type ?? null,
    projectKey: boardProject(board) ?? null,
  };
}

/** @see Jira Software Cloud REST `SprintBean` */
export function toSprintView(sprint: JiraSprint): SprintView {
  const goal = sprint.goal ?? '';
  return {
    id: sprint.id,
    name: sprint.name,
    state: sprint.state ?? null,
    goal: goal.trim() === '' ? null : goal,
    startDate: sprint.startDate ?? null,
    endDate: sprint.endDate ?? null,
    completeDate: sprint.completeDate ?? null,
    boardId: sprint.originBoardId ?? null,
  };
}

/** `- **DEMO board** (board 1) · scrum · project DEMO` */
export function boardLine(board: BoardView): string {
  const where = board.projectKey === null ? 'not in a project' : `project ${board.projectKey}`;
  return `- **${oneLine(board.name)}** (board ${board.id}) · ${board.type ?? 'unknown type'} · ${where}`;
}

/** The date part of an ISO date-time, for Markdown. */
function day(value: string | null): string | null {
  return value === null ? null : value.slice(0, 10);
}

/** `- **DEMO Sprint 2** (sprint 2) · active · 2026-01-18 → 2026-02-01 · goal: …` */
export function sprintLine(sprint: SprintView): string {
  const start = day(sprint.startDate);
  const end = day(sprint.endDate);
  const dates = start === null && end === null ? 'no dates' : `${start ?? '?'} → ${end ?? '?'}`;
  const done = sprint.completeDate === null ? '' : ` · completed ${day(sprint.completeDate) ?? ''}`;
  const goal = sprint.goal === null ? '' : ` · goal: ${oneLine(sprint.goal)}`;
  return `- **${oneLine(sprint.name)}** (sprint ${sprint.id}) · ${sprint.state ?? 'unknown state'} · ${dates}${done}${goal}`;
}

/**
 * The next `startAt` of an agile page, or null on the last page. Counted
 * from what Jira sent (its `maxResults`), not from what the allow-list
 * left, so hidden entries never make a page repeat.
 */
export function nextStartAt(
  page: {
    total?: number | undefined;
    isLast?: boolean | undefined;
    maxResults?: number | undefined;
  },
  startAt: number,
  fetched: number,
): number | null {
  const step = Math.max(page.maxResults ?? fetched, fetched);
  if (step === 0) return null;
  if (page.isLast === false) return startAt + step;
  if (page.isLast === undefined && page.total !== undefined && startAt + step < page.total) {
    return startAt + step;
  }
  return null;
}
