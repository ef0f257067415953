/**
 * Issue lists of the agile API (a board's backlog, a sprint's issues):
 * which issues a board holds, the optional `jql` that narrows them, and
 * the agile issue representation (REST v3 `IssueBean` plus the agile
 * `sprint`, `closedSprints` and `flagged` fields, `self` under
 * /rest/agile/1.0/issue).
 * @see Jira Software Cloud REST GET /rest/agile/1.0/board/{boardId}/backlog
 */
import type { Context } from 'hono';
import type { BoardRecord, SprintRecord } from '../agile-store.js';
import { issueTypeById } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { selectFields } from '../issue-fields.js';
import { jiraError } from '../jira-errors.js';
import { compileJql } from '../jql/evaluate.js';
import { JqlError } from '../jql/errors.js';
import { toJqlIssue } from '../jql/fields.js';
import { parseJql } from '../jql/parser.js';
import { browsableProjects, canBrowseProject, canSeeComment } from '../permissions.js';
import type { SandboxUser } from '../directory.js';
import { canSeeBoard, sprintJson } from '../represent-agile.js';
import { issueBeanJson } from '../represent-issue.js';
import type { CommentRecord, IssueRecord, SandboxStore } from '../store.js';
import { actingContext } from './issue-route.js';
import { listParam, readPage } from './paging.js';

/** The issues a board's filter selects that the caller may see, oldest first (the sandbox's rank). */
export function boardIssues(
  deps: SandboxDeps,
  c: Context<SandboxEnv>,
  board: BoardRecord,
): IssueRecord[] {
  const me = c.get('user');
  return deps.store
    .listIssues()
    .filter(
      (issue) =>
        canBrowseProject(me, issue.projectKey) &&
        (board.projectKey === null
          ? issue.assigneeId === board.ownerAccountId
          : issue.projectKey === board.projectKey),
    );
}

/** The sprints on boards `user` may see, which JQL's `sprint` field resolves against. */
export function visibleSprints(store: SandboxStore, user: SandboxUser): SprintRecord[] {
  const boards = new Map(store.agile.listBoards().map((b) => [b.id, b]));
  return store.agile.listAllSprints().filter((sprint) => {
    const board = boards.get(sprint.boardId);
    return board !== undefined && canSeeBoard(user, board);
  });
}

/** Whether an issue belongs in a backlog: incomplete, not an epic, in no open sprint. */
export function inBacklog(deps: SandboxDeps, issue: IssueRecord): boolean {
  if (issue.resolutionDate !== null || issueTypeById(issue.issueTypeId).hierarchyLevel > 0) {
    return false;
  }
  return deps.store.agile.sprintsOfIssue(issue.id).every((s) => s.state === 'closed');
}

/**
 * Narrows `issues` by the request's `jql`, evaluated as /search/jql would
 * for this caller; a Response when the JQL is invalid (Jira's 400).
 */
function narrowByJql(
  c: Context<SandboxEnv>,
  deps: SandboxDeps,
  issues: IssueRecord[],
): IssueRecord[] | Response {
  const jql = c.req.query('jql');
  if (jql === undefined || jql.trim() === '') return issues;
  const me = c.get('user');
  let matches: ReturnType<typeof compileJql>['matches'];
  try {
    matches = compileJql(parseJql(jql), {
      now: deps.clock.now(),
      currentAccountId: me.accountId,
      findIssue: (keyOrId) => {
        const issue = deps.store.getIssue(keyOrId);
        return issue !== undefined && canBrowseProject(me, issue.projectKey) ? issue : undefined;
      },
      projects: browsableProjects(me),
      users: deps.directory.users,
      sprints: visibleSprints(deps.store, me),
    }).matches;
  } catch (error) {
    if (error instanceof JqlError) return jiraError(c, 400, error.messages);
    throw error;
  }
  const byId = new Map(deps.store.listIssues().map((issue) => [issue.id, issue]));
  const sprintIds = deps.store.agile.sprintIdsByIssue();
  const comments = new Map<number, CommentRecord[]>();
  for (const comment of deps.store.listAllComments()) {
    const issue = byId.get(comment.issueId);
    if (issue === undefined || !canSeeComment(me, issue.projectKey, comment.visibility)) continue;
    comments.set(comment.issueId, [...(comments.get(comment.issueId) ?? []), comment]);
  }
  return issues.filter((issue) =>
    matches(
      toJqlIssue(
        issue,
        issue.parentId === null ? undefined : byId.get(issue.parentId),
        comments.get(issue.id) ?? [],
        sprintIds.get(issue.id) ?? [],
      ),
    ),
  );
}

/**
 * One page of agile issues: `jql` narrows, `startAt`/`maxResults` page
 * (default 50, at most 100), `fields` selects (default: navigable fields).
 * @see Jira Software Cloud REST `SearchResults`
 */
export function agileIssuePage(
  c: Context<SandboxEnv>,
  deps: SandboxDeps,
  issues: IssueRecord[],
): Response {
  const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
    maxResults: 50,
    cap: 100,
  });
  if ('error' in page) return jiraError(c, 400, [page.error]);
  const narrowed = narrowByJql(c, deps, issues);
  if (narrowed instanceof Response) return narrowed;
  const requested = listParam(c.req.queries('fields'));
  const selection = selectFields(requested.length === 0 ? ['*navigable'] : requested, 'id');
  const agileFields =
    requested.length === 0 || requested.some((f) => ['*all', '*navigable', 'sprint'].includes(f));
  const ctx = actingContext(c, deps);
  const base = c.get('base');
  const expand = new Set(listParam(c.req.queries('expand')));
  const slice = narrowed.slice(page.startAt, page.startAt + page.maxResults);
  const json = slice.map((issue) => {
    const bean = issueBeanJson(ctx, issue, { fields: selection.fields, expand });
    bean['self'] = `${base}/rest/agile/1.0/issue/${issue.id}`;
    if (agileFields) {
      const sprints = deps.store.agile.sprintsOfIssue(issue.id);
      const open = sprints.find((s) => s.state !== 'closed');
      const fields = bean['fields'] as Record<string, unknown>;
      fields['sprint'] = open === undefined ? null : sprintJson(base, open);
      fields['closedSprints'] = sprints
        .filter((s) => s.state === 'closed')
        .map((s) => sprintJson(base, s));
      fields['flagged'] = false;
    }
    return bean;
  });
  return c.json({
    expand: 'names,schema',
    startAt: page.startAt,
    maxResults: page.maxResults,
    total: narrowed.length,
    issues: json,
  });
}
