/**
 * Users: who am I, and the two user searches the gateway uses to resolve
 * people (e.g. to pick an assignee).
 */
import { Hono, type Context } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { findProject } from '../catalog.js';
import { ISSUE_NOT_FOUND, jiraError, projectNotFound } from '../jira-errors.js';
import { myselfJson, userJson } from '../represent-common.js';
import { SANDBOX_USERS, type SandboxUser } from '../seed.js';
import { listParam, readPage } from './paging.js';

/**
 * Matches `query` against the prefix of the display name, of any word in
 * it, or of the email address; `accountId` matches exactly.
 * @see Jira Cloud REST v3 GET /rest/api/3/user/search `query`
 */
function matchesUser(
  user: SandboxUser,
  query: string | undefined,
  accountId: string | undefined,
): boolean {
  if (accountId !== undefined) return user.accountId === accountId;
  const wanted = (query ?? '').toLowerCase();
  const name = user.displayName.toLowerCase();
  return (
    name.startsWith(wanted) ||
    name.split(/\s+/).some((word) => word.startsWith(wanted)) ||
    user.emailAddress.toLowerCase().startsWith(wanted)
  );
}

/**
 * The users matching `query` or `accountId` (exactly one of them), paged
 * by `startAt` and `maxResults`, as both user searches answer.
 * @see Jira Cloud REST v3 GET /rest/api/3/user/search
 */
function userSearch(c: Context<SandboxEnv>): Response {
  const query = c.req.query('query');
  const accountId = c.req.query('accountId');
  if (query === undefined && accountId === undefined) {
    return jiraError(c, 400, ["One of 'query' or 'accountId' must be provided."]);
  }
  if (query !== undefined && accountId !== undefined) {
    return jiraError(c, 400, ["Only one of 'query' or 'accountId' can be provided."]);
  }
  const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
    maxResults: 50,
    cap: 1000,
  });
  if ('error' in page) return jiraError(c, 400, [page.error]);
  const users = SANDBOX_USERS.filter((user) => matchesUser(user, query, accountId));
  return c.json(
    users
      .slice(page.startAt, page.startAt + page.maxResults)
      .map((user) => userJson(c.get('base'), user)),
  );
}

/** Routes: GET /myself, GET /user/search, GET /user/assignable/search. */
export function userRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/myself */
  app.get('/myself', (c) => {
    const expand = new Set(listParam(c.req.queries('expand')));
    return c.json(myselfJson(c.get('base'), c.get('user'), expand));
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/user/search */
  app.get('/user/search', userSearch);

  /** @see Jira Cloud REST v3 GET /rest/api/3/user/assignable/search */
  app.get('/user/assignable/search', (c) => {
    const project = c.req.query('project');
    const issueKey = c.req.query('issueKey');
    const issueId = c.req.query('issueId');
    if (project === undefined && issueKey === undefined && issueId === undefined) {
      return jiraError(c, 400, ["One of 'issueKey', 'issueId' or 'project' must be provided."]);
    }
    if (issueId !== undefined && !/^\d+$/.test(issueId)) {
      return jiraError(c, 400, [`The issue id '${issueId}' is not valid.`]);
    }
    if (project !== undefined && findProject(project) === undefined) {
      return jiraError(c, 404, [projectNotFound(project)]);
    }
    const issueRef = issueKey ?? issueId;
    if (issueRef !== undefined && deps.store.getIssue(issueRef) === undefined) {
      return jiraError(c, 404, [ISSUE_NOT_FOUND]);
    }
    return userSearch(c);
  });

  return app;
}
