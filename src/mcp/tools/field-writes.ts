/**
 * The `fields` argument of the write tools: any field by id or name,
 * shaped from the screen the write goes through (create metadata for
 * jira_create_issue, edit metadata for jira_update_issue, the transition's
 * screen for jira_transition_issue).
 */
import { z } from 'zod';
import type { JiraFieldMeta, JiraTransition } from '../../jira/schemas.js';
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

/** Jira Software's Epic Link field: its value is an issue key. */
const EPIC_LINK = 'com.pyxis.greenhopper.jira:gh-epic-link';

/** The key a shaped issue reference names (`{ key }`, or a bare key for Epic Link). */
function referencedKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length !== 1 || only === undefined || only[0] !== 'key') return undefined;
  return typeof only[1] === 'string' ? only[1] : undefined;
}

/**
 * Confines the `fields` values that name another issue (the parent, an
 * Epic Link, issue links) to the allowed projects, as `parentKey` and
 * jira_link_issues are: otherwise `fields: { parent: "OPS-1" }` would hang
 * an allowed issue under a foreign one. A parent is asked of the confined
 * client, so a moved issue is judged by where it lives now and sent by its
 * current key; an id or a free-form object cannot be checked and is
 * refused; issue links go through jira_link_issues only. Nothing changes
 * when every project is allowed.
 * @see Jira Cloud platform REST API v3, editIssue (parent, issuelinks)
 */
export async function confineIssueReferences(
  context: ToolContext,
  shaped: Record<string, unknown>,
  meta: Readonly<Record<string, JiraFieldMeta>>,
): Promise<Record<string, unknown>> {
  if (!context.projects.restricted) return shaped;
  const confined: Record<string, unknown> = { ...shaped };
  for (const [id, value] of Object.entries(shaped)) {
    const schema = meta[id]?.schema;
    if (schema === undefined || value === null) continue;
    if (schema.items === 'issuelinks' || schema.system === 'issuelinks') {
      throw new ToolUsageError(
        'invalid_arguments',
        `Field ${id} links issues: use jira_link_issues, which checks both issues against the allowed projects.`,
      );
    }
    const epicLink = schema.custom === EPIC_LINK;
    if (schema.type !== 'issuelink' && !epicLink) continue;
    const key = referencedKey(value);
    if (key === undefined || !/^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(key.trim())) {
      throw new ToolUsageError(
        'invalid_arguments',
        `Field ${id} names an issue: give its key, like "DEMO-7" (an id cannot be checked against the allowed projects).`,
      );
    }
    // Throws project_not_allowed for a key, or a current home, outside the list.
    const current = (await context.jira.getIssue(key.trim(), { fields: ['project'] })).key;
    confined[id] = epicLink && typeof value === 'string' ? current : { key: current };
  }
  return confined;
}

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
  const byId = metaById(meta);
  const shaped = shapeFields(fields, byId, `for creating a ${type.name} in ${projectKey}`);
  return confineIssueReferences(context, shaped, byId);
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
  const shaped = shapeFields(fields, meta, `for editing ${issueKey}`);
  return confineIssueReferences(context, shaped, meta);
}

/**
 * Shapes `fields` for a transition, from its screen's fields (empty when
 * the transition has no screen).
 * @see Jira Cloud platform REST API v3, getTransitions (expand=transitions.fields)
 */
export async function transitionFields(
  context: ToolContext,
  transition: JiraTransition,
  fields: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const meta = Object.fromEntries(
    Object.entries(transition.fields ?? {}).map(([id, f]) => [id, { ...f, fieldId: id }]),
  );
  const shaped = shapeFields(fields, meta, `of the transition "${transition.name}"`);
  return confineIssueReferences(context, shaped, meta);
}
