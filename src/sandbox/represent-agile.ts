/**
 * Jira Software's representations: boards, sprints, the Sprint custom
 * field (customfield_10020) on issues, and who may see or manage them.
 *
 * Permissions, as a small Jira site sets them: a board located in a
 * project is visible to whoever may browse that project; a board located
 * on a person (its filter spans projects) is visible to everyone.
 * Managing sprints (create, start, close, rename, move issues) needs the
 * Administrators or Developers role in the board's project, or, on a
 * person's board, being that person.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/
 */
import type { SprintRecord, BoardRecord } from './agile-store.js';
import { findProject } from './catalog.js';
import type { SandboxUser } from './directory.js';
import { canBrowseProject, hasProjectRole } from './permissions.js';
import { avatarUrls, type Json } from './represent-common.js';

/** The Sprint custom field's id, fixed by /work/coord/INTERFACES.md §3. */
export const SPRINT_FIELD_ID = 'customfield_10020';

/** The Sprint field as GET /field and `expand=schema` describe it. */
export const SPRINT_FIELD_SCHEMA = {
  type: 'array',
  items: 'json',
  custom: 'com.pyxis.greenhopper.jira:gh-sprint',
  customId: 10020,
} as const;

export const BOARD_NOT_FOUND = 'Board does not exist or you do not have permission to see it.';
export const SPRINT_NOT_FOUND = 'Sprint does not exist or you do not have permission to see it.';
export const NO_SPRINT_SUPPORT = 'The board does not support sprints.';

/** Whether `user` may see the board (and so its sprints and backlog). */
export function canSeeBoard(user: SandboxUser, board: BoardRecord): boolean {
  return board.projectKey === null || canBrowseProject(user, board.projectKey);
}

/** Whether `user` holds Manage Sprints for the board. */
export function canManageSprints(user: SandboxUser, board: BoardRecord): boolean {
  if (board.projectKey === null) return board.ownerAccountId === user.accountId;
  return (
    hasProjectRole(user, board.projectKey, 'Administrators') ||
    hasProjectRole(user, board.projectKey, 'Developers')
  );
}

/** Agile dates: ISO 8601 in UTC, as Jira Cloud returns them. */
export function agileDate(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A board as GET /board lists it; `location` names its project or owner.
 * @see Jira Software Cloud REST `Board`
 */
export function boardJson(base: string, board: BoardRecord, owner?: SandboxUser): Json {
  const json: Json = {
    id: board.id,
    self: `${base}/rest/agile/1.0/board/${board.id}`,
    name: board.name,
    type: board.type,
  };
  const project = board.projectKey === null ? undefined : findProject(board.projectKey);
  if (project !== undefined) {
    const label = `${project.name} (${project.key})`;
    json['location'] = {
      projectId: Number(project.id),
      displayName: label,
      projectName: project.name,
      projectKey: project.key,
      projectTypeKey: 'software',
      avatarURI: String(avatarUrls(base, 'project', project.id)['48x48']),
      name: label,
    };
  } else if (owner !== undefined) {
    json['location'] = {
      userAccountId: owner.accountId,
      displayName: owner.displayName,
      name: owner.displayName,
    };
  }
  json['isPrivate'] = false;
  return json;
}

/**
 * A sprint as the agile API returns it; dates only once set.
 * @see Jira Software Cloud REST `SprintBean`
 */
export function sprintJson(base: string, sprint: SprintRecord): Json {
  const json: Json = {
    id: sprint.id,
    self: `${base}/rest/agile/1.0/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
  };
  if (sprint.startDate !== null) json['startDate'] = agileDate(sprint.startDate);
  if (sprint.endDate !== null) json['endDate'] = agileDate(sprint.endDate);
  if (sprint.completeDate !== null) json['completeDate'] = agileDate(sprint.completeDate);
  json['createdDate'] = agileDate(sprint.createdDate);
  json['originBoardId'] = sprint.boardId;
  json['goal'] = sprint.goal;
  return json;
}

/**
 * The Sprint field of an issue as Jira Cloud shows it in REST v3: every
 * sprint the issue is or was in, or null when none.
 * @see Jira Cloud REST v3 `IssueBean.fields` (customfield of type gh-sprint)
 */
export function sprintFieldJson(sprints: readonly SprintRecord[]): Json[] | null {
  if (sprints.length === 0) return null;
  return sprints.map((sprint) => {
    const json: Json = {
      id: sprint.id,
      name: sprint.name,
      state: sprint.state,
      boardId: sprint.boardId,
      goal: sprint.goal,
    };
    if (sprint.startDate !== null) json['startDate'] = agileDate(sprint.startDate);
    if (sprint.endDate !== null) json['endDate'] = agileDate(sprint.endDate);
    if (sprint.completeDate !== null) json['completeDate'] = agileDate(sprint.completeDate);
    return json;
  });
}

/** Sprints in the order GET /board/{id}/sprint lists them: closed, active, future, then by id. */
export function sprintOrder(a: SprintRecord, b: SprintRecord): number {
  const rank = { closed: 0, active: 1, future: 2 } as const;
  return rank[a.state] - rank[b.state] || a.id - b.id;
}
