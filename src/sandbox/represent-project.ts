/**
 * Projects as REST v3 returns them (`Project`): a short form for search
 * results, which grows with `expand`, and the full form of GET project.
 */
import { ISSUE_TYPES, type ProjectDef } from './catalog.js';
import { formatJiraDateTime } from './jira-time.js';
import { avatarUrls, issueTypeJson, userJson, type Json } from './represent-common.js';
import type { SandboxDirectory } from './directory.js';
import type { IssueRecord } from './store.js';

const PROJECT_EXPAND = 'description,lead,issueTypes,url,projectKeys,permissions,insight';

/**
 * A project. `full` adds what GET project returns by default; `expand`
 * adds `description`, `lead`, `issueTypes`, `insight` and `projectKeys` on demand.
 * @see Jira Cloud REST v3 `Project`
 */
export function projectJson(
  base: string,
  project: ProjectDef,
  issues: readonly IssueRecord[],
  options: { full: boolean; expand: ReadonlySet<string>; directory: SandboxDirectory },
): Json {
  const { full, expand } = options;
  const json: Json = {
    expand: PROJECT_EXPAND,
    self: `${base}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
  };
  if (full || expand.has('description')) json['description'] = project.description;
  const lead = options.directory.findUser(project.leadAccountId);
  if ((full || expand.has('lead')) && lead !== undefined) json['lead'] = userJson(base, lead);
  if (full) {
    json['components'] = [];
  }
  if (full || expand.has('issueTypes')) {
    json['issueTypes'] = ISSUE_TYPES.map((type) => issueTypeJson(base, type));
  }
  if (full) {
    json['assigneeType'] = 'UNASSIGNED';
    json['versions'] = [];
    json['roles'] = {};
  }
  json['name'] = project.name;
  json['avatarUrls'] = avatarUrls(base, 'project', project.id);
  json['projectTypeKey'] = 'software';
  json['simplified'] = false;
  json['style'] = 'classic';
  json['isPrivate'] = false;
  json['properties'] = {};
  json['uuid'] = project.uuid;
  if (expand.has('insight')) {
    const own = issues.filter((issue) => issue.projectKey === project.key);
    const last = Math.max(0, ...own.map((issue) => issue.updated));
    json['insight'] = {
      totalIssueCount: own.length,
      lastIssueUpdateTime: formatJiraDateTime(last),
    };
  }
  return json;
}
