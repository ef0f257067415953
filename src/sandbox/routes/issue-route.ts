/** Routes under `/issue/{issueIdOrKey}`: the issue they name, or Jira's 404. */
import type { Context } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import type { RenderContext } from '../represent-issue.js';
import { ISSUE_NOT_FOUND, jiraError } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import type { IssueRecord, SandboxStore } from '../store.js';

/** A handler that is given the issue its path names. */
export type IssueHandler = (
  c: Context<SandboxEnv>,
  issue: IssueRecord,
) => Response | Promise<Response>;

/**
 * Wraps `handler` for a path with `:issueIdOrKey` (an id or a key): it runs
 * with that issue, or the request gets Jira's 404, which does not tell a
 * missing issue from one the caller may not see (no Browse Projects on its
 * project): reads and writes alike.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}
 */
export function withIssue(
  store: SandboxStore,
  handler: IssueHandler,
): (c: Context<SandboxEnv>) => Response | Promise<Response> {
  return (c) => {
    const issue = store.getIssue(c.req.param('issueIdOrKey') ?? '');
    if (issue === undefined || !canBrowseProject(c.get('user'), issue.projectKey)) {
      return jiraError(c, 404, [ISSUE_NOT_FOUND]);
    }
    return handler(c, issue);
  };
}

/**
 * What rendering and validating need for this request: the shared store
 * and accounts, and the acting user, whose permissions shape both.
 * @see Jira Cloud REST v3 "Permissions" (every operation acts as the authenticated user)
 */
export function actingContext(c: Context<SandboxEnv>, deps: SandboxDeps): RenderContext {
  return {
    base: c.get('base'),
    store: deps.store,
    directory: deps.directory,
    viewer: c.get('user'),
  };
}
