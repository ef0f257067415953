/**
 * JSON shapes shared by many endpoints, built exactly as the OpenAPI
 * description's component schemas define them (several of which forbid
 * additional properties, so each builder emits only documented keys).
 * `base` is the site's origin, used in every `self` link.
 */
import type { IssueTypeDef, LinkTypeDef, PriorityDef, ProjectDef, StatusDef } from './catalog.js';
import type { SandboxDirectory, SandboxUser } from './directory.js';

export type Json = Record<string, unknown>;

/** @see Jira Cloud REST v3 `AvatarUrlsBean` */
export function avatarUrls(base: string, kind: 'user' | 'project', id: string): Json {
  const sizes = { '48x48': 48, '24x24': 24, '16x16': 16, '32x32': 32 };
  const owner = encodeURIComponent(id);
  return Object.fromEntries(
    Object.entries(sizes).map(([key, size]) => [
      key,
      kind === 'user'
        ? `${base}/secure/useravatar?size=${size}&ownerId=${owner}`
        : `${base}/secure/projectavatar?size=${size}&pid=${owner}`,
    ]),
  );
}

function userSelf(base: string, accountId: string): string {
  return `${base}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`;
}

/**
 * A user as embedded in issues, comments and worklogs.
 * @see Jira Cloud REST v3 `UserDetails`
 */
export function userDetailsJson(base: string, user: SandboxUser): Json {
  return {
    self: userSelf(base, user.accountId),
    accountId: user.accountId,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrls(base, 'user', user.accountId),
    displayName: user.displayName,
    active: true,
    timeZone: user.timeZone,
    accountType: 'atlassian',
  };
}

/**
 * A user as the user searches return it.
 * @see Jira Cloud REST v3 `User`
 */
export function userJson(base: string, user: SandboxUser): Json {
  return {
    self: userSelf(base, user.accountId),
    accountId: user.accountId,
    accountType: 'atlassian',
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrls(base, 'user', user.accountId),
    displayName: user.displayName,
    active: true,
    timeZone: user.timeZone,
    locale: user.locale,
  };
}

/**
 * The authenticated user as `/myself` returns it: with group and
 * application-role counts, and the user's groups listed when `expand=groups`.
 * @see Jira Cloud REST v3 `User`
 */
export function myselfJson(
  base: string,
  user: SandboxUser,
  expand: ReadonlySet<string>,
  directory: SandboxDirectory,
): Json {
  const groups = user.groups.map((name) => {
    const groupId = directory.findGroup(name)?.groupId ?? '';
    return { name, groupId, self: `${base}/rest/api/3/group?groupId=${groupId}` };
  });
  return {
    ...userJson(base, user),
    groups: { size: groups.length, items: expand.has('groups') ? groups : [] },
    applicationRoles: { size: 1, items: [] },
    expand: 'groups,applicationRoles',
  };
}

/** @see Jira Cloud REST v3 `StatusDetails` */
export function statusJson(base: string, status: StatusDef): Json {
  const category = status.category;
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    description: status.description,
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${base}/rest/api/3/statuscategory/${category.id}`,
      id: category.id,
      key: category.key,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

/** @see Jira Cloud REST v3 `IssueTypeDetails` */
export function issueTypeJson(base: string, type: IssueTypeDef): Json {
  return {
    self: `${base}/rest/api/3/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${base}/images/icons/issuetypes/${type.iconName}.svg`,
    name: type.name,
    subtask: type.subtask,
    hierarchyLevel: type.hierarchyLevel,
  };
}

/** @see Jira Cloud REST v3 `Priority` */
export function priorityJson(base: string, priority: PriorityDef): Json {
  return {
    self: `${base}/rest/api/3/priority/${priority.id}`,
    iconUrl: `${base}/images/icons/priorities/${priority.name.toLowerCase()}.svg`,
    name: priority.name,
    id: priority.id,
  };
}

/** @see Jira Cloud REST v3 `ProjectDetails` */
export function projectDetailsJson(base: string, project: ProjectDef): Json {
  return {
    self: `${base}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: avatarUrls(base, 'project', project.id),
  };
}

/** @see Jira Cloud REST v3 `IssueLinkType` */
export function linkTypeJson(base: string, type: LinkTypeDef): Json {
  return {
    id: type.id,
    name: type.name,
    inward: type.inward,
    outward: type.outward,
    self: `${base}/rest/api/3/issueLinkType/${type.id}`,
  };
}

/** The one resolution the workflow sets, "Done". @see Jira Cloud REST v3 `Resolution` */
export function resolutionJson(base: string): Json {
  return {
    self: `${base}/rest/api/3/resolution/10000`,
    id: '10000',
    description: 'Work has been completed on this issue.',
    name: 'Done',
  };
}
