/**
 * The issue fields the sandbox knows, their display names and JSON type
 * (for `expand=names` / `expand=schema`), and the `fields` request
 * parameter that selects among them.
 *
 * "Navigable" is every field except `comment` and `worklog`: the heavy
 * ones Jira leaves out of search results unless asked for by name.
 */
import { CUSTOM_FIELDS } from './custom-fields.js';
import { SPRINT_FIELD_ID, SPRINT_FIELD_SCHEMA } from './represent-agile.js';

export interface FieldDef {
  id: string;
  name: string;
  navigable: boolean;
  /** @see Jira Cloud REST v3 `JsonTypeBean` */
  schema: { type: string; items?: string; system?: string; custom?: string; customId?: number };
}

function field(id: string, name: string, type: string, items?: string): FieldDef {
  const schema = items === undefined ? { type, system: id } : { type, items, system: id };
  return { id, name, navigable: id !== 'comment' && id !== 'worklog', schema };
}

export const FIELDS: readonly FieldDef[] = [
  field('summary', 'Summary', 'string'),
  field('status', 'Status', 'status'),
  field('issuetype', 'Issue Type', 'issuetype'),
  field('priority', 'Priority', 'priority'),
  field('assignee', 'Assignee', 'user'),
  field('reporter', 'Reporter', 'user'),
  field('creator', 'Creator', 'user'),
  field('labels', 'Labels', 'array', 'string'),
  field('created', 'Created', 'datetime'),
  field('updated', 'Updated', 'datetime'),
  field('description', 'Description', 'string'),
  field('comment', 'Comment', 'comments-page'),
  field('subtasks', 'Sub-tasks', 'array', 'issuelinks'),
  field('issuelinks', 'Linked Issues', 'array', 'issuelinks'),
  field('parent', 'Parent', 'issuelink'),
  field('project', 'Project', 'project'),
  field('timetracking', 'Time tracking', 'timetracking'),
  field('worklog', 'Log Work', 'array', 'worklog'),
  field('resolution', 'Resolution', 'resolution'),
  field('resolutiondate', 'Resolved', 'datetime'),
  field('statuscategorychangedate', 'Status Category Changed', 'datetime'),
  field('duedate', 'Due date', 'date'),
  field('timeoriginalestimate', 'Original Estimate', 'number'),
  field('timeestimate', 'Remaining Estimate', 'number'),
  field('timespent', 'Time Spent', 'number'),
  // Attached files (AT): see history-store.ts.
  field('attachment', 'Attachment', 'array', 'attachment'),
  // Project structure and watchers (SP): see structure-store.ts, collaboration-store.ts.
  field('fixVersions', 'Fix versions', 'array', 'version'),
  field('versions', 'Affects versions', 'array', 'version'),
  field('components', 'Components', 'array', 'component'),
  field('watches', 'Watchers', 'watches'),
  // Custom fields (CF): see custom-fields.ts.
  ...CUSTOM_FIELDS.map((f) => ({ id: f.id, name: f.name, navigable: true, schema: f.schema })),
  // Jira Software's Sprint field (AG): see represent-agile.ts.
  { id: SPRINT_FIELD_ID, name: 'Sprint', navigable: true, schema: SPRINT_FIELD_SCHEMA },
];

const FIELD_IDS = new Set(FIELDS.map((f) => f.id));

export interface FieldSelection {
  /** Selected field ids, in catalog order. */
  fields: string[];
  /** True when the caller asked only for ids (`fields=id`, the search default). */
  idOnly: boolean;
}

/**
 * Resolves Jira's `fields` parameter: comma-separated and/or repeated
 * values of field ids, `*all`, `*navigable`, `id`, and `-field` exclusions.
 * Unknown field ids are ignored, as Jira ignores them. With only exclusions,
 * they apply to the default set (all fields for GET issue, navigable for search).
 * @see Jira Cloud REST v3 GET /rest/api/3/search/jql `fields`
 */
export function selectFields(
  values: readonly string[] | undefined,
  defaultSet: '*all' | 'id',
): FieldSelection {
  const tokens = (values ?? [])
    .flatMap((value) => value.split(','))
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
  if (tokens.length === 0) return resolve([defaultSet], defaultSet);
  return resolve(tokens, defaultSet);
}

function resolve(tokens: string[], defaultSet: '*all' | 'id'): FieldSelection {
  const included = new Set<string>();
  const excluded = new Set<string>();
  let positive = false;
  for (const token of tokens) {
    if (token.startsWith('-')) {
      excluded.add(token.slice(1));
      continue;
    }
    positive = true;
    if (token === '*all') FIELDS.forEach((f) => included.add(f.id));
    else if (token === '*navigable')
      FIELDS.filter((f) => f.navigable).forEach((f) => included.add(f.id));
    else if (FIELD_IDS.has(token)) included.add(token);
  }
  if (!positive) {
    FIELDS.filter((f) => defaultSet === '*all' || f.navigable).forEach((f) => included.add(f.id));
  }
  const fields = FIELDS.map((f) => f.id).filter((id) => included.has(id) && !excluded.has(id));
  const idOnly = positive && tokens.every((token) => token === 'id');
  return { fields, idOnly };
}

/** Display names for `expand=names`. */
export function fieldNames(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(FIELDS.filter((f) => ids.includes(f.id)).map((f) => [f.id, f.name]));
}

/** JSON types for `expand=schema`. */
export function fieldSchemas(ids: readonly string[]): Record<string, FieldDef['schema']> {
  return Object.fromEntries(FIELDS.filter((f) => ids.includes(f.id)).map((f) => [f.id, f.schema]));
}
