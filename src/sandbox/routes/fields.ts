/**
 * The site's fields (system and custom) and an issue's edit metadata:
 * which fields an edit may set, with their schemas and allowed values.
 */
import { Hono } from 'hono';
import { findProject, issueTypeById } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { FIELDS } from '../issue-fields.js';
import type { Json } from '../represent-common.js';
import { createFields, fieldMetaJson } from './createmeta.js';
import { withIssue } from './issue-route.js';

/** AG's Sprint field, listed here so the field list names it (AG renders its values). */
const SPRINT_FIELD = {
  id: 'customfield_10020',
  name: 'Sprint',
  schema: {
    type: 'array',
    items: 'json',
    custom: 'com.pyxis.greenhopper.jira:gh-sprint',
    customId: 10020,
  },
};

/** Fields Jira lists but cannot sort by (`orderable: false`). */
const UNORDERABLE = new Set(['comment', 'worklog', 'subtasks', 'issuelinks', 'timetracking']);

/** @see Jira Cloud REST v3 `FieldDetails` */
function fieldDetailsJson(field: {
  id: string;
  name: string;
  navigable?: boolean;
  schema: Json;
}): Json {
  const custom = field.id.startsWith('customfield_');
  const number = custom ? field.id.slice('customfield_'.length) : '';
  return {
    id: field.id,
    key: field.id,
    name: field.name,
    custom,
    orderable: !UNORDERABLE.has(field.id),
    navigable: field.navigable ?? true,
    searchable: true,
    clauseNames: custom ? [`cf[${number}]`, field.name] : [field.id],
    schema: field.schema,
  };
}

/** Routes: GET /field, GET /issue/{issueIdOrKey}/editmeta. */
export function fieldRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /**
   * Every system field, the custom fields and Sprint, one array (not paged).
   * @see Jira Cloud REST v3 GET /rest/api/3/field
   */
  app.get('/field', (c) => {
    const listed = [
      ...FIELDS,
      ...(FIELDS.some((f) => f.id === SPRINT_FIELD.id) ? [] : [SPRINT_FIELD]),
    ];
    return c.json(listed.map((f) => fieldDetailsJson({ ...f, schema: { ...f.schema } })));
  });

  /**
   * The fields an edit of this issue may set: its type's screen in its
   * project (the create screen without project), with the custom fields.
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/editmeta
   */
  app.get(
    '/issue/:issueIdOrKey/editmeta',
    withIssue(deps.store, (c, issue) => {
      const project = findProject(issue.projectKey);
      if (project === undefined) return c.json({ fields: {} });
      const fields: Json = {};
      for (const spec of createFields(c.get('base'), project, issueTypeById(issue.issueTypeId))) {
        if (spec.key === 'project') continue;
        const { fieldId: _unused, ...meta } = fieldMetaJson(spec);
        fields[spec.key] = meta;
      }
      return c.json({ fields });
    }),
  );

  return app;
}
