/**
 * GET /mypermissions: which of the named permissions the caller holds,
 * globally, in a project, or on an issue. The sandbox's scheme (see
 * permissions.ts): any project role grants the project permissions below
 * except Administer Projects (Administrators role only); Administer Jira
 * belongs to the admin groups; everyone may browse users.
 */
import { Hono, type Context } from 'hono';
import { findProject, PROJECTS } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import { ISSUE_NOT_FOUND, jiraError, projectNotFound } from '../jira-errors.js';
import { canBrowseProject, hasProjectRole, isJiraAdmin } from '../permissions.js';
import type { Json } from '../represent-common.js';
import { listParam } from './paging.js';

interface PermissionDef {
  id: string;
  key: string;
  name: string;
  type: 'GLOBAL' | 'PROJECT';
  description: string;
  /** Whether `user` holds it in the project (ignored for GLOBAL ones). */
  holds: (user: SandboxUser, projectKey: string) => boolean;
}

const member = (user: SandboxUser, projectKey: string): boolean =>
  canBrowseProject(user, projectKey);

function project(id: string, key: string, name: string, description: string): PermissionDef {
  return { id, key, name, type: 'PROJECT', description, holds: member };
}

/** Jira's ids, keys and names for the permissions the sandbox models. */
const PERMISSIONS: readonly PermissionDef[] = [
  {
    id: '0',
    key: 'ADMINISTER',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description: 'Create and administer projects, issue types, fields, workflows, and schemes.',
    holds: (user) => isJiraAdmin(user),
  },
  {
    id: '27',
    key: 'USER_PICKER',
    name: 'Browse users and groups',
    type: 'GLOBAL',
    description: 'View and select users or groups from the user picker.',
    holds: () => true,
  },
  project(
    '10',
    'BROWSE_PROJECTS',
    'Browse Projects',
    'Ability to browse projects and the issues within them.',
  ),
  project('11', 'CREATE_ISSUES', 'Create Issues', 'Ability to create issues.'),
  project('12', 'EDIT_ISSUES', 'Edit Issues', 'Ability to edit issues.'),
  project('13', 'ASSIGN_ISSUES', 'Assign Issues', 'Ability to assign issues to other people.'),
  project('15', 'ADD_COMMENTS', 'Add Comments', 'Ability to comment on issues.'),
  project(
    '17',
    'ASSIGNABLE_USER',
    'Assignable User',
    'Users with this permission may be assigned to issues.',
  ),
  project('20', 'WORK_ON_ISSUES', 'Work On Issues', 'Ability to log work done against an issue.'),
  project('21', 'LINK_ISSUES', 'Link Issues', 'Ability to link issues together.'),
  project('46', 'TRANSITION_ISSUES', 'Transition Issues', 'Ability to transition issues.'),
  {
    id: '23',
    key: 'ADMINISTER_PROJECTS',
    name: 'Administer Projects',
    type: 'PROJECT',
    description: 'Ability to administer a project in Jira.',
    holds: (user, projectKey) => hasProjectRole(user, projectKey, 'Administrators'),
  },
];

/** The project the query names (project or issue), `null` for the global context, or a 404. */
function context(c: Context<SandboxEnv>, deps: SandboxDeps): string | null | Response {
  const me = c.get('user');
  const issueRef = c.req.query('issueId') ?? c.req.query('issueKey');
  if (issueRef !== undefined) {
    const issue = deps.store.getIssue(issueRef);
    if (issue === undefined || !canBrowseProject(me, issue.projectKey)) {
      return jiraError(c, 404, [ISSUE_NOT_FOUND]);
    }
    return issue.projectKey;
  }
  const projectRef = c.req.query('projectId') ?? c.req.query('projectKey');
  if (projectRef !== undefined) {
    const found = findProject(projectRef);
    if (found === undefined || !canBrowseProject(me, found.key)) {
      return jiraError(c, 404, [projectNotFound(projectRef)]);
    }
    return found.key;
  }
  return null;
}

/**
 * Routes: GET /mypermissions.
 * @see Jira Cloud REST v3 GET /rest/api/3/mypermissions
 */
export function myPermissionsRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /**
   * In the global context a project permission counts if held in any
   * project, as Jira documents.
   * @see Jira Cloud REST v3 GET /rest/api/3/mypermissions
   */
  app.get('/mypermissions', (c) => {
    const keys = listParam(c.req.queries('permissions'));
    if (keys.length === 0) {
      return jiraError(c, 400, ["The 'permissions' query parameter is required."]);
    }
    const unknown = keys.find((key) => !PERMISSIONS.some((p) => p.key === key));
    if (unknown !== undefined) {
      return jiraError(c, 400, [`The permission key '${unknown}' is not valid.`]);
    }
    const where = context(c, deps);
    if (where instanceof Response) return where;
    const me = c.get('user');
    const permissions: Record<string, Json> = {};
    for (const permission of PERMISSIONS.filter((p) => keys.includes(p.key))) {
      const have =
        permission.type === 'GLOBAL' || where !== null
          ? permission.holds(me, where ?? '')
          : PROJECTS.some((p) => permission.holds(me, p.key));
      const { holds: _holds, ...shown } = permission;
      permissions[permission.key] = { ...shown, havePermission: have };
    }
    return c.json({ permissions });
  });

  return app;
}
