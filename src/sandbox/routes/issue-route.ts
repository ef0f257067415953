/** Routes under `/issue/{issueIdOrKey}`: the issue they name, or Jira's 404. */
import type { Context } from 'hono';
import type { SandboxEnv } from '../context.js';
import { ISSUE_NOT_FOUND, jiraError } from '../jira-errors.js';
import type { IssueRecord, SandboxStore } from '../store.js';

/** A handler that is given the issue its path names. */
export type IssueHandler = (
  c: Context<SandboxEnv>,
  issue: IssueRecord,
) => Response | Promise<Response>;

/**
 * Wraps `handler` for a path with `:issueIdOrKey` (an id or a key): it runs
 * with that issue, or the request gets Jira's 404, which does not tell a
 * missing issue from one the caller may not see.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}
 */
export function withIssue(
  store: SandboxStore,
  handler: IssueHandler,
): (c: Context<SandboxEnv>) => Response | Promise<Response> {
  return (c) => {
    const issue = store.getIssue(c.req.param('issueIdOrKey') ?? '');
    if (issue === undefined) return jiraError(c, 404, [ISSUE_NOT_FOUND]);
    return handler(c, issue);
  };
}
