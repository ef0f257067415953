/**
 * Tools that write issue content (scope `jira:write`): create, edit,
 * comment. Each checks the project allow-list before calling Jira and
 * converts Markdown to ADF on the way in.
 */
import { z } from 'zod';
import { markdownToAdf } from '../../jira/adf/index.js';
import { SCOPES } from '../../oauth/scopes.js';
import {
  ACCOUNT_ID_INPUT,
  ADDING_ANNOTATIONS,
  ISSUE_KEY_INPUT,
  MARKDOWN_INPUT,
  NAME_OR_ID_INPUT,
  OVERWRITING_ANNOTATIONS,
  PROJECT_KEY_INPUT,
} from './common-schemas.js';
import { COMMENT_VISIBILITY_SCHEMA, commentMarks, oneLine, toCommentView } from './format.js';
import { createScreenFields, editScreenFields, FIELDS_INPUT } from './field-writes.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const SUMMARY_INPUT = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\r\n]*$/, 'must be a single line')
  .describe('One-line title, at most 255 characters.');
const LABELS_INPUT = z
  .array(
    z
      .string()
      .trim()
      .regex(/^\S{1,255}$/, 'a label has no spaces'),
  )
  .max(50)
  .describe('Labels, each without spaces, e.g. ["backend", "urgent"].');
const PRIORITY_INPUT = NAME_OR_ID_INPUT.describe('Priority name such as "High", or its id.');

/** The issue's web page, derived from the `self` API URL Jira returns. */
function browseUrl(self: string | undefined, key: string): string | null {
  if (self === undefined) return null;
  try {
    return `${new URL(self).origin}/browse/${key}`;
  } catch {
    return null;
  }
}

const createIssue = defineTool({
  name: 'jira_create_issue',
  scope: SCOPES.write,
  title: 'Create a Jira issue',
  description:
    'Creates an issue and returns its key. Call jira_get_create_metadata first to learn the valid issue types and required fields. ' +
    'Arguments: projectKey ("DEMO"); issueType (name like "Task", "Bug", "Story", or id); summary (one line); description (optional, Markdown: headings, lists, **bold**, `code`, ``` blocks, links, tables); ' +
    'priority (optional, e.g. "High"); labels (optional, no spaces); assigneeAccountId (optional, from jira_find_users); parentKey (required for sub-tasks, e.g. "DEMO-7"); ' +
    'fields (optional) sets any other field, by id or name, e.g. {"Severity": "Major", "Story Points": 3, "customfield_10032": "<accountId>", "components": ["Web"], "duedate": "2026-03-31"}: values are shaped from the create screen (options by value, users by accountId, versions/components by name).',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT,
    issueType: NAME_OR_ID_INPUT.describe('Issue type name ("Task", "Bug", …) or id.'),
    summary: SUMMARY_INPUT,
    description: MARKDOWN_INPUT.optional().describe('The description, in Markdown.'),
    priority: PRIORITY_INPUT.optional(),
    labels: LABELS_INPUT.optional(),
    assigneeAccountId: ACCOUNT_ID_INPUT.optional().describe(
      'accountId of the assignee (see jira_find_users).',
    ),
    parentKey: ISSUE_KEY_INPUT.optional().describe(
      'Parent issue key, for a sub-task, e.g. "DEMO-7".',
    ),
    fields: FIELDS_INPUT.optional(),
  }),
  outputSchema: z.object({ key: z.string(), id: z.string(), url: z.string().nullable() }),
  annotations: ADDING_ANNOTATIONS,
  async run(input, context) {
    context.projects.assertProject(input.projectKey);
    const extraFields =
      input.fields === undefined
        ? undefined
        : await createScreenFields(context, input.projectKey, input.issueType, input.fields);
    const created = await context.jira.createIssue({
      ...(extraFields === undefined ? {} : { extraFields }),
      projectKey: input.projectKey,
      issueType: input.issueType,
      summary: input.summary,
      ...(input.description === undefined ? {} : { description: markdownToAdf(input.description) }),
      ...(input.priority === undefined ? {} : { priority: input.priority }),
      ...(input.labels === undefined ? {} : { labels: input.labels }),
      ...(input.assigneeAccountId === undefined
        ? {}
        : { assigneeAccountId: input.assigneeAccountId }),
      ...(input.parentKey === undefined ? {} : { parentKey: input.parentKey }),
    });
    const url = browseUrl(created.self, created.key);
    return {
      markdown: `Created **${created.key}**: ${oneLine(input.summary)}${url === null ? '' : `\n${url}`}`,
      structured: { key: created.key, id: created.id, url },
      issueKey: created.key,
    };
  },
});

const updateIssue = defineTool({
  name: 'jira_update_issue',
  scope: SCOPES.write,
  title: 'Edit a Jira issue',
  description:
    'Changes fields of an existing issue; fields you leave out stay as they are. It overwrites: description replaces the whole description, labels replaces all labels. ' +
    'Arguments: issueKey ("DEMO-12"); and at least one of summary, description (Markdown), priority ("High"), labels (["a","b"]), ' +
    'fields (any other field by id or name, e.g. {"Severity": "Minor", "Story Points": 5, "fixVersions": ["1.2"]}; null clears a field; shaped from the edit screen). ' +
    'Status is not a field: use jira_transition_issue. Assignee: use jira_assign_issue.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    summary: SUMMARY_INPUT.optional(),
    description: MARKDOWN_INPUT.optional().describe(
      'New description in Markdown; replaces the old one.',
    ),
    priority: PRIORITY_INPUT.optional(),
    labels: LABELS_INPUT.optional().describe('New labels; replaces all existing labels.'),
    fields: FIELDS_INPUT.optional(),
  }),
  outputSchema: z.object({ issueKey: z.string(), updatedFields: z.array(z.string()) }),
  annotations: OVERWRITING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const { issueKey, fields, ...changes } = input;
    const updatedFields = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([name]) => name);
    if (updatedFields.length === 0 && (fields === undefined || Object.keys(fields).length === 0)) {
      throw new ToolUsageError(
        'invalid_arguments',
        'Nothing to change: give at least one of summary, description, priority, labels or fields.',
      );
    }
    const extraFields =
      fields === undefined ? undefined : await editScreenFields(context, issueKey, fields);
    updatedFields.push(...Object.keys(extraFields ?? {}));
    await context.jira.updateIssue(issueKey, {
      ...(extraFields === undefined ? {} : { extraFields }),
      ...(changes.summary === undefined ? {} : { summary: changes.summary }),
      ...(changes.description === undefined
        ? {}
        : { description: markdownToAdf(changes.description) }),
      ...(changes.priority === undefined ? {} : { priority: changes.priority }),
      ...(changes.labels === undefined ? {} : { labels: changes.labels }),
    });
    return {
      markdown: `Updated ${issueKey}: ${updatedFields.join(', ')}.`,
      structured: { issueKey, updatedFields },
      issueKey,
    };
  },
});

const addComment = defineTool({
  name: 'jira_add_comment',
  scope: SCOPES.write,
  title: 'Comment on a Jira issue',
  description:
    'Adds a comment to an issue. Arguments: issueKey ("DEMO-12"); body in Markdown (lists, **bold**, `code`, ``` blocks, links and tables are kept); ' +
    'visibility (optional) restricts the comment to a project role ({"type":"role","value":"Administrators"}) or a group ({"type":"group","value":"jira-developers"}) the acting account belongs to. ' +
    'Each call adds a new comment, so do not repeat a call that succeeded.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    body: MARKDOWN_INPUT.trim().min(1).describe('The comment, in Markdown.'),
    visibility: z
      .object({
        type: z.enum(['role', 'group']).describe('"role" (a project role) or "group".'),
        value: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .describe('The role\'s or group\'s name, e.g. "Administrators".'),
      })
      .optional()
      .describe('Only members of this role or group will see the comment; omit for everyone.'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    commentId: z.string(),
    created: z.string().nullable(),
    restrictedTo: COMMENT_VISIBILITY_SCHEMA.nullable(),
  }),
  annotations: ADDING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const comment = await context.jira.addComment(
      input.issueKey,
      markdownToAdf(input.body),
      input.visibility === undefined ? {} : { visibility: input.visibility },
    );
    // What Jira says it stored; when its answer omits the visibility, what was asked.
    const restrictedTo =
      toCommentView(comment, 0).restrictedTo ??
      (input.visibility === undefined
        ? null
        : { type: input.visibility.type, name: input.visibility.value });
    const marks = commentMarks({ restrictedTo, internal: false });
    return {
      markdown: `Added comment ${comment.id} to ${input.issueKey}${marks.length === 0 ? '' : ` (${marks.join(', ')})`}.`,
      structured: {
        issueKey: input.issueKey,
        commentId: comment.id,
        created: comment.created ?? null,
        restrictedTo,
      },
      issueKey: input.issueKey,
    };
  },
});

export const ISSUE_WRITE_TOOLS: readonly JiraTool[] = [createIssue, updateIssue, addComment];
