/**
 * The sandbox's custom fields (ids fixed, see docs/sandbox.md): a select
 * (Severity), a number (Story Points), a user picker (Reviewer) and a text
 * field (Customer Impact) that the OPS project's Bug create screen
 * requires. Values live in the store's `custom_field_values` table; this
 * file says which screens show them, how Jira Cloud represents them and
 * which values Jira accepts (with Jira's wording when it does not).
 * @see Jira Cloud REST v3 GET /rest/api/3/field, `FieldCreateMetadata`
 */
import type { IssueTypeDef } from './catalog.js';
import type { ChangeItem } from './changelog.js';
import type { SandboxDirectory } from './directory.js';
import { userOrNull, type UserContext } from './represent-activity.js';
import type { Json } from './represent-common.js';

export interface CustomOption {
  id: string;
  value: string;
}

export interface CustomFieldDef {
  id: string;
  name: string;
  /** @see Jira Cloud REST v3 `JsonTypeBean` */
  schema: { type: string; custom: string; customId: number };
  searcherKey: string;
  options?: readonly CustomOption[];
}

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes';

export const SEVERITY_FIELD: CustomFieldDef = {
  id: 'customfield_10030',
  name: 'Severity',
  schema: { type: 'option', custom: `${CF}:select`, customId: 10030 },
  searcherKey: `${CF}:multiselectsearcher`,
  options: [
    { id: '10100', value: 'Critical' },
    { id: '10101', value: 'Major' },
    { id: '10102', value: 'Minor' },
    { id: '10103', value: 'Trivial' },
  ],
};
export const STORY_POINTS_FIELD: CustomFieldDef = {
  id: 'customfield_10031',
  name: 'Story Points',
  schema: { type: 'number', custom: `${CF}:float`, customId: 10031 },
  searcherKey: `${CF}:exactnumber`,
};
export const REVIEWER_FIELD: CustomFieldDef = {
  id: 'customfield_10032',
  name: 'Reviewer',
  schema: { type: 'user', custom: `${CF}:userpicker`, customId: 10032 },
  searcherKey: `${CF}:userpickergroupsearcher`,
};
export const CUSTOMER_IMPACT_FIELD: CustomFieldDef = {
  id: 'customfield_10033',
  name: 'Customer Impact',
  schema: { type: 'string', custom: `${CF}:textfield`, customId: 10033 },
  searcherKey: `${CF}:textsearcher`,
};

export const CUSTOM_FIELDS: readonly CustomFieldDef[] = [
  SEVERITY_FIELD,
  STORY_POINTS_FIELD,
  REVIEWER_FIELD,
  CUSTOMER_IMPACT_FIELD,
];

/** The sandbox's resolutions; transitions into Done may pick one. @see Jira Cloud REST v3 `Resolution` */
export const RESOLUTIONS: readonly { id: string; name: string; description: string }[] = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: 'This issue will not be actioned.' },
  {
    id: '10002',
    name: 'Duplicate',
    description: 'The problem is a duplicate of an existing issue.',
  },
];

/** The pseudo field id under which the chosen resolution is stored with the custom values. */
export const RESOLUTION_KEY = 'resolution';

/** The custom field with this id, if any. */
export function findCustomField(id: string): CustomFieldDef | undefined {
  return CUSTOM_FIELDS.find((f) => f.id === id);
}

/**
 * The custom fields on an issue type's create and edit screens in a
 * project: standard types show Severity, Story Points and Reviewer; a Bug
 * in OPS also shows Customer Impact, required. Epics and sub-tasks show none.
 */
export function screenCustomFields(
  projectKey: string,
  type: IssueTypeDef,
): { field: CustomFieldDef; required: boolean }[] {
  if (type.hierarchyLevel !== 0) return [];
  const fields = [SEVERITY_FIELD, STORY_POINTS_FIELD, REVIEWER_FIELD].map((field) => ({
    field,
    required: false,
  }));
  if (projectKey === 'OPS' && type.name === 'Bug') {
    fields.push({ field: CUSTOMER_IMPACT_FIELD, required: true });
  }
  return fields;
}

function optionJson(base: string, option: CustomOption): Json {
  return {
    self: `${base}/rest/api/3/customFieldOption/${option.id}`,
    value: option.value,
    id: option.id,
  };
}

/**
 * A stored value as Jira Cloud represents it in an issue: option objects,
 * numbers, user objects, strings; null when unset.
 * @see Jira Cloud REST v3 `IssueBean.fields` (custom field values)
 */
export function customFieldJson(ctx: UserContext, field: CustomFieldDef, stored: unknown): unknown {
  if (stored === undefined || stored === null) return null;
  switch (field.schema.type) {
    case 'option': {
      const option = field.options?.find((o) => o.id === stored);
      return option === undefined ? null : optionJson(ctx.base, option);
    }
    case 'user':
      return typeof stored === 'string' ? userOrNull(ctx, stored) : null;
    default:
      return stored;
  }
}

const OPTION_REF = (value: unknown): { id?: unknown; value?: unknown } | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;

/**
 * Validates a value written to a custom field: the value to store, or
 * Jira's error message for the field.
 * @see Jira Cloud REST v3 POST /rest/api/3/issue (custom field value formats)
 */
export function parseCustomFieldValue(
  field: CustomFieldDef,
  value: unknown,
  directory: SandboxDirectory,
): { stored: unknown } | { error: string } {
  if (value === null) return { stored: null };
  switch (field.schema.type) {
    case 'option': {
      const ref = OPTION_REF(value);
      if (ref === undefined || (ref.id === undefined && ref.value === undefined)) {
        return { error: `Specify a valid 'id' or 'name' for ${field.name}` };
      }
      const option = field.options?.find((o) =>
        ref.id !== undefined ? o.id === ref.id : o.value === ref.value,
      );
      if (option !== undefined) return { stored: option.id };
      return ref.id !== undefined
        ? { error: `Option id '${JSON.stringify(ref.id)}' is not valid` }
        : {
            error: `Option value '${typeof ref.value === 'string' ? ref.value : JSON.stringify(ref.value)}' is not valid`,
          };
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { stored: value }
        : { error: 'Operation value must be a number' };
    case 'user': {
      const ref: { accountId?: unknown } = typeof value === 'object' ? value : {};
      if (typeof ref.accountId !== 'string') {
        return { error: `Specify a valid value for ${field.name}` };
      }
      return directory.findUser(ref.accountId) === undefined
        ? { error: `User '${ref.accountId}' was not found.` }
        : { stored: ref.accountId };
    }
    default:
      if (typeof value !== 'string') return { error: 'Operation value must be a string' };
      if (value.length > 255) {
        return {
          error: 'The entered text is too long. It exceeds the allowed limit of 255 characters.',
        };
      }
      return { stored: value === '' ? null : value };
  }
}

/**
 * The field's create/edit metadata (without the `required` flag).
 * @see Jira Cloud REST v3 `FieldCreateMetadata`, `FieldMetadata`
 */
export function customFieldMetaJson(base: string, field: CustomFieldDef, required: boolean): Json {
  return {
    required,
    schema: field.schema,
    name: field.name,
    key: field.id,
    fieldId: field.id,
    hasDefaultValue: false,
    operations: ['set'],
    ...customFieldExtras(base, field),
  };
}

/** The allowed values (options) or user autocomplete URL of a custom field's metadata. */
export function customFieldExtras(base: string, field: CustomFieldDef): Json {
  return {
    ...(field.options === undefined
      ? {}
      : { allowedValues: field.options.map((o) => optionJson(base, o)) }),
    ...(field.schema.type === 'user'
      ? { autoCompleteUrl: `${base}/rest/api/3/user/search?query=` }
      : {}),
  };
}

/** A resolution as Jira represents it. @see Jira Cloud REST v3 `Resolution` */
export function resolutionByIdJson(base: string, id: string | undefined): Json {
  const resolution = RESOLUTIONS.find((r) => r.id === id) ?? RESOLUTIONS[0];
  return {
    self: `${base}/rest/api/3/resolution/${resolution?.id ?? '10000'}`,
    id: resolution?.id ?? '10000',
    description: resolution?.description ?? '',
    name: resolution?.name ?? 'Done',
  };
}

/** The resolution a transition's `fields.resolution` names (`{id}` or `{name}`), or undefined. */
export function findResolution(value: unknown): { id: string } | undefined {
  const ref =
    typeof value === 'object' && value !== null ? (value as { id?: unknown; name?: unknown }) : {};
  return RESOLUTIONS.find((r) =>
    ref.id !== undefined
      ? r.id === ref.id
      : typeof ref.name === 'string' && r.name.toLowerCase() === ref.name.toLowerCase(),
  );
}

/**
 * The screen of a transition into Done: the resolution, with Done as the
 * default (Jira Cloud's default workflow screen). Others have no screen.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/transitions (`expand=transitions.fields`)
 */
export function transitionScreenFields(base: string, toDone: boolean): Json | undefined {
  if (!toDone) return undefined;
  return {
    resolution: {
      required: true,
      schema: { type: 'resolution', system: 'resolution' },
      name: 'Resolution',
      key: 'resolution',
      hasDefaultValue: true,
      operations: ['set'],
      allowedValues: RESOLUTIONS.map((r) => resolutionByIdJson(base, r.id)),
      defaultValue: resolutionByIdJson(base, '10000'),
    },
  };
}

function displayText(
  field: CustomFieldDef,
  stored: unknown,
  directory: SandboxDirectory,
): string | null {
  if (stored === undefined || stored === null) return null;
  if (field.schema.type === 'option')
    return field.options?.find((o) => o.id === stored)?.value ?? null;
  if (field.schema.type === 'user' && typeof stored === 'string') {
    return directory.findUser(stored)?.displayName ?? stored;
  }
  return typeof stored === 'string' ? stored : JSON.stringify(stored);
}

/**
 * History items for custom field changes, as Jira records them
 * (`fieldtype: custom`, the field's name, raw ids in from/to).
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
 */
export function customFieldChangeItems(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  directory: SandboxDirectory,
): ChangeItem[] {
  const items: ChangeItem[] = [];
  for (const [id, next] of Object.entries(after)) {
    const field = findCustomField(id);
    const previous = before[id] ?? null;
    if (field === undefined || JSON.stringify(previous) === JSON.stringify(next ?? null)) continue;
    const raw = (v: unknown): string | null =>
      v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
    items.push({
      field: field.name,
      fieldtype: 'custom',
      fieldId: id,
      from: raw(previous),
      fromString: displayText(field, previous, directory),
      to: raw(next),
      toString: displayText(field, next, directory),
    });
  }
  return items;
}
