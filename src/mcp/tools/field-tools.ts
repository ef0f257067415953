/** jira_list_fields: find a field's id, type and (for one project and issue type) allowed values. */
import { z } from 'zod';
import type { JiraFieldMeta } from '../../jira/schemas.js';
import type { JiraFieldDetails } from '../../jira/schemas-fields.js';
import { SCOPES } from '../../oauth/scopes.js';
import { NAME_OR_ID_INPUT, PROJECT_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import { fieldIndexFor } from './field-catalog.js';
import { allowedValueText, metaById } from './field-values.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const MAX_ALLOWED_VALUES = 50;

const FIELD_ENTRY = z.object({
  id: z.string(),
  name: z.string(),
  custom: z.boolean(),
  type: z.string().nullable(),
  items: z.string().nullable(),
  /** Null when no project and issue type were given, or the field is not on that create screen. */
  allowedValues: z.array(z.string()).nullable(),
  /** On the create screen of the given issue type; null without projectKey and issueType. */
  onCreateScreen: z.boolean().nullable(),
  required: z.boolean().nullable(),
});
type FieldEntry = z.infer<typeof FIELD_ENTRY>;

function typeText(f: FieldEntry): string {
  if (f.type === null) return '?';
  return f.items === null ? f.type : `${f.type} of ${f.items}`;
}

function entry(
  field: JiraFieldDetails,
  meta: JiraFieldMeta | undefined,
  screen: boolean,
): FieldEntry {
  return {
    id: field.id,
    name: field.name,
    custom: field.custom ?? field.id.startsWith('customfield_'),
    type: field.schema?.type ?? null,
    items: field.schema?.items ?? null,
    allowedValues:
      meta?.allowedValues === undefined
        ? null
        : meta.allowedValues.slice(0, MAX_ALLOWED_VALUES).map(allowedValueText),
    onCreateScreen: screen ? meta !== undefined : null,
    required: screen ? (meta?.required ?? false) : null,
  };
}

/** Find fields by name; with a project and issue type, their allowed values. */
const listFields = defineTool({
  name: 'jira_list_fields',
  scope: SCOPES.read,
  title: 'Find Jira fields',
  description:
    "Finds fields (system and custom) by name and gives each one's id and type, for jira_get_issue's fields argument and the fields map of jira_create_issue / jira_update_issue. " +
    'Arguments: query (optional) filters by name or id, e.g. "story points"; customOnly (optional); projectKey and issueType (optional, both) add each field\'s allowed values and whether that create screen has it and requires it — allowed values depend on the project and issue type, so without them none are listed.',
  inputSchema: z.object({
    query: z
      .string()
      .trim()
      .max(100)
      .optional()
      .describe('Part of the field name or id, case-insensitive.'),
    customOnly: z.boolean().default(false).describe('Only custom fields.'),
    projectKey: PROJECT_KEY_INPUT.optional().describe(
      "With issueType: show allowed values from this project's create screen.",
    ),
    issueType: NAME_OR_ID_INPUT.optional().describe('With projectKey: the issue type, e.g. "Bug".'),
    maxResults: z.number().int().min(1).max(200).default(50).describe('Fields to list (1-200).'),
  }),
  outputSchema: z.object({
    fields: z.array(FIELD_ENTRY),
    total: z.number(),
    projectKey: z.string().nullable(),
    issueType: z.string().nullable(),
    note: z.string().nullable(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, context) {
    if ((input.projectKey === undefined) !== (input.issueType === undefined)) {
      throw new ToolUsageError(
        'invalid_arguments',
        'Give both projectKey and issueType to see allowed values, or neither.',
      );
    }
    const index = await fieldIndexFor(context);
    let screen: Record<string, JiraFieldMeta> | undefined;
    let typeName: string | null = null;
    if (input.projectKey !== undefined && input.issueType !== undefined) {
      context.projects.assertProject(input.projectKey);
      const types = await context.jira.getCreateMetaIssueTypes(input.projectKey);
      const wanted = input.issueType.toLowerCase();
      const type = types.find((t) => t.id === input.issueType || t.name.toLowerCase() === wanted);
      if (type === undefined) {
        throw new ToolUsageError(
          'invalid_arguments',
          `Project ${input.projectKey} has no issue type "${input.issueType}". Available: ${types.map((t) => t.name).join(', ') || '(none)'}.`,
        );
      }
      typeName = type.name;
      screen = metaById(await context.jira.getCreateMetaFields(input.projectKey, type.id));
    }
    const q = input.query?.toLowerCase() ?? '';
    const matching = index.fields.filter(
      (f) =>
        (!input.customOnly || (f.custom ?? f.id.startsWith('customfield_'))) &&
        (q === '' || f.name.toLowerCase().includes(q) || f.id.toLowerCase().includes(q)),
    );
    const fields = matching
      .slice(0, input.maxResults)
      .map((f) => entry(f, screen?.[f.id], screen !== undefined));
    const note =
      screen === undefined
        ? 'Allowed values depend on the project and issue type: call again with projectKey and issueType to see them.'
        : null;
    const lines = fields.map((f) => {
      const flags =
        f.onCreateScreen === null
          ? ''
          : f.onCreateScreen
            ? f.required === true
              ? ' · required on create'
              : ' · on the create screen'
            : ' · not on the create screen';
      const allowed = f.allowedValues === null ? '' : `\n  allowed: ${f.allowedValues.join(' | ')}`;
      return `- **${f.name}** \`${f.id}\` (${typeText(f)}${f.custom ? ', custom' : ''})${flags}${allowed}`;
    });
    const where =
      screen === undefined
        ? ''
        : ` (create screen: ${typeName ?? ''} in ${input.projectKey ?? ''})`;
    const markdown = [
      fields.length === 0
        ? `No fields match${input.query === undefined ? '' : ` "${input.query}"`}.`
        : `${matching.length} field(s)${matching.length > fields.length ? `, first ${fields.length}` : ''}${where}:`,
      ...lines,
      ...(note === null ? [] : [note]),
    ].join('\n');
    return {
      markdown,
      structured: {
        fields,
        total: matching.length,
        projectKey: input.projectKey ?? null,
        issueType: typeName,
        note,
      },
    };
  },
});

export const FIELD_TOOLS: readonly JiraTool[] = [listFields];
