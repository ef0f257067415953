/**
 * Comments and worklogs as REST v3 returns them, with their authors, and
 * which comments a viewer may see (restricted ones only by members).
 */
import type { SandboxDirectory, SandboxUser } from './directory.js';
import { formatDuration, formatJiraDateTime } from './jira-time.js';
import { canSeeComment, type CommentVisibility } from './permissions.js';
import { userDetailsJson, type Json } from './represent-common.js';
import type { CommentRecord, IssueRecord, SandboxStore, WorklogRecord } from './store.js';

/** What rendering users needs: the site's origin and the accounts. */
export interface UserContext {
  base: string;
  directory: SandboxDirectory;
}

/**
 * An account as embedded in issues, comments and worklogs; null when unknown or unset.
 * @see Jira Cloud REST v3 `UserDetails`
 */
export function userOrNull(ctx: UserContext, accountId: string | null): Json | null {
  const user = accountId === null ? undefined : ctx.directory.findUser(accountId);
  return user === undefined ? null : userDetailsJson(ctx.base, user);
}

/**
 * The issue's comments the viewer may see, oldest first: Jira leaves out
 * comments restricted to a role or group the viewer is not in.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/comment
 */
export function visibleComments(
  store: SandboxStore,
  viewer: SandboxUser,
  issue: IssueRecord,
): CommentRecord[] {
  return store
    .listComments(issue.id)
    .filter((comment) => canSeeComment(viewer, issue.projectKey, comment.visibility));
}

/**
 * A restriction as Jira shows it: for a role, `identifier` is the role's
 * name; for a group, the group's id.
 * @see Jira Cloud REST v3 `Visibility`
 */
export function visibilityJson(ctx: UserContext, visibility: CommentVisibility): Json {
  const identifier =
    visibility.type === 'group'
      ? (ctx.directory.findGroup(visibility.value)?.groupId ?? null)
      : visibility.value;
  return { type: visibility.type, value: visibility.value, identifier };
}

/** @see Jira Cloud REST v3 `Comment` */
export function commentJson(ctx: UserContext, comment: CommentRecord): Json {
  return {
    self: `${ctx.base}/rest/api/3/issue/${comment.issueId}/comment/${comment.id}`,
    id: String(comment.id),
    author: userOrNull(ctx, comment.authorId),
    body: comment.body,
    updateAuthor: userOrNull(ctx, comment.authorId),
    created: formatJiraDateTime(comment.created),
    updated: formatJiraDateTime(comment.updated),
    ...(comment.visibility === null ? {} : { visibility: visibilityJson(ctx, comment.visibility) }),
    // Jira says true for every comment made outside Service Management's internal notes.
    jsdPublic: comment.jsdPublic !== false,
  };
}

/** @see Jira Cloud REST v3 `Worklog` */
export function worklogJson(ctx: UserContext, worklog: WorklogRecord): Json {
  return {
    self: `${ctx.base}/rest/api/3/issue/${worklog.issueId}/worklog/${worklog.id}`,
    author: userOrNull(ctx, worklog.authorId),
    updateAuthor: userOrNull(ctx, worklog.authorId),
    ...(worklog.comment === null ? {} : { comment: worklog.comment }),
    created: formatJiraDateTime(worklog.created),
    updated: formatJiraDateTime(worklog.updated),
    started: formatJiraDateTime(worklog.started),
    timeSpent: formatDuration(worklog.timeSpentSeconds),
    timeSpentSeconds: worklog.timeSpentSeconds,
    id: String(worklog.id),
    issueId: String(worklog.issueId),
  };
}
