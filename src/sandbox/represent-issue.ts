/**
 * Issues as REST v3 returns them (`IssueBean`), and the pieces embedded in
 * them: comments, worklogs, links, sub-tasks, transitions.
 */
import { attachmentJson, changelogJson } from './represent-history.js';
import { adfToHtml } from './adf-html.js';
import {
  findLinkType,
  findProject,
  issueTypeById,
  priorityById,
  statusById,
  TRANSITIONS,
  type TransitionDef,
} from './catalog.js';
import {
  customFieldJson,
  findCustomField,
  RESOLUTION_KEY,
  resolutionByIdJson,
} from './custom-fields.js';
import { fieldNames, fieldSchemas } from './issue-fields.js';
import { issueComponentJson, issueVersionJson, watchesFieldJson } from './represent-structure.js';
import { SPRINT_FIELD_ID, sprintFieldJson } from './represent-agile.js';
import { formatDuration, formatJiraDateTime } from './jira-time.js';
import {
  issueTypeJson,
  linkTypeJson,
  priorityJson,
  projectDetailsJson,
  resolutionJson,
  statusJson,
  type Json,
} from './represent-common.js';
import type { SandboxUser } from './directory.js';
import { canBrowseProject } from './permissions.js';
import {
  commentJson,
  userOrNull,
  visibleComments,
  worklogJson,
  type UserContext,
} from './represent-activity.js';
import type { IssueRecord, SandboxStore } from './store.js';

/** What rendering an issue needs; `viewer` decides which comments and links show. */
export interface RenderContext extends UserContext {
  store: SandboxStore;
  viewer: SandboxUser;
}

export interface IssueView {
  fields: readonly string[];
  expand: ReadonlySet<string>;
}

const ISSUE_EXPAND =
  'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';

/** The issue's key, e.g. `DEMO-7`. */
export function issueKey(issue: IssueRecord): string {
  return `${issue.projectKey}-${issue.number}`;
}

function issueSelf(base: string, issue: IssueRecord): string {
  return `${base}/rest/api/3/issue/${issue.id}`;
}

/** Whether the viewer may see this issue (Browse Projects on its project). */
function visible(ctx: RenderContext, issue: IssueRecord): boolean {
  return canBrowseProject(ctx.viewer, issue.projectKey);
}

/**
 * One issue with the selected fields and expansions. `names` and `schema`
 * are included here for GET issue; search puts them at the top level.
 * @see Jira Cloud REST v3 `IssueBean`
 */
export function issueBeanJson(ctx: RenderContext, issue: IssueRecord, view: IssueView): Json {
  const json: Json = {
    expand: ISSUE_EXPAND,
    id: String(issue.id),
    self: issueSelf(ctx.base, issue),
    key: issueKey(issue),
  };
  if (view.expand.has('renderedFields'))
    json['renderedFields'] = renderedFields(ctx, issue, view.fields);
  if (view.expand.has('names')) json['names'] = fieldNames(view.fields);
  if (view.expand.has('schema')) json['schema'] = fieldSchemas(view.fields);
  if (view.expand.has('transitions')) {
    json['transitions'] = availableTransitions(issue).map((t) => transitionJson(ctx.base, t));
  }
  json['fields'] = Object.fromEntries(view.fields.map((id) => [id, fieldValue(ctx, issue, id)]));
  if (view.expand.has('changelog')) json['changelog'] = changelogField(ctx, issue);
  return json;
}

function fieldValue(ctx: RenderContext, issue: IssueRecord, id: string): unknown {
  const { base, store } = ctx;
  switch (id) {
    case 'summary':
      return issue.summary;
    case 'status':
      return statusJson(base, statusById(issue.statusId));
    case 'issuetype':
      return issueTypeJson(base, issueTypeById(issue.issueTypeId));
    case 'priority':
      return issue.priorityId === null ? null : priorityJson(base, priorityById(issue.priorityId));
    case 'assignee':
      return userOrNull(ctx, issue.assigneeId);
    case 'reporter':
      return userOrNull(ctx, issue.reporterId);
    case 'creator':
      return userOrNull(ctx, issue.creatorId);
    case 'labels':
      return issue.labels;
    case 'created':
      return formatJiraDateTime(issue.created);
    case 'updated':
      return formatJiraDateTime(issue.updated);
    case 'description':
      return issue.description;
    case 'comment':
      return commentField(ctx, issue);
    case 'subtasks':
      return store
        .listIssues()
        .filter(
          (child) =>
            child.parentId === issue.id &&
            issueTypeById(child.issueTypeId).subtask &&
            visible(ctx, child),
        )
        .map((child) => linkedIssueJson(base, child));
    case 'issuelinks':
      return issueLinksJson(ctx, issue);
    case 'parent': {
      const parent = issue.parentId === null ? undefined : store.getIssueById(issue.parentId);
      return parent === undefined || !visible(ctx, parent)
        ? undefined
        : linkedIssueJson(base, parent);
    }
    case 'project': {
      const project = findProject(issue.projectKey);
      return project === undefined ? null : projectDetailsJson(base, project);
    }
    case 'timetracking':
      return timeTrackingJson(issue, timeSpent(store, issue));
    case 'worklog': {
      const worklogs = store.listWorklogs(issue.id);
      return {
        startAt: 0,
        maxResults: 20,
        total: worklogs.length,
        worklogs: worklogs.slice(0, 20).map((w) => worklogJson(ctx, w)),
      };
    }
    case 'resolution': {
      if (issue.resolutionDate === null) return null;
      const chosen = store.customFieldValues(issue.id)[RESOLUTION_KEY];
      return typeof chosen === 'string' ? resolutionByIdJson(base, chosen) : resolutionJson(base);
    }
    case 'resolutiondate':
      return issue.resolutionDate === null ? null : formatJiraDateTime(issue.resolutionDate);
    case 'statuscategorychangedate':
      return formatJiraDateTime(issue.statusCategoryChanged);
    case 'duedate':
      return issue.dueDate;
    case 'timeoriginalestimate':
      return issue.originalEstimateSeconds;
    case 'timeestimate':
      return issue.remainingEstimateSeconds;
    case 'timespent': {
      const spent = timeSpent(store, issue);
      return spent === 0 ? null : spent;
    }
    case 'attachment':
      return store.history.listAttachments(issue.id).map((a) => attachmentJson(ctx, a));
    case 'fixVersions':
    case 'versions':
      return store.structure.issueVersions(issue.id, id).map((v) => issueVersionJson(base, v));
    case 'components':
      return store.structure.issueComponents(issue.id).map((c) => issueComponentJson(base, c));
    case 'watches':
      return watchesFieldJson(base, issue, store.collaboration.listWatchers(issue.id), ctx.viewer);
    case SPRINT_FIELD_ID:
      return sprintFieldJson(store.agile.sprintsOfIssue(issue.id));
    default: {
      const custom = findCustomField(id);
      return custom === undefined
        ? null
        : customFieldJson(ctx, custom, store.customFieldValues(issue.id)[id]);
    }
  }
}

/**
 * `expand=changelog`: the whole history in one page, as GET issue embeds it.
 * @see Jira Cloud REST v3 `PageOfChangelogs`
 */
function changelogField(ctx: RenderContext, issue: IssueRecord): Json {
  const entries = ctx.store.history.listChanges(issue.id);
  return {
    startAt: 0,
    maxResults: entries.length,
    total: entries.length,
    histories: entries.map((entry) => changelogJson(ctx, entry)),
  };
}

// Totals count only what the viewer may see, as Jira's do.
function commentField(ctx: RenderContext, issue: IssueRecord): Json {
  const comments = visibleComments(ctx.store, ctx.viewer, issue);
  return {
    comments: comments.map((c) => commentJson(ctx, c)),
    self: `${ctx.base}/rest/api/3/issue/${issue.id}/comment`,
    maxResults: comments.length,
    total: comments.length,
    startAt: 0,
  };
}

function renderedFields(ctx: RenderContext, issue: IssueRecord, fields: readonly string[]): Json {
  const rendered: Json = {};
  if (fields.includes('description')) {
    rendered['description'] = issue.description === null ? null : adfToHtml(issue.description);
  }
  if (fields.includes('comment')) {
    const page = commentField(ctx, issue);
    const comments = visibleComments(ctx.store, ctx.viewer, issue);
    page['comments'] = comments.map((c) => ({
      ...commentJson(ctx, c),
      body: adfToHtml(c.body),
    }));
    rendered['comment'] = page;
  }
  return rendered;
}

/**
 * An issue as embedded in another: parent, sub-tasks, links.
 * @see Jira Cloud REST v3 `LinkedIssue`
 */
export function linkedIssueJson(base: string, issue: IssueRecord): Json {
  return {
    id: String(issue.id),
    key: issueKey(issue),
    self: issueSelf(base, issue),
    fields: {
      summary: issue.summary,
      status: statusJson(base, statusById(issue.statusId)),
      ...(issue.priorityId === null
        ? {}
        : { priority: priorityJson(base, priorityById(issue.priorityId)) }),
      issuetype: issueTypeJson(base, issueTypeById(issue.issueTypeId)),
    },
  };
}

/**
 * Links as seen from `issue`: the other issue sits in `outwardIssue` when
 * `issue` is the "from" side ("DEMO-4 blocks DEMO-5"), else in `inwardIssue`.
 * A link to an issue the viewer may not see is left out, as Jira does.
 * @see Jira Cloud REST v3 `IssueLink`
 */
function issueLinksJson(ctx: RenderContext, issue: IssueRecord): Json[] {
  const links: Json[] = [];
  for (const link of ctx.store.listLinks(issue.id)) {
    const type = findLinkType({ id: link.typeId });
    const outward = link.sourceIssueId === issue.id;
    const other = ctx.store.getIssueById(outward ? link.destinationIssueId : link.sourceIssueId);
    if (type === undefined || other === undefined || !visible(ctx, other)) continue;
    links.push({
      id: String(link.id),
      self: `${ctx.base}/rest/api/3/issueLink/${link.id}`,
      type: linkTypeJson(ctx.base, type),
      [outward ? 'outwardIssue' : 'inwardIssue']: linkedIssueJson(ctx.base, other),
    });
  }
  return links;
}

function timeSpent(store: SandboxStore, issue: IssueRecord): number {
  return store.listWorklogs(issue.id).reduce((sum, w) => sum + w.timeSpentSeconds, 0);
}

/** @see Jira Cloud REST v3 `TimeTrackingDetails` */
function timeTrackingJson(issue: IssueRecord, spentSeconds: number): Json {
  const json: Json = {};
  if (issue.originalEstimateSeconds !== null) {
    json['originalEstimate'] = formatDuration(issue.originalEstimateSeconds);
  }
  if (issue.remainingEstimateSeconds !== null) {
    json['remainingEstimate'] = formatDuration(issue.remainingEstimateSeconds);
  }
  if (spentSeconds > 0) json['timeSpent'] = formatDuration(spentSeconds);
  if (issue.originalEstimateSeconds !== null) {
    json['originalEstimateSeconds'] = issue.originalEstimateSeconds;
  }
  if (issue.remainingEstimateSeconds !== null) {
    json['remainingEstimateSeconds'] = issue.remainingEstimateSeconds;
  }
  if (spentSeconds > 0) json['timeSpentSeconds'] = spentSeconds;
  return json;
}

/** The workflow transitions leaving the issue's current status. */
export function availableTransitions(issue: IssueRecord): TransitionDef[] {
  return TRANSITIONS.filter((t) => t.from === issue.statusId);
}

/** @see Jira Cloud REST v3 `IssueTransition` */
export function transitionJson(base: string, transition: TransitionDef): Json {
  return {
    id: transition.id,
    name: transition.name,
    to: statusJson(base, statusById(transition.to)),
    hasScreen: false,
    isGlobal: false,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
  };
}
