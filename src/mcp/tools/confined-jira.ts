/**
 * The Jira client every tool runs with: the real client seen through the
 * `JIRA_PROJECTS` allow-list. Tools get it from `defineTool`, so no tool can
 * forget a check, and a new tool is confined the day it is written:
 * - a call naming an issue or project outside the list is refused before
 *   Jira is asked;
 * - an issue Jira returns that lives outside the list (a moved issue) is
 *   refused, or in a search reduced to its key and project so the tool can
 *   count and withhold it;
 * - every other issue representation in any answer passes
 *   {@link redactForeignIssues}.
 */
import type { JiraClient } from '../../jira/client.js';
import type { JiraIssue } from '../../jira/schemas.js';
import { issueProject } from './format.js';
import { redactForeignIssues } from './foreign-issue-filter.js';
import { projectOfIssueKey, type ProjectAllowList } from './project-allow-list.js';
import { DEFAULT_SEARCH_FIELDS } from '../../jira/request-bodies.js';

/** The client's public methods, without its private state, so a wrapper can stand in for it. */
export type JiraApi = { [K in keyof JiraClient]: JiraClient[K] };

/** The field list with `project` in it, so the project check never depends on a key alone. */
function withProject(fields: readonly string[] | undefined): readonly string[] | undefined {
  if (fields === undefined || fields.includes('project') || fields.includes('*all')) return fields;
  return [...fields, 'project'];
}

/**
 * `jira` confined to `projects`; unchanged when the list is empty (every
 * project allowed).
 * @see Jira Cloud platform REST API v3 (IssueBean, IssueLink, LinkedIssue)
 */
export function confineJira(jira: JiraApi, projects: ProjectAllowList): JiraApi {
  if (!projects.restricted) return jira;
  const scrub = <T>(value: T): T => redactForeignIssues(value, (p) => projects.allows(p));
  const checkKey = (key: string): void => {
    projects.assertIssueKey(key);
  };
  const listed = (issue: JiraIssue): JiraIssue => {
    const foreign = [projectOfIssueKey(issue.key), issueProject(issue)].find(
      (p) => !projects.allows(p),
    );
    // Key and project only: enough for the tool to count what it withholds.
    if (foreign !== undefined)
      return { id: issue.id, key: issue.key, fields: { project: { key: foreign } } };
    return scrub(issue);
  };
  return {
    getMyself: () => jira.getMyself(),
    searchProjects: (input) => jira.searchProjects(input),
    async searchIssues(input) {
      const fields = withProject(input.fields ?? DEFAULT_SEARCH_FIELDS);
      const page = await jira.searchIssues({
        ...input,
        ...(fields === undefined ? {} : { fields }),
      });
      return { ...page, issues: page.issues.map(listed) };
    },
    async getIssue(key, options = {}) {
      checkKey(key);
      const fields = withProject(options.fields);
      const issue = await jira.getIssue(key, {
        ...options,
        ...(fields === undefined ? {} : { fields }),
      });
      projects.assertProject(issueProject(issue));
      projects.assertIssueKey(issue.key);
      return scrub(issue);
    },
    async listComments(key, options) {
      checkKey(key);
      return scrub(await jira.listComments(key, options));
    },
    async getTransitions(key) {
      checkKey(key);
      return scrub(await jira.getTransitions(key));
    },
    async getCreateMetaIssueTypes(projectKey) {
      projects.assertProject(projectKey);
      return scrub(await jira.getCreateMetaIssueTypes(projectKey));
    },
    async getCreateMetaFields(projectKey, issueTypeId) {
      projects.assertProject(projectKey);
      return scrub(await jira.getCreateMetaFields(projectKey, issueTypeId));
    },
    findUsers: (query, options) => jira.findUsers(query, options),
    async createIssue(input) {
      projects.assertProject(input.projectKey);
      if (input.parentKey !== undefined) checkKey(input.parentKey);
      return jira.createIssue(input);
    },
    async updateIssue(key, input) {
      checkKey(key);
      return jira.updateIssue(key, input);
    },
    async addComment(key, body) {
      checkKey(key);
      return scrub(await jira.addComment(key, body));
    },
    async transitionIssue(key, transitionId, input) {
      checkKey(key);
      return jira.transitionIssue(key, transitionId, input);
    },
    async assignIssue(key, accountId) {
      checkKey(key);
      return jira.assignIssue(key, accountId);
    },
    async addWorklog(key, input) {
      checkKey(key);
      return scrub(await jira.addWorklog(key, input));
    },
    listIssueLinkTypes: () => jira.listIssueLinkTypes(),
    async linkIssues(input) {
      checkKey(input.outwardKey);
      checkKey(input.inwardKey);
      return jira.linkIssues(input);
    },
  };
}
