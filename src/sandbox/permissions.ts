/**
 * The sandbox's permission scheme, one for every project, as a small Jira
 * site would configure it: any project role grants Browse Projects, Create
 * Issues, Assignable User, Add Comments and Work On Issues; members of
 * `site-admins` or `jira-administrators` hold the global Administer Jira.
 *
 * A restricted comment (visibility role or group) is visible only to the
 * members of that role in the project, or of that group.
 */
import { PROJECTS, type ProjectDef } from './catalog.js';
import { ADMIN_GROUPS, type ProjectRoleName, type SandboxUser } from './directory.js';

/** A comment's restriction, as stored: the role's or group's name. */
export interface CommentVisibility {
  type: 'role' | 'group';
  value: string;
}

/**
 * Whether `user` may see the project and its issues (Browse Projects).
 * @see https://support.atlassian.com/jira-cloud-administration/docs/manage-project-permissions/
 */
export function canBrowseProject(user: SandboxUser, projectKey: string): boolean {
  return (user.projectRoles[projectKey] ?? []).length > 0;
}

/**
 * The projects `user` may browse, in catalog order.
 * @see Jira Cloud REST v3 GET /rest/api/3/project/search ("only projects the user has Browse Projects permission for")
 */
export function browsableProjects(user: SandboxUser): ProjectDef[] {
  return PROJECTS.filter((project) => canBrowseProject(user, project.key));
}

/**
 * Whether `user` holds `role` in the project.
 * @see https://support.atlassian.com/jira-cloud-administration/docs/manage-project-roles/
 */
export function hasProjectRole(
  user: SandboxUser,
  projectKey: string,
  role: ProjectRoleName,
): boolean {
  return (user.projectRoles[projectKey] ?? []).includes(role);
}

/**
 * Whether `user` is in the group (names compare case-insensitively, like Jira's).
 * @see Jira Cloud REST v3 `Visibility` (type `group`)
 */
export function inGroup(user: SandboxUser, group: string): boolean {
  const wanted = group.toLowerCase();
  return user.groups.some((name) => name.toLowerCase() === wanted);
}

/**
 * Whether `user` holds the global Administer Jira permission.
 * @see Jira Cloud REST v3 GET /rest/api/3/mypermissions (`ADMINISTER`)
 */
export function isJiraAdmin(user: SandboxUser): boolean {
  return ADMIN_GROUPS.some((group) => inGroup(user, group));
}

/**
 * Whether `user` may see a comment on an issue of `projectKey`: everyone who
 * can browse the issue, unless the comment is restricted to a role or group
 * the user is not in.
 * @see Jira Cloud REST v3 `Visibility`
 */
export function canSeeComment(
  user: SandboxUser,
  projectKey: string,
  visibility: CommentVisibility | null,
): boolean {
  if (visibility === null) return true;
  if (visibility.type === 'group') return inGroup(user, visibility.value);
  return (user.projectRoles[projectKey] ?? []).some(
    (role) => role.toLowerCase() === visibility.value.toLowerCase(),
  );
}
