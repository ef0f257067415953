/** Read tools about issues: search, one issue in depth, its comments, its transitions. */
import { z } from 'zod';
import { adfToMarkdown } from '../../jira/adf/index.js';
import { DEFAULT_SEARCH_FIELDS } from '../../jira/request-bodies.js';
import { SCOPES } from '../../oauth/scopes.js';
import { ISSUE_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import {
  COMMENT_VIEW_SCHEMA,
  commentBlock,
  ISSUE_SUMMARY_SCHEMA,
  issueLine,
  issueProject,
  oneLine,
  toCommentView,
  toIssueSummary,
} from './format.js';
import { resolveRequestedFields } from './field-names.js';
import { readIssueDetail, ISSUE_DETAIL_SCHEMA, issueDetailMarkdown } from './issue-detail.js';
import type { JiraApi } from './confined-jira.js';
import { defineTool, type JiraTool } from './tool-definition.js';

const MAX_FIELD_TEXT = 2_000;

/** A requested field's value for the result: ADF becomes Markdown, long text is cut. */
function fieldValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'doc') {
    return adfToMarkdown(value).slice(0, MAX_FIELD_TEXT);
  }
  if (typeof value === 'string') return value.slice(0, MAX_FIELD_TEXT);
  return value ?? null;
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return oneLine(text).slice(0, 200);
}

const searchIssues = defineTool({
  name: 'jira_search_issues',
  scope: SCOPES.read,
  title: 'Search Jira issues (JQL)',
  description:
    'Finds issues with a JQL (Jira Query Language) query and lists key, summary, type, status, priority, assignee and labels. ' +
    "Examples: project = DEMO AND status = 'In Progress' ORDER BY updated DESC · assignee = currentUser() AND statusCategory != Done · text ~ 'login' AND created >= -14d. " +
    'fields (optional) adds Jira fields to each result, e.g. ["duedate","description","reporter"]. maxResults 1-50 (default 20). ' +
    'When more results exist the answer includes a nextPageToken: call again with the same jql and that token for the next page. Use jira_get_issue for full details of one issue.',
  inputSchema: z.object({
    jql: z
      .string()
      .trim()
      .min(1)
      .max(4_000)
      .describe('The JQL query; a trailing ORDER BY clause is allowed.'),
    fields: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_.]+$/, 'a Jira field id such as duedate or customfield_10010'),
      )
      .max(30)
      .optional()
      .describe('Extra Jira field ids to include per issue, e.g. ["duedate", "description"].'),
    maxResults: z.number().int().min(1).max(50).default(20).describe('Issues per page (1-50).'),
    nextPageToken: z
      .string()
      .min(1)
      .max(2_000)
      .optional()
      .describe('The token from the previous page, to continue the same search.'),
  }),
  outputSchema: z.object({
    jql: z.string(),
    issues: z.array(ISSUE_SUMMARY_SCHEMA.extend({ fields: z.record(z.string(), z.unknown()) })),
    nextPageToken: z.string().nullable(),
    isLast: z.boolean(),
    withheld: z.number(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira, projects, jiraAccount }) {
    // Acting as the person: only the allowed projects their account can see
    // (one project search; the shared account's view is the administrator's
    // choice, so it is not narrowed).
    const perPerson =
      projects.restricted && jiraAccount !== undefined && jiraAccount.mode !== 'service';
    const jql = projects.confineJql(
      input.jql,
      perPerson ? await visibleProjects(jira, projects.projects) : undefined,
    );
    const extra = (input.fields ?? []).filter((f) => !DEFAULT_SEARCH_FIELDS.includes(f));
    const page = await jira.searchIssues({
      jql,
      fields: [...DEFAULT_SEARCH_FIELDS, ...extra],
      maxResults: input.maxResults,
      ...(input.nextPageToken === undefined ? {} : { nextPageToken: input.nextPageToken }),
    });
    // Defence in depth: whatever the JQL did, nothing outside the allow-list leaves.
    const visible = page.issues.filter((issue) => projects.allows(issueProject(issue)));
    const withheld = page.issues.length - visible.length;
    const issues = visible.map((issue) => {
      const raw: Record<string, unknown> = issue.fields;
      const fields: Record<string, unknown> = {};
      for (const id of extra) fields[id] = fieldValue(raw[id]);
      return { ...toIssueSummary(issue), fields };
    });
    const nextPageToken = page.isLast ? null : (page.nextPageToken ?? null);
    const lines = issues.map((issue) => {
      const extras = Object.entries(issue.fields)
        .map(([id, value]) => `\n  ${id}: ${fieldText(value)}`)
        .join('');
      return `${issueLine(issue)}${extras}`;
    });
    const markdown = [
      issues.length === 0
        ? 'No issues match.'
        : `${issues.length} issue(s)${nextPageToken === null ? '' : ' (more available)'}:`,
      ...lines,
      ...(withheld > 0
        ? [`${withheld} result(s) outside the allowed projects were withheld.`]
        : []),
      ...(nextPageToken === null
        ? []
        : [
            `More results: call jira_search_issues again with the same jql and nextPageToken "${nextPageToken}".`,
          ]),
    ].join('\n');
    return {
      markdown,
      structured: { jql, issues, nextPageToken, isLast: nextPageToken === null, withheld },
    };
  },
});

const getIssue = defineTool({
  name: 'jira_get_issue',
  scope: SCOPES.read,
  title: 'Get a Jira issue',
  description:
    'Returns one issue in full: summary, type, status, priority, assignee, reporter, labels, dates, parent, the description as Markdown, sub-tasks, linked issues and the most recent comments. ' +
    'Arguments: issueKey, e.g. "DEMO-12"; commentLimit (0-20, default 5) is how many of the newest comments to include — use jira_list_comments for more; ' +
    'fields (optional) adds fields by name or id, custom ones shown by name, e.g. ["Story Points", "customfield_10030"], or ["*all"] for every field that has a value.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    commentLimit: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(5)
      .describe('Newest comments to include (0-20).'),
    fields: z
      .array(z.string().trim().min(1).max(255))
      .max(50)
      .optional()
      .describe('Extra fields by name or id ("Story Points", "customfield_10030"), or ["*all"].'),
  }),
  outputSchema: ISSUE_DETAIL_SCHEMA,
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const requested =
      input.fields === undefined || input.fields.length === 0
        ? { fields: [] }
        : await resolveRequestedFields(context, input.fields);
    const detail = await readIssueDetail(context, input.issueKey, input.commentLimit, requested);
    return { markdown: issueDetailMarkdown(detail), structured: detail, issueKey: detail.key };
  },
});

const listComments = defineTool({
  name: 'jira_list_comments',
  scope: SCOPES.read,
  title: 'List comments of an issue',
  description:
    'Lists the comments of an issue as Markdown, a page at a time. ' +
    'Arguments: issueKey, e.g. "DEMO-12"; order "oldest_first" (default) or "newest_first"; maxResults (1-50, default 20); startAt (default 0) — the result says which startAt gives the next page.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    order: z
      .enum(['oldest_first', 'newest_first'])
      .default('oldest_first')
      .describe('Comment order.'),
    maxResults: z.number().int().min(1).max(50).default(20).describe('Comments per page (1-50).'),
    startAt: z.number().int().min(0).default(0).describe('Index of the first comment, for paging.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    comments: z.array(COMMENT_VIEW_SCHEMA),
    startAt: z.number(),
    total: z.number().nullable(),
    nextStartAt: z.number().nullable(),
  }),
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const page = await context.jira.listComments(input.issueKey, {
      startAt: input.startAt,
      maxResults: input.maxResults,
      orderBy: input.order === 'newest_first' ? '-created' : 'created',
    });
    const comments = page.comments.map((c) => toCommentView(c));
    const total = page.total ?? null;
    const end = input.startAt + page.comments.length;
    const nextStartAt = total !== null && end < total && page.comments.length > 0 ? end : null;
    const markdown = [
      comments.length === 0
        ? `No comments on ${input.issueKey}${input.startAt > 0 ? ` from index ${input.startAt}` : ''}.`
        : `Comments on ${input.issueKey} (${input.startAt + 1}-${end}${total === null ? '' : ` of ${total}`}):`,
      ...comments.map(commentBlock),
      ...(nextStartAt === null ? [] : [`More comments: call again with startAt=${nextStartAt}.`]),
    ].join('\n\n');
    return {
      markdown,
      structured: {
        issueKey: input.issueKey,
        comments,
        startAt: input.startAt,
        total,
        nextStartAt,
      },
      issueKey: input.issueKey,
    };
  },
});

const getTransitions = defineTool({
  name: 'jira_get_transitions',
  scope: SCOPES.read,
  title: 'Available status changes',
  description:
    'Lists the workflow transitions available for an issue right now (id, name and the status each leads to). ' +
    'Call it before jira_transition_issue to pick a valid transition. Argument: issueKey, e.g. "DEMO-12".',
  inputSchema: z.object({ issueKey: ISSUE_KEY_INPUT }),
  outputSchema: z.object({
    issueKey: z.string(),
    transitions: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        toStatus: z.string().nullable(),
        toStatusCategory: z.string().nullable(),
      }),
    ),
  }),
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const transitions = (await context.jira.getTransitions(input.issueKey)).map((t) => ({
      id: t.id,
      name: t.name,
      toStatus: t.to?.name ?? null,
      toStatusCategory: t.to?.statusCategory?.name ?? null,
    }));
    const markdown =
      transitions.length === 0
        ? `No transitions are available for ${input.issueKey}.`
        : [
            `Transitions for ${input.issueKey}:`,
            ...transitions.map(
              (t) => `- id ${t.id}: **${t.name}** → ${t.toStatus ?? '(unknown status)'}`,
            ),
          ].join('\n');
    return {
      markdown,
      structured: { issueKey: input.issueKey, transitions },
      issueKey: input.issueKey,
    };
  },
});

/** Most allowed projects checked for visibility in one search call. */
const MAX_VISIBLE_CHECK = 100;

/**
 * Which of `keys` the acting account can browse, with one project search
 * (Jira lists only projects the caller may browse).
 * @see Jira Cloud platform REST API v3: GET /rest/api/3/project/search (keys)
 */
async function visibleProjects(jira: JiraApi, keys: readonly string[]): Promise<string[]> {
  const page = await jira.searchProjects({
    keys: keys.slice(0, MAX_VISIBLE_CHECK),
    maxResults: MAX_VISIBLE_CHECK,
  });
  return page.values.map((p) => p.key);
}

export const ISSUE_READ_TOOLS: readonly JiraTool[] = [
  searchIssues,
  getIssue,
  listComments,
  getTransitions,
];
