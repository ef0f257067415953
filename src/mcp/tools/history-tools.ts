/**
 * History and time tools (scope `jira:read`): an issue's changelog
 * (`jira_get_changelog`: who changed which field when, from what to what)
 * and its worklogs (`jira_list_worklogs`), both paged like Jira.
 */
import { z } from 'zod';
import { adfToMarkdown } from '../../jira/adf/index.js';
import type { JiraChangeItem } from '../../jira/schemas-history.js';
import { SCOPES } from '../../oauth/scopes.js';
import { ISSUE_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import { oneLine, PERSON_SCHEMA, personText, toPerson, trimText } from './format.js';
import { defineTool, type JiraTool } from './tool-definition.js';

/** Longest old/new value shown per change (descriptions can be long). */
const MAX_VALUE_CHARS = 300;

const PAGE_INPUT = {
  startAt: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe('Index of the first entry (0-based).'),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .describe('Entries per page (1–100, default 50).'),
};

function valueText(
  display: string | null | undefined,
  raw: string | null | undefined,
): string | null {
  const value = display ?? raw ?? null;
  if (value === null || value === '') return null;
  return trimText(oneLine(value), MAX_VALUE_CHARS).text;
}

const CHANGE_SCHEMA = z.object({
  field: z.string(),
  fieldId: z.string().nullable(),
  from: z.string().nullable().describe('The old value as Jira displays it (null: empty).'),
  to: z.string().nullable().describe('The new value as Jira displays it (null: empty).'),
  fromId: z.string().nullable().describe('The raw old value (id, accountId), when Jira gives one.'),
  toId: z.string().nullable(),
});

function toChange(item: JiraChangeItem): z.infer<typeof CHANGE_SCHEMA> {
  return {
    field: item.field,
    fieldId: item.fieldId ?? null,
    from: valueText(item.fromString, item.from),
    to: valueText(item.toString, item.to),
    fromId: item.from ?? null,
    toId: item.to ?? null,
  };
}

const getChangelog = defineTool({
  name: 'jira_get_changelog',
  scope: SCOPES.read,
  title: 'Read the history of a Jira issue',
  description:
    'Lists who changed what on an issue and when (status, assignee, summary, priority, labels, sprint, attachments, links…), oldest first. ' +
    'Arguments: issueKey ("DEMO-12"); startAt and maxResults (optional, default 0 and 50) to page.',
  inputSchema: z.object({ issueKey: ISSUE_KEY_INPUT, ...PAGE_INPUT }),
  outputSchema: z.object({
    issueKey: z.string(),
    startAt: z.number(),
    total: z.number().nullable(),
    isLast: z.boolean(),
    entries: z.array(
      z.object({
        id: z.string(),
        created: z.string(),
        author: PERSON_SCHEMA.nullable(),
        changes: z.array(CHANGE_SCHEMA),
      }),
    ),
  }),
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const page = await context.jira.getChangelog(input.issueKey, {
      startAt: input.startAt,
      maxResults: input.maxResults,
    });
    const entries = page.values.map((entry) => ({
      id: entry.id,
      created: entry.created,
      author: toPerson(entry.author),
      changes: entry.items.map(toChange),
    }));
    const total = page.total ?? null;
    const isLast = page.isLast ?? (total === null ? true : input.startAt + entries.length >= total);
    const lines = entries.map((entry) => {
      const changes = entry.changes
        .map((c) => `  - ${c.field}: ${c.from ?? '(none)'} → ${c.to ?? '(none)'}`)
        .join('\n');
      return `- ${entry.created} — ${personText(entry.author, 'Jira')}\n${changes}`;
    });
    const range =
      entries.length === 0
        ? 'no entries'
        : `entries ${input.startAt + 1}–${input.startAt + entries.length}${total === null ? '' : ` of ${total}`}`;
    const more = isLast
      ? ''
      : `\n\nMore history: call again with startAt ${input.startAt + entries.length}.`;
    return {
      markdown: `## History of ${input.issueKey} (${range})\n\n${lines.join('\n') || 'No changes recorded.'}${more}`,
      structured: { issueKey: input.issueKey, startAt: input.startAt, total, isLast, entries },
      issueKey: input.issueKey,
    };
  },
});

const listWorklogs = defineTool({
  name: 'jira_list_worklogs',
  scope: SCOPES.read,
  title: 'List the work logged on a Jira issue',
  description:
    'Lists the time logged on an issue: who, when the work started, how long, and the note. ' +
    'Arguments: issueKey ("DEMO-12"); startAt and maxResults (optional, default 0 and 50) to page.',
  inputSchema: z.object({ issueKey: ISSUE_KEY_INPUT, ...PAGE_INPUT }),
  outputSchema: z.object({
    issueKey: z.string(),
    startAt: z.number(),
    total: z.number().nullable(),
    pageTimeSpentSeconds: z
      .number()
      .describe('Sum of timeSpentSeconds of the worklogs on this page.'),
    worklogs: z.array(
      z.object({
        id: z.string(),
        author: PERSON_SCHEMA.nullable(),
        started: z.string().nullable(),
        timeSpent: z.string().nullable(),
        timeSpentSeconds: z.number().nullable(),
        comment: z.string().nullable(),
      }),
    ),
  }),
  annotations: READ_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const page = await context.jira.listWorklogs(input.issueKey, {
      startAt: input.startAt,
      maxResults: input.maxResults,
    });
    const worklogs = page.worklogs.map((w) => {
      const comment = w.comment === undefined || w.comment === null ? '' : adfToMarkdown(w.comment);
      return {
        id: w.id,
        author: toPerson(w.author),
        started: w.started ?? null,
        timeSpent: w.timeSpent ?? null,
        timeSpentSeconds: w.timeSpentSeconds ?? null,
        comment: comment === '' ? null : trimText(comment, 2_000).text,
      };
    });
    const spent = worklogs.reduce((sum, w) => sum + (w.timeSpentSeconds ?? 0), 0);
    const total = page.total ?? null;
    const lines = worklogs.map(
      (w) =>
        `- ${w.started ?? '?'} — ${personText(w.author, 'unknown')}: ${w.timeSpent ?? `${w.timeSpentSeconds ?? 0}s`}${w.comment === null ? '' : ` — ${oneLine(w.comment)}`} (id ${w.id})`,
    );
    const hours = Math.round((spent / 3600) * 100) / 100;
    const more =
      total !== null && input.startAt + worklogs.length < total
        ? `\n\nMore worklogs: call again with startAt ${input.startAt + worklogs.length}.`
        : '';
    return {
      markdown: `## Work logged on ${input.issueKey} (${worklogs.length}${total === null ? '' : ` of ${total}`}, ${hours} h on this page)\n\n${lines.join('\n') || 'No work logged.'}${more}`,
      structured: {
        issueKey: input.issueKey,
        startAt: input.startAt,
        total,
        pageTimeSpentSeconds: spent,
        worklogs,
      },
      issueKey: input.issueKey,
    };
  },
});

/** The history toolset. */
export const HISTORY_TOOLS: readonly JiraTool[] = [getChangelog, listWorklogs];
