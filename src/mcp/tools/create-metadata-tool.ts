/** jira_get_create_metadata: what creating an issue in a project needs. */
import { z } from 'zod';
import type { JiraCreateMetaIssueType, JiraFieldMeta } from '../../jira/schemas.js';
import { SCOPES } from '../../oauth/scopes.js';
import { NAME_OR_ID_INPUT, PROJECT_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const MAX_ISSUE_TYPES = 10;
const MAX_ALLOWED_VALUES = 25;
const MAX_OPTIONAL_FIELDS = 40;
/** Filled in by jira_create_issue itself, so not worth a model's attention. */
const AUTOMATIC_FIELDS = new Set(['project', 'issuetype']);

const FIELD_VIEW = z.object({
  fieldId: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  allowedValues: z.array(z.string()).nullable(),
  hasDefaultValue: z.boolean(),
  /** Required and without a default: the caller must give a value (Jira fills the others). */
  needsValue: z.boolean(),
});

function allowedValueText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const v = value as { name?: unknown; value?: unknown; key?: unknown; id?: unknown };
  for (const candidate of [v.name, v.value, v.key, v.id]) {
    if (typeof candidate === 'string') return candidate;
  }
  return JSON.stringify(value).slice(0, 80);
}

function toFieldView(field: JiraFieldMeta): z.infer<typeof FIELD_VIEW> {
  return {
    fieldId: field.fieldId ?? field.key ?? field.name,
    name: field.name,
    type: field.schema?.type ?? null,
    allowedValues:
      field.allowedValues === undefined
        ? null
        : field.allowedValues.slice(0, MAX_ALLOWED_VALUES).map(allowedValueText),
    hasDefaultValue: field.hasDefaultValue ?? false,
    needsValue: field.required && field.hasDefaultValue !== true,
  };
}

function matchesIssueType(type: JiraCreateMetaIssueType, wanted: string): boolean {
  return type.id === wanted || type.name.toLowerCase() === wanted.toLowerCase();
}

/** What creating an issue in a project needs. */
export const CREATE_METADATA_TOOL: JiraTool = defineTool({
  name: 'jira_get_create_metadata',
  scope: SCOPES.read,
  title: 'What creating an issue needs',
  description:
    'Lists the issue types you can create in a project and, for each, the fields Jira requires (with allowed values where Jira gives them; needsValue says whether you must give it or Jira fills it, like Reporter) and the optional fields. ' +
    'Call it before jira_create_issue to pick a valid issue type and fill every required field. Project and issue type are set by jira_create_issue itself and are not listed. ' +
    'Arguments: projectKey, e.g. "DEMO"; issueType (optional) narrows the answer to one type by name or id, e.g. "Bug".',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT,
    issueType: NAME_OR_ID_INPUT.optional().describe(
      'Only this issue type (name like "Bug", or id).',
    ),
  }),
  outputSchema: z.object({
    projectKey: z.string(),
    issueTypes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        subtask: z.boolean(),
        requiredFields: z.array(FIELD_VIEW),
        optionalFields: z.array(z.object({ fieldId: z.string(), name: z.string() })),
      }),
    ),
    omittedIssueTypes: z.array(z.string()),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira, projects }) {
    projects.assertProject(input.projectKey);
    const all = await jira.getCreateMetaIssueTypes(input.projectKey);
    const wanted = input.issueType;
    const chosen = wanted === undefined ? all : all.filter((t) => matchesIssueType(t, wanted));
    if (chosen.length === 0) {
      throw new ToolUsageError(
        'invalid_arguments',
        `Project ${input.projectKey} has no issue type "${wanted ?? ''}". Available: ${all.map((t) => t.name).join(', ') || '(none)'}.`,
      );
    }
    const detailed = chosen.slice(0, MAX_ISSUE_TYPES);
    const issueTypes = [];
    for (const type of detailed) {
      const fields = (await jira.getCreateMetaFields(input.projectKey, type.id)).filter(
        (f) => !AUTOMATIC_FIELDS.has(f.fieldId ?? f.key ?? ''),
      );
      issueTypes.push({
        id: type.id,
        name: type.name,
        subtask: type.subtask ?? false,
        requiredFields: fields.filter((f) => f.required).map(toFieldView),
        optionalFields: fields
          .filter((f) => !f.required)
          .slice(0, MAX_OPTIONAL_FIELDS)
          .map((f) => ({ fieldId: f.fieldId ?? f.key ?? f.name, name: f.name })),
      });
    }
    const omittedIssueTypes = chosen.slice(MAX_ISSUE_TYPES).map((t) => t.name);
    const markdown = [
      `Issue types in ${input.projectKey}:`,
      ...issueTypes.map((t) => {
        const required = t.requiredFields
          .filter((f) => f.needsValue)
          .map(
            (f) =>
              `${f.name} (\`${f.fieldId}\`${f.allowedValues === null ? '' : `: ${f.allowedValues.join(' | ')}`})`,
          )
          .join('; ');
        const filled = t.requiredFields
          .filter((f) => !f.needsValue)
          .map((f) => `${f.name} (\`${f.fieldId}\`)`)
          .join('; ');
        const optional = t.optionalFields.map((f) => f.fieldId).join(', ');
        return `- **${t.name}** (id ${t.id}${t.subtask ? ', sub-task: needs parentKey' : ''})\n  required, you must give: ${required || 'nothing beyond summary'}${filled === '' ? '' : `\n  required, filled by Jira when left out: ${filled}`}\n  optional: ${optional || '(none)'}`;
      }),
      ...(omittedIssueTypes.length === 0
        ? []
        : [
            `Not detailed (${omittedIssueTypes.length}): ${omittedIssueTypes.join(', ')} — call again with issueType to see one.`,
          ]),
    ].join('\n');
    return {
      markdown,
      structured: { projectKey: input.projectKey, issueTypes, omittedIssueTypes },
    };
  },
});
