/**
 * The Jira client every tool runs with: the real client seen through the
 * `JIRA_PROJECTS` allow-list. Tools get it from `defineTool`, so no tool can
 * forget a check, and a new tool is confined the day it is written:
 * - a call naming an issue or project outside the list is refused before
 *   Jira is asked;
 * - a call naming an allowed key first asks Jira where that issue lives now
 *   (Jira follows a moved issue's old key, so `DEMO-5` may act on what is now
 *   `OPS-9`), refuses it unless its project is allowed, and then sends the
 *   call to the issue's current key, so a later move or rename cannot
 *   redirect the call to an issue that was never checked;
 * - an issue Jira returns that lives outside the list (a moved issue) is
 *   refused, or in a search reduced to its key and project so the tool can
 *   count and withhold it;
 * - every other issue representation in any answer passes
 *   {@link redactForeignIssues}.
 */
import type { JiraClient } from '../../jira/client.js';
import { JIRA_ERROR, JiraError } from '../../jira/errors.js';
import type { JiraIssue } from '../../jira/schemas.js';
import { confineAgile } from './confined-agile.js';
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
  const checkIssue = (issue: JiraIssue): void => {
    projects.assertProject(issueProject(issue));
    projects.assertIssueKey(issue.key);
  };
  // Requested key (upper case) -> current key, for this one tool call only
  // (confineJira runs per call), so a tool that makes several calls on one
  // issue costs a single resolving GET.
  const resolved = new Map<string, string>();
  const remember = (asked: string, issue: JiraIssue): void => {
    resolved.set(asked.toUpperCase(), issue.key);
    resolved.set(issue.key.toUpperCase(), issue.key);
  };
  /** The issue's current key once Jira says it lives in an allowed project. */
  const resolve = async (key: string): Promise<string> => {
    checkKey(key);
    const known = resolved.get(key.toUpperCase());
    if (known !== undefined) return known;
    const issue = await jira.getIssue(key, { fields: ['project'] });
    checkIssue(issue);
    remember(key, issue);
    return issue.key;
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
    // --- agile (AG): confined-agile.ts ---
    ...confineAgile(jira, projects, { resolve, listed }),
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
      checkIssue(issue);
      remember(key, issue);
      return scrub(issue);
    },
    async listComments(key, options) {
      return scrub(await jira.listComments(await resolve(key), options));
    },
    async getTransitions(key) {
      return scrub(await jira.getTransitions(await resolve(key)));
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
      if (input.parentKey === undefined) return jira.createIssue(input);
      return jira.createIssue({ ...input, parentKey: await resolve(input.parentKey) });
    },
    async updateIssue(key, input) {
      return jira.updateIssue(await resolve(key), input);
    },
    async addComment(key, body, options) {
      return scrub(await jira.addComment(await resolve(key), body, options));
    },
    async transitionIssue(key, transitionId, input) {
      return jira.transitionIssue(await resolve(key), transitionId, input);
    },
    async assignIssue(key, accountId) {
      return jira.assignIssue(await resolve(key), accountId);
    },
    async addWorklog(key, input) {
      return scrub(await jira.addWorklog(await resolve(key), input));
    },
    listIssueLinkTypes: () => jira.listIssueLinkTypes(),
    async linkIssues(input) {
      // Both ends are checked by their keys before either is resolved.
      checkKey(input.outwardKey);
      checkKey(input.inwardKey);
      const outwardKey = await resolve(input.outwardKey);
      const inwardKey = await resolve(input.inwardKey);
      return jira.linkIssues({ ...input, outwardKey, inwardKey });
    },
    // --- structure & collaboration ---
    async listProjectVersions(projectKey, input) {
      projects.assertProject(projectKey);
      return jira.listProjectVersions(projectKey, input);
    },
    async createVersion(input) {
      projects.assertProject(input.projectKey);
      // The body names the project by id: use the id Jira gives for the
      // checked key, never one the caller passed alongside it.
      const key = input.projectKey.trim().toUpperCase();
      const page = await jira.searchProjects({ keys: [key] });
      const project = page.values.find((p) => p.key.toUpperCase() === key);
      if (project === undefined) throw projectNotFound(key);
      return jira.createVersion({ ...input, projectKey: key, projectId: project.id });
    },
    async listProjectComponents(projectKey, input) {
      projects.assertProject(projectKey);
      return scrub(await jira.listProjectComponents(projectKey, input));
    },
    async getIssueLink(linkId) {
      const link = await jira.getIssueLink(linkId);
      checkKey(link.outwardIssue.key);
      checkKey(link.inwardIssue.key);
      return link;
    },
    async deleteIssueLink(linkId) {
      // A bare id says nothing about the issues: ask Jira which two issues
      // the link joins, and delete only when both are allowed.
      const link = await jira.getIssueLink(linkId);
      checkKey(link.outwardIssue.key);
      checkKey(link.inwardIssue.key);
      return jira.deleteIssueLink(link.id);
    },
    async addRemoteLink(key, input) {
      return jira.addRemoteLink(await resolve(key), input);
    },
    async getWatchers(key) {
      return jira.getWatchers(await resolve(key));
    },
    async addWatcher(key, accountId) {
      return jira.addWatcher(await resolve(key), accountId);
    },
    async removeWatcher(key, accountId) {
      return jira.removeWatcher(await resolve(key), accountId);
    },
    // --- custom fields (CF) ---
    // The field list is site-wide (no issue content), so it passes unchanged.
    siteKey: () => jira.siteKey(),
    listFields: () => jira.listFields(),
    async getEditMeta(key) {
      return scrub(await jira.getEditMeta(await resolve(key)));
    },
    async getTransitionsWithFields(key) {
      return scrub(await jira.getTransitionsWithFields(await resolve(key)));
    },
    // --- attachments & history (AT) ---
    async getIssueAttachments(key) {
      checkKey(key);
      const found = await jira.getIssueAttachments(key);
      projects.assertIssueKey(found.key);
      projects.assertProject(found.projectKey ?? projectOfIssueKey(found.key));
      resolved.set(key.toUpperCase(), found.key);
      resolved.set(found.key.toUpperCase(), found.key);
      return found;
    },
    async downloadAttachment(key, attachmentId, maxBytes) {
      // The content endpoint names no issue, so the attachment must be one
      // that the (allowed) issue lists; an id from elsewhere is refused.
      const current = await resolve(key);
      const { attachments } = await jira.getIssueAttachments(current);
      if (!attachments.some((a) => a.id === attachmentId.trim())) {
        throw new JiraError(
          JIRA_ERROR.notFound,
          `Attachment ${attachmentId} is not attached to ${current}.`,
        );
      }
      return jira.downloadAttachment(current, attachmentId, maxBytes);
    },
    async addAttachment(key, file) {
      return jira.addAttachment(await resolve(key), file);
    },
    async getChangelog(key, page) {
      return scrub(await jira.getChangelog(await resolve(key), page));
    },
    async listWorklogs(key, page) {
      return scrub(await jira.listWorklogs(await resolve(key), page));
    },
  };
}

/** Jira's 404 for a project the account cannot see, in the gateway's own error. */
function projectNotFound(key: string): JiraError {
  return new JiraError(JIRA_ERROR.notFound, `Project ${key} was not found or is not visible.`);
}
