/**
 * Turns the `fields` map a model gives (keys: field ids or names; values:
 * plain strings, numbers, lists) into the JSON Jira expects for each
 * field, from the field's schema in create or edit metadata: option ->
 * `{value}`/`{id}`, user -> `{accountId}`, versions/components -> `{name}`
 * or `{id}`, dates checked, numbers parsed, rich text as ADF from Markdown.
 * A value that cannot be shaped is a ToolUsageError naming the field and
 * what it expects, so the model can correct the call.
 * @see Jira Cloud platform REST API v3, createIssue (Field input formats)
 */
import { markdownToAdf } from '../../jira/adf/index.js';
import { jiraDateTime } from '../../jira/request-bodies.js';
import type { JiraFieldMeta } from '../../jira/schemas.js';
import { ToolUsageError } from './tool-definition.js';

/** Allowed values listed in an error message only when there are this few. */
const MAX_LISTED = 15;

export type FieldMetaById = Readonly<Record<string, JiraFieldMeta>>;

type Shaped = Record<string, unknown>;

function fail(message: string): never {
  throw new ToolUsageError('invalid_arguments', message);
}

function label(id: string, meta: JiraFieldMeta): string {
  return meta.name === id ? `"${id}"` : `"${meta.name}" (${id})`;
}

/** The name-like text of an allowed value: `name`, `value`, `key` or `id`. */
export function allowedValueText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const v = value as { name?: unknown; value?: unknown; key?: unknown; id?: unknown };
  for (const candidate of [v.name, v.value, v.key, v.id]) {
    if (typeof candidate === 'string') return candidate;
  }
  return JSON.stringify(value).slice(0, 80);
}

function allowedList(meta: JiraFieldMeta): string {
  const values = meta.allowedValues ?? [];
  if (values.length === 0 || values.length > MAX_LISTED) return '';
  return ` Allowed: ${values.map(allowedValueText).join(', ')}.`;
}

/** `{id}` of the allowed value whose id, name or value matches (case-insensitive). */
function matchAllowed(meta: JiraFieldMeta, wanted: string): { id: string } | undefined {
  const w = wanted.trim().toLowerCase();
  for (const value of meta.allowedValues ?? []) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as { id?: unknown; name?: unknown; value?: unknown };
    if (typeof v.id !== 'string') continue;
    const names = [v.id, v.name, v.value].filter((x): x is string => typeof x === 'string');
    if (names.some((n) => n.toLowerCase() === w)) return { id: v.id };
  }
  return undefined;
}

/** An option (`{value}`, `{id}`), a priority, resolution, version, component… by name or id. */
function namedRef(
  id: string,
  meta: JiraFieldMeta,
  value: unknown,
  nameKey: 'value' | 'name',
): Shaped {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Shaped;
  if (typeof value !== 'string' && typeof value !== 'number') {
    fail(`Field ${label(id, meta)} expects a name or id as text.${allowedList(meta)}`);
  }
  const text = String(value).trim();
  if (text === '') fail(`Field ${label(id, meta)} expects a name or id, not an empty text.`);
  if (meta.allowedValues !== undefined && meta.allowedValues.length > 0) {
    const match = matchAllowed(meta, text);
    if (match === undefined) {
      fail(`Field ${label(id, meta)} has no value "${text}".${allowedList(meta)}`);
    }
    return match;
  }
  return /^\d+$/.test(text) ? { id: text } : { [nameKey]: text };
}

function userRef(id: string, meta: JiraFieldMeta, value: unknown): Shaped {
  if (typeof value === 'object' && value !== null && 'accountId' in value) {
    return { ...value };
  }
  // An accountId has no spaces and no @; a display name or e-mail must not be guessed from.
  if (typeof value !== 'string' || !/^[A-Za-z0-9:_-]{1,128}$/.test(value.trim())) {
    fail(
      `Field ${label(id, meta)} expects a Jira accountId (find it with jira_find_users), not ${JSON.stringify(value)}.`,
    );
  }
  return { accountId: value.trim() };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

const RICH_TEXT_CUSTOM = /:textarea$/;

function shapeString(id: string, meta: JiraFieldMeta, value: unknown): unknown {
  const rich =
    meta.schema?.system === 'description' ||
    meta.schema?.system === 'environment' ||
    RICH_TEXT_CUSTOM.test(meta.schema?.custom ?? '');
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'doc') {
    return value;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    fail(`Field ${label(id, meta)} expects text${rich ? ' (Markdown)' : ''}.`);
  }
  return rich ? markdownToAdf(String(value)) : String(value);
}

function shapeNumber(id: string, meta: JiraFieldMeta, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    fail(`Field ${label(id, meta)} expects a number, not ${JSON.stringify(value)}.`);
  }
  return n;
}

function shapeDate(id: string, meta: JiraFieldMeta, value: unknown): string {
  const ok =
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) fail(`Field ${label(id, meta)} expects a date like "2026-03-31".`);
  return value;
}

function shapeDateTime(id: string, meta: JiraFieldMeta, value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    fail(`Field ${label(id, meta)} expects a date-time like "2026-03-31T09:00:00Z".`);
  }
  return jiraDateTime(value);
}

function shapeLabels(id: string, meta: JiraFieldMeta, value: unknown): string[] {
  const list = asList(value);
  for (const item of list) {
    if (typeof item !== 'string' || !/^\S{1,255}$/.test(item)) {
      fail(`Field ${label(id, meta)} expects labels without spaces, like ["backend", "urgent"].`);
    }
  }
  return list as string[];
}

function shapeIssueRef(id: string, meta: JiraFieldMeta, value: unknown): Shaped {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Shaped;
  if (typeof value !== 'string' || !/^([A-Za-z][A-Za-z0-9_]*-\d+|\d+)$/.test(value.trim())) {
    fail(`Field ${label(id, meta)} expects an issue key like "DEMO-7".`);
  }
  const text = value.trim().toUpperCase();
  return /^\d+$/.test(text) ? { id: text } : { key: text };
}

/**
 * The Jira JSON for one field's value, from its schema. `null` clears a field.
 * @see Jira Cloud platform REST API v3, editIssue (Field input formats)
 */
export function shapeFieldValue(id: string, meta: JiraFieldMeta, value: unknown): unknown {
  if (value === null) return null;
  const type = meta.schema?.type ?? 'any';
  const items = meta.schema?.items;
  switch (type) {
    case 'option':
      return namedRef(id, meta, value, 'value');
    case 'priority':
    case 'resolution':
    case 'version':
    case 'component':
    case 'securitylevel':
    case 'issuetype':
      return namedRef(id, meta, value, 'name');
    case 'user':
      return userRef(id, meta, value);
    case 'number':
      return shapeNumber(id, meta, value);
    case 'string':
      return shapeString(id, meta, value);
    case 'date':
      return shapeDate(id, meta, value);
    case 'datetime':
      return shapeDateTime(id, meta, value);
    case 'issuelink':
      return shapeIssueRef(id, meta, value);
    case 'array':
      switch (items) {
        case 'option':
          return asList(value).map((v) => namedRef(id, meta, v, 'value'));
        case 'user':
          return asList(value).map((v) => userRef(id, meta, v));
        case 'version':
        case 'component':
          return asList(value).map((v) => namedRef(id, meta, v, 'name'));
        case 'string':
          return shapeLabels(id, meta, value);
        default:
          return asList(value);
      }
    case 'timetracking':
      if (typeof value === 'string') return { originalEstimate: value };
      return value;
    default:
      // Types the gateway does not know (team, any, app fields): Jira's own format, as given.
      return value;
  }
}

/** What a `fields` key resolved to: the field id and its metadata. */
interface Resolved {
  id: string;
  meta: JiraFieldMeta;
}

function resolveKey(key: string, metaById: FieldMetaById, where: string): Resolved {
  const direct = metaById[key];
  if (direct !== undefined) return { id: key, meta: direct };
  const wanted = key.trim().toLowerCase();
  const byName = Object.entries(metaById).filter(([, m]) => m.name.toLowerCase() === wanted);
  if (byName.length > 1) {
    fail(
      `Field name "${key}" is ambiguous ${where}: use one of the ids ${byName.map(([id]) => id).join(', ')}.`,
    );
  }
  const [only] = byName;
  if (only !== undefined) return { id: only[0], meta: only[1] };
  const settable = Object.entries(metaById)
    .map(([id, m]) => `${m.name} (${id})`)
    .slice(0, 40)
    .join(', ');
  return fail(
    `Unknown field "${key}": it is not on the screen ${where}. Settable: ${settable || '(none)'}. jira_list_fields finds a field's id.`,
  );
}

/**
 * Resolves each key of `fields` (an id, or a name matched case-insensitively
 * against the metadata) and shapes its value. `where` says which screen, for
 * error messages ("for creating a Bug in DEMO").
 * @see Jira Cloud platform REST API v3, getCreateIssueMetaIssueTypeId; getEditIssueMeta
 */
export function shapeFields(
  fields: Readonly<Record<string, unknown>>,
  metaById: FieldMetaById,
  where: string,
): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const { id, meta } = resolveKey(key, metaById, where);
    if (id in shaped) fail(`Field ${label(id, meta)} is given twice in fields.`);
    shaped[id] = shapeFieldValue(id, meta, value);
  }
  return shaped;
}

/** Create metadata (a list) keyed by field id. */
export function metaById(fields: readonly JiraFieldMeta[]): Record<string, JiraFieldMeta> {
  return Object.fromEntries(fields.map((f) => [f.fieldId ?? f.key ?? f.name, f]));
}
