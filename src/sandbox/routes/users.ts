/**
 * Users: who am I, and the two user searches the gateway uses to resolve
 * people (e.g. to pick an assignee). Every account may browse users (Jira's
 * "Browse users and groups" global permission), so the plain search sees
 * everyone; the assignable search sees only who may be assigned in the
 * project, and only in a project (or issue) the caller may browse.
 */
import { Hono, type Context } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { findProject } from '../catalog.js';
import type { SandboxUser } from '../directory.js';
import { ISSUE_NOT_FOUND, jiraError, projectNotFound } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import { myselfJson, userJson } from '../represent-common.js';
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
 * The users among `candidates` matching `query` or `accountId` (exactly one
 * of them), paged by `startAt` and `maxResults`, as both user searches answer.
 * @see Jira Cloud REST v3 GET /rest/api/3/user/search
 */
function userSearch(c: Context<SandboxEnv>, candidates: readonly SandboxUser[]): Response {
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
  const users = candidates.filter((user) => matchesUser(user, query, accountId));
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
    return c.json(myselfJson(c.get('base'), c.get('user'), expand, deps.directory));
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/user/search */
  app.get('/user/search', (c) => userSearch(c, deps.directory.users));

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
    const me = c.get('user');
    const issueRef = issueKey ?? issueId;
    // Jira takes the issue's project when an issue is named, else `project`.
    let projectKey: string;
    if (issueRef !== undefined) {
      const issue = deps.store.getIssue(issueRef);
      if (issue === undefined || !canBrowseProject(me, issue.projectKey)) {
        return jiraError(c, 404, [ISSUE_NOT_FOUND]);
      }
      projectKey = issue.projectKey;
    } else {
      const ref = project ?? '';
      const found = findProject(ref);
      if (found === undefined || !canBrowseProject(me, found.key)) {
        return jiraError(c, 404, [projectNotFound(ref)]);
      }
      projectKey = found.key;
    }
    return userSearch(
      c,
      deps.directory.users.filter((user) => canBrowseProject(user, projectKey)),
    );
  });

  return app;
}
