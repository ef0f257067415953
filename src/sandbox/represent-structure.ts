/**
 * Versions, components, watchers and remote links as REST v3 returns them,
 * both on their own endpoints and embedded in issues (`fixVersions`,
 * `versions`, `components`, `watches`). Builders emit only documented keys:
 * `Version`, `ComponentWithIssueCount` and `Watchers` forbid others.
 */
import type { RemoteLinkRecord } from './collaboration-store.js';
import { findProject } from './catalog.js';
import type { UserContext } from './represent-activity.js';
import { userDetailsJson, userJson, type Json } from './represent-common.js';
import type { SandboxUser } from './directory.js';
import type { IssueRecord } from './store.js';
import type { ComponentRecord, VersionRecord } from './structure-store.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2010-07-06` → `6/Jul/2010`, the site's default day/month/year format. */
function userDate(date: string): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number);
  return `${dayOfMonth ?? ''}/${MONTHS[(month ?? 1) - 1] ?? ''}/${year ?? ''}`;
}

function versionSelf(base: string, id: number): string {
  return `${base}/rest/api/3/version/${id}`;
}

/**
 * A version on its own (project version lists, create). `overdue` when the
 * release date has passed and it is not released yet.
 * @see Jira Cloud REST v3 `Version`
 */
export function versionJson(base: string, version: VersionRecord, today: string): Json {
  const json: Json = {
    self: versionSelf(base, version.id),
    id: String(version.id),
    ...(version.description === null ? {} : { description: version.description }),
    name: version.name,
    archived: version.archived,
    released: version.released,
  };
  if (version.startDate !== null) json['startDate'] = version.startDate;
  if (version.releaseDate !== null) {
    json['releaseDate'] = version.releaseDate;
    json['overdue'] = !version.released && version.releaseDate < today;
    json['userReleaseDate'] = userDate(version.releaseDate);
  }
  if (version.startDate !== null) json['userStartDate'] = userDate(version.startDate);
  json['projectId'] = Number(findProject(version.projectKey)?.id ?? 0);
  return json;
}

/**
 * A version as issues embed it in `fixVersions` / `versions`.
 * @see Jira Cloud REST v3 `IssueBean.fields.fixVersions` (Version)
 */
export function issueVersionJson(base: string, version: VersionRecord): Json {
  return {
    self: versionSelf(base, version.id),
    id: String(version.id),
    ...(version.description === null ? {} : { description: version.description }),
    name: version.name,
    archived: version.archived,
    released: version.released,
    ...(version.releaseDate === null ? {} : { releaseDate: version.releaseDate }),
  };
}

function componentSelf(base: string, id: number): string {
  return `${base}/rest/api/3/component/${id}`;
}

/**
 * A component as issues embed it in `components`.
 * @see Jira Cloud REST v3 `IssueBean.fields.components` (ProjectComponent)
 */
export function issueComponentJson(base: string, component: ComponentRecord): Json {
  return {
    self: componentSelf(base, component.id),
    id: String(component.id),
    name: component.name,
    ...(component.description === null ? {} : { description: component.description }),
  };
}

/**
 * A component in a project's component list; the lead is a `User`. With
 * `issueCount` it is a `ComponentWithIssueCount` (the paged list).
 * @see Jira Cloud REST v3 `ProjectComponent`, `ComponentWithIssueCount`
 */
export function componentJson(
  base: string,
  component: ComponentRecord,
  lead: SandboxUser | undefined,
  issueCount?: number,
): Json {
  const project = findProject(component.projectKey);
  return {
    self: componentSelf(base, component.id),
    id: String(component.id),
    name: component.name,
    ...(component.description === null ? {} : { description: component.description }),
    ...(lead === undefined ? {} : { lead: userJson(base, lead) }),
    assigneeType: 'PROJECT_DEFAULT',
    realAssigneeType: 'PROJECT_DEFAULT',
    isAssigneeTypeValid: false,
    project: component.projectKey,
    projectId: Number(project?.id ?? 0),
    ...(issueCount === undefined ? {} : { issueCount }),
  };
}

/**
 * An issue's watchers as GET …/watchers returns them.
 * @see Jira Cloud REST v3 `Watchers`
 */
export function watchersJson(
  ctx: UserContext,
  issue: IssueRecord,
  watcherIds: readonly string[],
  viewer: SandboxUser,
): Json {
  const users = watcherIds
    .map((id) => ctx.directory.findUser(id))
    .filter((user): user is SandboxUser => user !== undefined);
  return {
    self: `${ctx.base}/rest/api/3/issue/${issue.id}/watchers`,
    isWatching: watcherIds.includes(viewer.accountId),
    watchCount: users.length,
    watchers: users.map((user) => userDetailsJson(ctx.base, user)),
  };
}

/**
 * The `watches` field of an issue.
 * @see Jira Cloud REST v3 `IssueBean.fields.watches` (Watchers without the list)
 */
export function watchesFieldJson(
  base: string,
  issue: IssueRecord,
  watcherIds: readonly string[],
  viewer: SandboxUser,
): Json {
  return {
    self: `${base}/rest/api/3/issue/${issue.id}/watchers`,
    watchCount: watcherIds.length,
    isWatching: watcherIds.includes(viewer.accountId),
  };
}

/**
 * A remote (web) link of an issue. Jira's `self` uses the unversioned
 * `/rest/api/issue/…` path, as its own examples show.
 * @see Jira Cloud REST v3 `RemoteIssueLink`
 */
export function remoteLinkJson(base: string, issueKey: string, link: RemoteLinkRecord): Json {
  return {
    id: link.id,
    self: `${base}/rest/api/issue/${issueKey}/remotelink/${link.id}`,
    ...(link.globalId === null ? {} : { globalId: link.globalId }),
    ...(link.application === null ? {} : { application: link.application }),
    ...(link.relationship === null ? {} : { relationship: link.relationship }),
    object: link.object,
  };
}
