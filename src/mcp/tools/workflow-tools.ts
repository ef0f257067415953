/**
 * Tools that move issues along (scope `jira:write`): transition, assign,
 * log work, link. Each checks the project allow-list before calling Jira.
 */
import { z } from 'zod';
import { markdownToAdf } from '../../jira/adf/index.js';
import type { JiraIssueLinkType } from '../../jira/schemas.js';
import { SCOPES } from '../../oauth/scopes.js';
import {
  ACCOUNT_ID_INPUT,
  ADDING_ANNOTATIONS,
  ISSUE_KEY_INPUT,
  MARKDOWN_INPUT,
  NAME_OR_ID_INPUT,
  OVERWRITING_ANNOTATIONS,
} from './common-schemas.js';
import { FIELDS_INPUT, transitionFields } from './field-writes.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';
import { DURATION_PATTERN, parseDuration } from './worklog-duration.js';

const transitionIssue = defineTool({
  name: 'jira_transition_issue',
  scope: SCOPES.write,
  title: 'Change the status of a Jira issue',
  description:
    'Moves an issue through its workflow (for example To Do → In Progress → Done). ' +
    'Arguments: issueKey ("DEMO-12"); transition — the transition id ("21"), its name ("Start Progress"), or the name of the target status ("In Progress"), as listed by jira_get_transitions; comment (optional, Markdown) is added with the change; ' +
    'fields (optional) fills the transition screen by field id or name, e.g. {"resolution": "Won\'t Do"} when closing.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    transition: NAME_OR_ID_INPUT.describe('Transition id, transition name or target status name.'),
    comment: MARKDOWN_INPUT.optional().describe('Optional comment to add, in Markdown.'),
    fields: FIELDS_INPUT.optional().describe(
      'Fields of the transition screen by id or name, e.g. {"resolution": "Done"}.',
    ),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    transitionId: z.string(),
    transitionName: z.string(),
    toStatus: z.string().nullable(),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const available =
      input.fields === undefined
        ? await context.jira.getTransitions(input.issueKey)
        : await context.jira.getTransitionsWithFields(input.issueKey);
    const wanted = input.transition.toLowerCase();
    const chosen =
      available.find((t) => t.id === input.transition) ??
      available.find((t) => t.name.toLowerCase() === wanted) ??
      available.find((t) => t.to?.name.toLowerCase() === wanted);
    if (chosen === undefined) {
      const options = available.map((t) => `${t.id} "${t.name}" → ${t.to?.name ?? '?'}`).join('; ');
      throw new ToolUsageError(
        'invalid_arguments',
        `${input.issueKey} has no transition "${input.transition}" from its current status. Available: ${options || '(none)'}.`,
      );
    }
    const fields =
      input.fields === undefined
        ? undefined
        : await transitionFields(context, chosen, input.fields);
    await context.jira.transitionIssue(input.issueKey, chosen.id, {
      ...(input.comment === undefined ? {} : { comment: markdownToAdf(input.comment) }),
      ...(fields === undefined ? {} : { fields }),
    });
    const toStatus = chosen.to?.name ?? null;
    return {
      markdown: `${input.issueKey}: applied "${chosen.name}"${toStatus === null ? '' : ` → now ${toStatus}`}.`,
      structured: {
        issueKey: input.issueKey,
        transitionId: chosen.id,
        transitionName: chosen.name,
        toStatus,
      },
      issueKey: input.issueKey,
    };
  },
});

const assignIssue = defineTool({
  name: 'jira_assign_issue',
  scope: SCOPES.write,
  title: 'Assign a Jira issue',
  description:
    'Sets or clears the assignee of an issue. Arguments: issueKey ("DEMO-12"); accountId — the Jira accountId of the new assignee (find it with jira_find_users, or jira_whoami for yourself), or null to unassign.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    accountId: ACCOUNT_ID_INPUT.nullable().describe('The assignee accountId, or null to unassign.'),
  }),
  outputSchema: z.object({ issueKey: z.string(), assigneeAccountId: z.string().nullable() }),
  annotations: OVERWRITING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    await context.jira.assignIssue(input.issueKey, input.accountId);
    return {
      markdown:
        input.accountId === null
          ? `${input.issueKey} is now unassigned.`
          : `${input.issueKey} is now assigned to accountId ${input.accountId}.`,
      structured: { issueKey: input.issueKey, assigneeAccountId: input.accountId },
      issueKey: input.issueKey,
    };
  },
});

const addWorklog = defineTool({
  name: 'jira_add_worklog',
  scope: SCOPES.write,
  title: 'Log work on a Jira issue',
  description:
    'Records time spent on an issue. Arguments: issueKey ("DEMO-12"); timeSpent like "1h 30m", "45m", "2d" or "1w" (1d = 8h, 1w = 5d); ' +
    'started (optional, ISO 8601 date-time such as "2026-01-15T09:00:00Z", default now); comment (optional, Markdown). Each call adds another worklog entry.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    timeSpent: z
      .string()
      .trim()
      .min(2)
      .max(40)
      .regex(DURATION_PATTERN, 'a duration like "1h 30m"')
      .describe('Time spent, like "1h 30m".'),
    started: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the work started (ISO 8601).'),
    comment: MARKDOWN_INPUT.optional().describe('Optional note, in Markdown.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    worklogId: z.string(),
    timeSpentSeconds: z.number(),
    started: z.string().nullable(),
  }),
  annotations: ADDING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const timeSpentSeconds = parseDuration(input.timeSpent);
    const worklog = await context.jira.addWorklog(input.issueKey, {
      timeSpentSeconds,
      ...(input.started === undefined ? {} : { started: input.started }),
      ...(input.comment === undefined ? {} : { comment: markdownToAdf(input.comment) }),
    });
    return {
      markdown: `Logged ${input.timeSpent} on ${input.issueKey} (worklog ${worklog.id}).`,
      structured: {
        issueKey: input.issueKey,
        worklogId: worklog.id,
        timeSpentSeconds: worklog.timeSpentSeconds ?? timeSpentSeconds,
        started: worklog.started ?? null,
      },
      issueKey: input.issueKey,
    };
  },
});

/** Finds a link type by name, id, or either of its phrases; says which way the phrase reads. */
function resolveLinkType(
  types: readonly JiraIssueLinkType[],
  wanted: string,
): { type: JiraIssueLinkType; outward: boolean } | undefined {
  const w = wanted.toLowerCase();
  const byName = types.find((t) => t.id === wanted || t.name.toLowerCase() === w);
  if (byName !== undefined) return { type: byName, outward: true };
  const byOutward = types.find((t) => t.outward.toLowerCase() === w);
  if (byOutward !== undefined) return { type: byOutward, outward: true };
  const byInward = types.find((t) => t.inward.toLowerCase() === w);
  return byInward === undefined ? undefined : { type: byInward, outward: false };
}

const linkIssues = defineTool({
  name: 'jira_link_issues',
  scope: SCOPES.write,
  title: 'Link two Jira issues',
  description:
    'Creates a link reading "<issueKey> <relation> <targetIssueKey>", e.g. issueKey "DEMO-1", linkType "blocks", targetIssueKey "DEMO-2" means DEMO-1 blocks DEMO-2. ' +
    'linkType is a link type name ("Blocks", "Relates", "Duplicate") — read in its outward sense ("blocks", "duplicates") — or either phrase exactly ("blocks", "is blocked by", "relates to"). ' +
    'comment (optional, Markdown) is added to the issue on the outward ("blocks") side.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT.describe('The issue the sentence starts with, e.g. "DEMO-1".'),
    linkType: NAME_OR_ID_INPUT.describe(
      'Link type name or phrase, e.g. "Blocks" or "is blocked by".',
    ),
    targetIssueKey: ISSUE_KEY_INPUT.describe('The other issue, e.g. "DEMO-2".'),
    comment: MARKDOWN_INPUT.optional().describe('Optional comment, in Markdown.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    targetIssueKey: z.string(),
    linkType: z.string(),
    relation: z.string(),
  }),
  annotations: ADDING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    if (input.issueKey === input.targetIssueKey) {
      throw new ToolUsageError('invalid_arguments', 'An issue cannot be linked to itself.');
    }
    const types = await context.jira.listIssueLinkTypes();
    const resolved = resolveLinkType(types, input.linkType);
    if (resolved === undefined) {
      const options = types.map((t) => `${t.name} ("${t.outward}" / "${t.inward}")`).join('; ');
      throw new ToolUsageError(
        'invalid_arguments',
        `Unknown link type "${input.linkType}". Available: ${options || '(none)'}.`,
      );
    }
    const { type, outward } = resolved;
    // Jira reads a link as "<outwardIssue> <type.outward> <inwardIssue>".
    await context.jira.linkIssues({
      type: type.id,
      outwardKey: outward ? input.issueKey : input.targetIssueKey,
      inwardKey: outward ? input.targetIssueKey : input.issueKey,
      ...(input.comment === undefined ? {} : { comment: markdownToAdf(input.comment) }),
    });
    const relation = outward ? type.outward : type.inward;
    return {
      markdown: `Linked: ${input.issueKey} ${relation} ${input.targetIssueKey}.`,
      structured: {
        issueKey: input.issueKey,
        targetIssueKey: input.targetIssueKey,
        linkType: type.name,
        relation,
      },
      issueKey: input.issueKey,
    };
  },
});

export const WORKFLOW_TOOLS: readonly JiraTool[] = [
  transitionIssue,
  assignIssue,
  addWorklog,
  linkIssues,
];
