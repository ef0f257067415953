/** One issue in depth, as jira_get_issue returns it. */
import { z } from 'zod';
import { adfToMarkdown } from '../../jira/adf/index.js';
import {
  COMMENT_VIEW_SCHEMA,
  commentBlock,
  issueProject,
  oneLine,
  PERSON_SCHEMA,
  personText,
  toCommentView,
  toIssueSummary,
  toPerson,
  trimText,
  ISSUE_SUMMARY_SCHEMA,
  unreadableNote,
} from './format.js';
import { projectOfIssueKey } from './project-allow-list.js';
import type { FieldIndex } from './field-catalog.js';
import {
  EXTRA_DETAIL_FIELDS,
  extrasFactLines,
  ISSUE_EXTRAS_SHAPE,
  readIssueExtras,
  requestedFieldsSection,
} from './issue-detail-extras.js';
import type { ToolContext } from './tool-definition.js';

const DETAIL_FIELDS = [
  'summary',
  'status',
  'issuetype',
  'priority',
  'assignee',
  'reporter',
  'labels',
  'created',
  'updated',
  'duedate',
  'resolution',
  'description',
  'subtasks',
  'issuelinks',
  'parent',
  'project',
];

const RELATED_SCHEMA = z.object({
  key: z.string(),
  /** Null when the related issue is outside the allowed projects, or Jira sent none. */
  summary: z.string().nullable(),
  status: z.string().nullable(),
  /** True when JIRA_PROJECTS hides the related issue (only its key is shown). */
  outsideAllowedProjects: z.boolean(),
});

export const ISSUE_DETAIL_SCHEMA = ISSUE_SUMMARY_SCHEMA.extend({
  reporter: PERSON_SCHEMA.nullable(),
  dueDate: z.string().nullable(),
  resolution: z.string().nullable(),
  description: z.string().nullable(),
  descriptionTrimmed: z.boolean(),
  subtasks: z.array(RELATED_SCHEMA),
  links: z.array(RELATED_SCHEMA.extend({ relation: z.string() })),
  comments: z.array(COMMENT_VIEW_SCHEMA),
  commentTotal: z.number().nullable(),
  ...ISSUE_EXTRAS_SHAPE,
});
export type IssueDetail = z.infer<typeof ISSUE_DETAIL_SCHEMA>;

/** Jira's embedded issue references (sub-tasks, link ends): only what we show. */
const EMBEDDED_ISSUE = z.looseObject({
  key: z.string(),
  // Each part on its own: an odd summary must not hide the link or its status.
  fields: z
    .looseObject({
      summary: z.string().optional().catch(undefined),
      status: z.looseObject({ name: z.string() }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  /** Set by the allow-list filter (foreign-issue-filter.ts) on what it cut down. */
  outsideAllowedProjects: z.literal(true).optional().catch(undefined),
});

/** The readable items of a list: one odd link or sub-task does not hide the others. */
function readableItems<T extends z.ZodType>(item: T) {
  return z
    .array(z.unknown())
    .catch([])
    .transform((items) =>
      items.flatMap((raw) => {
        const parsed = item.safeParse(raw);
        return parsed.success ? [parsed.data] : [];
      }),
    );
}
const SUBTASKS = readableItems(EMBEDDED_ISSUE);
const ISSUE_LINKS = readableItems(
  z.looseObject({
    type: z.looseObject({ name: z.string(), inward: z.string(), outward: z.string() }),
    inwardIssue: EMBEDDED_ISSUE.optional(),
    outwardIssue: EMBEDDED_ISSUE.optional(),
  }),
);

type Related = z.infer<typeof RELATED_SCHEMA>;

function related(issue: z.infer<typeof EMBEDDED_ISSUE>, context: ToolContext): Related {
  // A link may point into a project the gateway must not show: keep the key, drop the content.
  if (
    issue.outsideAllowedProjects === true ||
    !context.projects.allows(projectOfIssueKey(issue.key))
  ) {
    return { key: issue.key, summary: null, status: null, outsideAllowedProjects: true };
  }
  return {
    key: issue.key,
    summary: issue.fields?.summary ?? null,
    status: issue.fields?.status?.name ?? null,
    outsideAllowedProjects: false,
  };
}

/**
 * Reads one issue with its newest comments, refusing issues outside the
 * allowed projects both by key (before the call) and by the project Jira
 * reports (after it, which catches moved issues).
 */
export async function readIssueDetail(
  context: ToolContext,
  issueKey: string,
  commentLimit: number,
  /** Field ids asked for (or `*all`), and the site's field names to show them by (CF). */
  requested: { fields: readonly string[] | '*all'; index?: FieldIndex } = { fields: [] },
): Promise<IssueDetail> {
  context.projects.assertIssueKey(issueKey);
  const issue = await context.jira.getIssue(issueKey, {
    fields:
      requested.fields === '*all'
        ? ['*all']
        : [...new Set([...DETAIL_FIELDS, ...EXTRA_DETAIL_FIELDS, ...requested.fields])],
  });
  context.projects.assertProject(issueProject(issue));
  const raw: Record<string, unknown> = issue.fields;
  const description =
    raw['description'] === undefined || raw['description'] === null
      ? null
      : trimText(adfToMarkdown(raw['description']));
  const links = ISSUE_LINKS.parse(raw['issuelinks']).flatMap((link) => {
    if (link.outwardIssue !== undefined) {
      return [{ ...related(link.outwardIssue, context), relation: link.type.outward }];
    }
    if (link.inwardIssue !== undefined) {
      return [{ ...related(link.inwardIssue, context), relation: link.type.inward }];
    }
    return [];
  });
  let comments: IssueDetail['comments'] = [];
  let commentTotal: number | null = null;
  if (commentLimit > 0) {
    const page = await context.jira.listComments(issue.key, {
      maxResults: commentLimit,
      orderBy: '-created',
    });
    comments = page.comments.map((c) => toCommentView(c, 2_000)).reverse();
    commentTotal = page.total ?? null;
  }
  return {
    ...toIssueSummary(issue),
    reporter: toPerson(issue.fields.reporter),
    dueDate: issue.fields.duedate ?? null,
    resolution: issue.fields.resolution?.name ?? null,
    description: description?.text ?? null,
    descriptionTrimmed: description?.trimmed ?? false,
    subtasks: SUBTASKS.parse(raw['subtasks']).map((s) => related(s, context)),
    links,
    comments,
    commentTotal,
    ...readIssueExtras(raw, requested.fields, requested.index, DETAIL_FIELDS),
  };
}

function relatedLine(item: Related, prefix = ''): string {
  const text = item.outsideAllowedProjects
    ? '(outside the allowed projects)'
    : item.summary === null
      ? '(no summary in Jira’s answer)'
      : oneLine(item.summary);
  return `- ${prefix}**${item.key}** ${text}${item.status === null ? '' : ` · ${item.status}`}`;
}

/** The issue as a Markdown document: facts first, then description, then the rest. */
export function issueDetailMarkdown(detail: IssueDetail): string {
  const facts = [
    `**Type:** ${detail.issueType ?? '?'} · **Status:** ${detail.status ?? '?'} · **Priority:** ${detail.priority ?? 'None'}`,
    `**Assignee:** ${personText(detail.assignee)} · **Reporter:** ${personText(detail.reporter, 'None')}`,
    `**Project:** ${detail.project ?? '?'}${detail.parent === null ? '' : ` · **Parent:** ${detail.parent}${detail.parentSummary === null ? '' : ` (${oneLine(detail.parentSummary)})`}`}${detail.labels.length === 0 ? '' : ` · **Labels:** ${detail.labels.join(', ')}`}`,
    `**Created:** ${detail.created ?? '?'} · **Updated:** ${detail.updated ?? '?'}${detail.dueDate === null ? '' : ` · **Due:** ${detail.dueDate}`}${detail.resolution === null ? '' : ` · **Resolution:** ${detail.resolution}`}`,
  ];
  facts.push(...extrasFactLines(detail));
  const unreadable = unreadableNote(detail.unreadableFields);
  if (unreadable !== '') facts.push(`**Unreadable:** ${unreadable} (left out; the rest is intact)`);
  const sections = [
    `# ${detail.key}: ${oneLine(detail.summary ?? '(no summary)')}`,
    facts.join('\n'),
    `## Description\n${detail.description === null || detail.description === '' ? '(none)' : detail.description}`,
  ];
  const requestedSection = requestedFieldsSection(detail);
  if (requestedSection !== undefined) sections.push(requestedSection);
  if (detail.subtasks.length > 0) {
    sections.push(`## Sub-tasks\n${detail.subtasks.map((s) => relatedLine(s)).join('\n')}`);
  }
  if (detail.links.length > 0) {
    sections.push(
      `## Links\n${detail.links.map((l) => relatedLine(l, `${l.relation} `)).join('\n')}`,
    );
  }
  if (detail.comments.length > 0) {
    const shown = detail.comments.length;
    const more =
      detail.commentTotal !== null && detail.commentTotal > shown
        ? `\n\n(${shown} newest of ${detail.commentTotal}; use jira_list_comments for the rest.)`
        : '';
    sections.push(`## Comments\n${detail.comments.map(commentBlock).join('\n\n')}${more}`);
  }
  return sections.join('\n\n');
}
