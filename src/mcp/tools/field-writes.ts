/**
 * The `fields` argument of the write tools: any field by id or name,
 * shaped from the screen the write goes through (create metadata for
 * jira_create_issue, edit metadata for jira_update_issue, the transition's
 * screen for jira_transition_issue).
 */
import { z } from 'zod';
import type { JiraTransition } from '../../jira/schemas.js';
import { metaById, shapeFields } from './field-values.js';
import { ToolUsageError, type ToolContext } from './tool-definition.js';

/** At most this many fields per call; a screen rarely has more. */
const MAX_FIELDS = 50;

export const FIELDS_INPUT = z
  .record(z.string().trim().min(1).max(255), z.unknown())
  .refine((fields) => Object.keys(fields).length <= MAX_FIELDS, {
    error: `at most ${MAX_FIELDS} fields`,
  })
  .describe(
    'Other fields by id ("customfield_10030") or name ("Severity"), case-insensitive. Values: option/priority/version/component by name or id, users by accountId, dates "YYYY-MM-DD", numbers, lists for multi-value fields, null to clear.',
  );

/** Set by the tool's own arguments, never through `fields`. */
const CREATE_ARGUMENT_FIELDS = new Set(['project', 'issuetype']);

/**
 * Shapes `fields` for creating an issue of `issueType` (name or id) in
 * `projectKey`, from that issue type's create metadata.
 * @see Jira Cloud platform REST API v3, getCreateIssueMetaIssueTypeId
 */
export async function createScreenFields(
  context: ToolContext,
  projectKey: string,
  issueType: string,
  fields: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const types = await context.jira.getCreateMetaIssueTypes(projectKey);
  const wanted = issueType.toLowerCase();
  const type = types.find((t) => t.id === issueType || t.name.toLowerCase() === wanted);
  if (type === undefined) {
    throw new ToolUsageError(
      'invalid_arguments',
      `Project ${projectKey} has no issue type "${issueType}". Available: ${types.map((t) => t.name).join(', ') || '(none)'}.`,
    );
  }
  const meta = (await context.jira.getCreateMetaFields(projectKey, type.id)).filter(
    (f) => !CREATE_ARGUMENT_FIELDS.has(f.fieldId ?? f.key ?? ''),
  );
  return shapeFields(fields, metaById(meta), `for creating a ${type.name} in ${projectKey}`);
}

/**
 * Shapes `fields` for editing `issueKey`, from its edit metadata.
 * @see Jira Cloud platform REST API v3, getEditIssueMeta
 */
export async function editScreenFields(
  context: ToolContext,
  issueKey: string,
  fields: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const meta = await context.jira.getEditMeta(issueKey);
  return shapeFields(fields, meta, `for editing ${issueKey}`);
}

/**
 * Shapes `fields` for a transition, from its screen's fields (empty when
 * the transition has no screen).
 * @see Jira Cloud platform REST API v3, getTransitions (expand=transitions.fields)
 */
export function transitionFields(
  transition: JiraTransition,
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const meta = Object.fromEntries(
    Object.entries(transition.fields ?? {}).map(([id, f]) => [id, { ...f, fieldId: id }]),
  );
  return shapeFields(fields, meta, `of the transition "${transition.name}"`);
}
