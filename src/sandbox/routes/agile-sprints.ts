/**
 * Sprints of the agile API (/rest/agile/1.0): create, read, update (which
 * also starts and closes), the issues in a sprint, and moving issues into
 * a sprint or back to the backlog, with Jira Software's rules:
 * - a sprint is created `future`; starting it (`state: active`) needs a
 *   start and an end date and no other active sprint on the board (the
 *   sandbox has no parallel sprints); closing (`state: closed`) needs an
 *   active sprint and sets `completeDate`; no other state change exists,
 *   so a closed sprint is never reopened;
 * - a closed sprint keeps its dates: only name and goal still change,
 *   anything else sent is ignored (as the operation's documentation says);
 * - issues move only into future or active sprints, at most 50 at a time;
 *   a sub-task moves with its parent and not on its own.
 * Every membership change is written to the issue's history (field
 * "Sprint") in the same transaction.
 * @see Jira Software Cloud REST, Sprint and Backlog groups
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SprintPatch, SprintRecord } from '../agile-store.js';
import { issueTypeById } from '../catalog.js';
import type { ChangeItem } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ISSUE_NOT_FOUND, jiraError, parseJsonBody } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import {
  canManageSprints,
  canSeeBoard,
  NO_SPRINT_SUPPORT,
  SPRINT_NOT_FOUND,
  sprintJson,
} from '../represent-agile.js';
import type { IssueRecord } from '../store.js';
import { agileIssuePage } from './agile-issues.js';
import { visibleBoard } from './agile-boards.js';

/** Jira moves at most this many issues per call. */
export const MAX_ISSUES_PER_MOVE = 50;
const NO_PERMISSION = 'You do not have permission to manage sprints on this board.';

const CreateSprintSchema = z.strictObject({
  name: z.string().optional(),
  originBoardId: z.number().int().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  goal: z.string().optional(),
});

const UpdateSprintSchema = z.strictObject({
  id: z.number().int().optional(),
  self: z.string().optional(),
  name: z.string().optional(),
  goal: z.string().nullable().optional(),
  state: z.string().optional(),
  startDate: z.string().nullable().optional(),
  endDate: z.string().nullable().optional(),
  completeDate: z.string().optional(),
  createdDate: z.string().optional(),
  originBoardId: z.number().int().optional(),
});

const MoveSchema = z.strictObject({
  issues: z.array(z.string()).optional(),
  rankBeforeIssue: z.string().optional(),
  rankAfterIssue: z.string().optional(),
  rankCustomFieldId: z.number().int().optional(),
});

/** An ISO 8601 date-time (`2026-01-05T09:00:00.000Z`, an offset, or a bare date), or undefined. */
function parseAgileDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

type Dates = { startDate?: number | null; endDate?: number | null };

/** Parses the body's dates; field errors name what Jira could not read. */
function readDates(body: {
  startDate?: string | null | undefined;
  endDate?: string | null | undefined;
}): Dates | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const out: Dates = {};
  for (const key of ['startDate', 'endDate'] as const) {
    const raw = body[key];
    if (raw === undefined) continue;
    if (raw === null) {
      out[key] = null;
      continue;
    }
    const ms = parseAgileDate(raw);
    if (ms === undefined) errors[key] = `The date '${raw}' is not a valid ISO 8601 date.`;
    else out[key] = ms;
  }
  return Object.keys(errors).length > 0 ? { errors } : out;
}

function sprintChange(before: readonly SprintRecord[], after: readonly SprintRecord[]): ChangeItem {
  const ids = (list: readonly SprintRecord[]) =>
    list.length === 0 ? null : list.map((s) => String(s.id)).join(', ');
  const names = (list: readonly SprintRecord[]) =>
    list.length === 0 ? null : list.map((s) => s.name).join(', ');
  return {
    field: 'Sprint',
    fieldtype: 'custom',
    fieldId: 'customfield_10020',
    from: ids(before),
    fromString: names(before),
    to: ids(after),
    toString: names(after),
  };
}

/** Routes: /sprint, /sprint/{id}, /sprint/{id}/issue, /backlog/issue. */
export function agileSprintRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /** The sprint `:sprintId` names if its board is visible to the caller, else Jira's 404. */
  const visibleSprint = (c: Context<SandboxEnv>): SprintRecord | Response => {
    const raw = c.req.param('sprintId') ?? '';
    if (!/^\d{1,18}$/.test(raw)) {
      return jiraError(c, 400, [`The value '${raw}' of 'sprintId' is not a valid number.`]);
    }
    const sprint = store.agile.getSprint(Number(raw));
    const board = sprint === undefined ? undefined : store.agile.getBoard(sprint.boardId);
    if (sprint === undefined || board === undefined || !canSeeBoard(c.get('user'), board)) {
      return jiraError(c, 404, [SPRINT_NOT_FOUND]);
    }
    return sprint;
  };

  const mayManage = (c: Context<SandboxEnv>, sprint: SprintRecord): boolean => {
    const board = store.agile.getBoard(sprint.boardId);
    return board !== undefined && canManageSprints(c.get('user'), board);
  };

  /**
   * Moves issues (keys or ids) into `target`, or to the backlog when null:
   * 400 for more than 50, an unknown or invisible issue, or a sub-task.
   */
  const moveIssues = async (
    c: Context<SandboxEnv>,
    target: SprintRecord | null,
  ): Promise<Response> => {
    const parsed = await parseJsonBody(c, MoveSchema);
    if ('response' in parsed) return parsed.response;
    const refs = parsed.data.issues ?? [];
    if (refs.length === 0) return jiraError(c, 400, ['At least one issue must be given.']);
    if (refs.length > MAX_ISSUES_PER_MOVE) {
      return jiraError(c, 400, [
        `At most ${MAX_ISSUES_PER_MOVE} issues can be moved in one operation.`,
      ]);
    }
    const me = c.get('user');
    const issues: IssueRecord[] = [];
    for (const ref of refs) {
      const issue = store.getIssue(ref);
      if (issue === undefined || !canBrowseProject(me, issue.projectKey)) {
        return jiraError(c, 400, [`${ISSUE_NOT_FOUND} (${ref})`]);
      }
      if (issueTypeById(issue.issueTypeId).subtask) {
        return jiraError(c, 400, [
          `Issue ${issue.projectKey}-${issue.number} is a sub-task: it moves with its parent.`,
        ]);
      }
      if (!issues.some((known) => known.id === issue.id)) issues.push(issue);
    }
    // Sub-tasks follow their parents, as on a Jira board.
    const all = store.listIssues();
    const withSubtasks = issues.flatMap((issue) => [
      issue,
      ...all.filter(
        (child) => child.parentId === issue.id && issueTypeById(child.issueTypeId).subtask,
      ),
    ]);
    const now = clock.now();
    store.transaction(() => {
      const before = store.agile.moveIssues(
        withSubtasks.map((i) => i.id),
        target === null ? null : target.id,
      );
      for (const issue of withSubtasks) {
        const was = before.get(issue.id) ?? [];
        const closed = store.agile.sprintsOfIssue(issue.id).filter((s) => s.state === 'closed');
        const beforeAll = [...closed, ...was].sort((a, b) => a.id - b.id);
        const afterAll = store.agile.sprintsOfIssue(issue.id);
        if (beforeAll.map((s) => s.id).join() === afterAll.map((s) => s.id).join()) continue;
        store.updateIssue(issue.id, { updated: now });
        store.recordChange(issue.id, me.accountId, [sprintChange(beforeAll, afterAll)], now);
      }
    });
    return c.body(null, 204);
  };

  /** @see Jira Software Cloud REST POST /rest/agile/1.0/sprint */
  app.post('/sprint', async (c) => {
    const parsed = await parseJsonBody(c, CreateSprintSchema);
    if ('response' in parsed) return parsed.response;
    const body = parsed.data;
    const name = body.name?.trim() ?? '';
    const errors: Record<string, string> = {};
    if (name === '') errors['name'] = 'The sprint name must not be empty.';
    else if (name.length > 255) errors['name'] = 'The sprint name must not exceed 255 characters.';
    if (body.originBoardId === undefined) errors['originBoardId'] = 'The board id is required.';
    const dates = readDates(body);
    if ('errors' in dates) Object.assign(errors, dates.errors);
    if (Object.keys(errors).length > 0) return jiraError(c, 400, [], errors);
    const board = visibleBoard(c, deps, String(body.originBoardId));
    if (board instanceof Response) return board;
    if (board.type !== 'scrum') return jiraError(c, 400, [NO_SPRINT_SUPPORT]);
    if (!canManageSprints(c.get('user'), board)) return jiraError(c, 403, [NO_PERMISSION]);
    const { startDate = null, endDate = null } = 'errors' in dates ? {} : dates;
    if (startDate !== null && endDate !== null && endDate < startDate) {
      return jiraError(c, 400, [], { endDate: 'The end date must be after the start date.' });
    }
    const sprint = store.agile.insertSprint({
      boardId: board.id,
      name,
      goal: body.goal ?? '',
      state: 'future',
      startDate,
      endDate,
      completeDate: null,
      createdDate: clock.now(),
    });
    return c.json(sprintJson(c.get('base'), sprint), 201);
  });

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/sprint/{sprintId} */
  app.get('/sprint/:sprintId', (c) => {
    const sprint = visibleSprint(c);
    if (sprint instanceof Response) return sprint;
    return c.json(sprintJson(c.get('base'), sprint));
  });

  /** Partial (POST) or full (PUT) update, including start and close. */
  const update = async (c: Context<SandboxEnv>, partial: boolean): Promise<Response> => {
    const sprint = visibleSprint(c);
    if (sprint instanceof Response) return sprint;
    const parsed = await parseJsonBody(c, UpdateSprintSchema);
    if ('response' in parsed) return parsed.response;
    if (!mayManage(c, sprint)) return jiraError(c, 403, [NO_PERMISSION]);
    const body = parsed.data;
    const dates = readDates(body);
    if ('errors' in dates) return jiraError(c, 400, [], dates.errors);
    const patch: SprintPatch = {};
    if (body.name !== undefined) {
      const name = body.name.trim();
      if (name === '') return jiraError(c, 400, [], { name: 'The sprint name must not be empty.' });
      patch.name = name;
    } else if (!partial) {
      return jiraError(c, 400, [], { name: 'The sprint name must not be empty.' });
    }
    if (body.goal !== undefined) patch.goal = body.goal ?? '';
    else if (!partial) patch.goal = '';
    const state = body.state?.toLowerCase();
    if (sprint.state === 'closed') {
      if (state !== undefined && state !== 'closed') {
        return jiraError(c, 400, ['A closed sprint cannot be reopened.']);
      }
      // Only name and goal change on a closed sprint; the rest is ignored.
    } else {
      if (dates.startDate !== undefined) patch.startDate = dates.startDate;
      else if (!partial && sprint.state === 'future') patch.startDate = null;
      if (dates.endDate !== undefined) patch.endDate = dates.endDate;
      else if (!partial && sprint.state === 'future') patch.endDate = null;
      const start = patch.startDate === undefined ? sprint.startDate : patch.startDate;
      const end = patch.endDate === undefined ? sprint.endDate : patch.endDate;
      if (start !== null && end !== null && end < start) {
        return jiraError(c, 400, [], { endDate: 'The end date must be after the start date.' });
      }
      if (sprint.state === 'active' && (start === null || end === null)) {
        return jiraError(c, 400, ['An active sprint must have a start date and an end date.']);
      }
      if (state !== undefined && state !== sprint.state) {
        if (state === 'active' && sprint.state === 'future') {
          if (start === null || end === null) {
            return jiraError(c, 400, [
              'A sprint must have a start date and an end date before it can be started.',
            ]);
          }
          const active = store.agile.listSprints(sprint.boardId).find((s) => s.state === 'active');
          if (active !== undefined) {
            return jiraError(c, 400, [
              `Sprint '${active.name}' is already active on this board: only one sprint can be active at a time.`,
            ]);
          }
          patch.state = 'active';
        } else if (state === 'closed' && sprint.state === 'active') {
          patch.state = 'closed';
          patch.completeDate = clock.now();
        } else {
          return jiraError(c, 400, [
            `A sprint cannot change from '${sprint.state}' to '${body.state ?? ''}'.`,
          ]);
        }
      }
    }
    store.agile.updateSprint(sprint.id, patch);
    const updated = store.agile.getSprint(sprint.id);
    return c.json(sprintJson(c.get('base'), updated ?? sprint));
  };

  /** @see Jira Software Cloud REST POST /rest/agile/1.0/sprint/{sprintId} (partial update) */
  app.post('/sprint/:sprintId', (c) => update(c, true));
  /** @see Jira Software Cloud REST PUT /rest/agile/1.0/sprint/{sprintId} (full update) */
  app.put('/sprint/:sprintId', (c) => update(c, false));

  /** @see Jira Software Cloud REST GET /rest/agile/1.0/sprint/{sprintId}/issue */
  app.get('/sprint/:sprintId/issue', (c) => {
    const sprint = visibleSprint(c);
    if (sprint instanceof Response) return sprint;
    const me = c.get('user');
    const ids = new Set(store.agile.issueIdsInSprint(sprint.id));
    const issues = store
      .listIssues()
      .filter((issue) => ids.has(issue.id) && canBrowseProject(me, issue.projectKey));
    return agileIssuePage(c, deps, issues);
  });

  /** @see Jira Software Cloud REST POST /rest/agile/1.0/sprint/{sprintId}/issue */
  app.post('/sprint/:sprintId/issue', async (c) => {
    const sprint = visibleSprint(c);
    if (sprint instanceof Response) return sprint;
    if (!mayManage(c, sprint)) return jiraError(c, 403, [NO_PERMISSION]);
    if (sprint.state === 'closed') {
      return jiraError(c, 400, ['Issues can only be moved to open or active sprints.']);
    }
    return moveIssues(c, sprint);
  });

  /** @see Jira Software Cloud REST POST /rest/agile/1.0/backlog/issue */
  app.post('/backlog/issue', (c) => moveIssues(c, null));

  return app;
}
