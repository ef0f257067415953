/**
 * Create metadata: which issue types a project offers and which fields
 * each needs, with `required` flags and allowed values, so clients can
 * build a valid create request without guessing. A project the caller
 * cannot browse is answered like an unknown one.
 */
import { Hono } from 'hono';
import {
  findProject,
  ISSUE_TYPES,
  PRIORITIES,
  DEFAULT_PRIORITY_ID,
  type IssueTypeDef,
  type ProjectDef,
} from '../catalog.js';
import type { Context } from 'hono';
import type { SandboxEnv } from '../context.js';
import { jiraError, projectNotFound } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import { issueTypeJson, priorityJson, projectDetailsJson, type Json } from '../represent-common.js';
import { customFieldExtras, screenCustomFields } from '../custom-fields.js';
import { readPage } from './paging.js';

interface FieldSpec {
  key: string;
  name: string;
  required: boolean;
  schema: Json;
  operations: string[];
  extra?: Json;
}

/** The create screen of an issue type in a project. */
export function createFields(base: string, project: ProjectDef, type: IssueTypeDef): FieldSpec[] {
  const defaultPriority = PRIORITIES.find((p) => p.id === DEFAULT_PRIORITY_ID);
  const fields: FieldSpec[] = [
    {
      key: 'issuetype',
      name: 'Issue Type',
      required: true,
      schema: { type: 'issuetype', system: 'issuetype' },
      operations: [],
      extra: { allowedValues: [issueTypeJson(base, type)] },
    },
    {
      key: 'project',
      name: 'Project',
      required: true,
      schema: { type: 'project', system: 'project' },
      operations: ['set'],
      extra: { allowedValues: [projectDetailsJson(base, project)] },
    },
    {
      key: 'summary',
      name: 'Summary',
      required: true,
      schema: { type: 'string', system: 'summary' },
      operations: ['set'],
    },
    {
      key: 'description',
      name: 'Description',
      required: false,
      schema: { type: 'string', system: 'description' },
      operations: ['set'],
    },
    {
      key: 'priority',
      name: 'Priority',
      required: false,
      schema: { type: 'priority', system: 'priority' },
      operations: ['set'],
      extra: {
        allowedValues: PRIORITIES.map((p) => priorityJson(base, p)),
        ...(defaultPriority === undefined
          ? {}
          : { defaultValue: priorityJson(base, defaultPriority) }),
      },
    },
    {
      key: 'assignee',
      name: 'Assignee',
      required: false,
      schema: { type: 'user', system: 'assignee' },
      operations: ['set'],
      extra: {
        autoCompleteUrl: `${base}/rest/api/3/user/assignable/search?project=${project.key}&query=`,
      },
    },
    {
      key: 'reporter',
      name: 'Reporter',
      // As on Jira Cloud: required, but Jira fills in the caller when it is left out.
      required: true,
      schema: { type: 'user', system: 'reporter' },
      operations: ['set'],
      extra: { autoCompleteUrl: `${base}/rest/api/3/user/search?query=`, hasDefaultValue: true },
    },
    {
      key: 'labels',
      name: 'Labels',
      required: false,
      schema: { type: 'array', items: 'string', system: 'labels' },
      operations: ['add', 'set', 'remove'],
    },
    {
      key: 'duedate',
      name: 'Due date',
      required: false,
      schema: { type: 'date', system: 'duedate' },
      operations: ['set'],
    },
    {
      key: 'timetracking',
      name: 'Time tracking',
      required: false,
      schema: { type: 'timetracking', system: 'timetracking' },
      operations: ['set', 'edit'],
    },
  ];
  // Epics are top-level; a sub-task must have a parent, other types may (an epic).
  if (type.hierarchyLevel < 1) {
    fields.push({
      key: 'parent',
      name: 'Parent',
      required: type.subtask,
      schema: { type: 'issuelink', system: 'parent' },
      operations: ['set'],
    });
  }
  // Custom fields (CF): see custom-fields.ts for which screens show which.
  for (const { field, required } of screenCustomFields(project.key, type)) {
    fields.push({
      key: field.id,
      name: field.name,
      required,
      schema: field.schema,
      operations: ['set'],
      extra: customFieldExtras(base, field),
    });
  }
  return fields;
}

/**
 * @see Jira Cloud REST v3 `FieldCreateMetadata`
 */
export function fieldMetaJson(field: FieldSpec): Json {
  const hasDefault = field.extra !== undefined && 'defaultValue' in field.extra;
  return {
    required: field.required,
    schema: field.schema,
    name: field.name,
    key: field.key,
    fieldId: field.key,
    hasDefaultValue: hasDefault,
    operations: field.operations,
    ...field.extra,
  };
}

/** The path's project, if it exists and the caller may browse it. */
function visibleProject(c: Context<SandboxEnv>): ProjectDef | undefined {
  const project = findProject(c.req.param('projectIdOrKey') ?? '');
  return project !== undefined && canBrowseProject(c.get('user'), project.key)
    ? project
    : undefined;
}

/** Routes: GET /issue/createmeta/{projectIdOrKey}/issuetypes[/{issueTypeId}]. */
export function createMetaRoutes(): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes */
  app.get('/issue/createmeta/:projectIdOrKey/issuetypes', (c) => {
    const project = visibleProject(c);
    if (project === undefined) {
      return jiraError(c, 400, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 200,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const base = c.get('base');
    return c.json({
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: ISSUE_TYPES.length,
      issueTypes: ISSUE_TYPES.slice(page.startAt, page.startAt + page.maxResults).map((type) =>
        issueTypeJson(base, type),
      ),
    });
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId} */
  app.get('/issue/createmeta/:projectIdOrKey/issuetypes/:issueTypeId', (c) => {
    const project = visibleProject(c);
    if (project === undefined) {
      return jiraError(c, 400, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const typeId = c.req.param('issueTypeId');
    const type = ISSUE_TYPES.find((t) => t.id === typeId);
    if (type === undefined) {
      return jiraError(c, 400, [
        `The issue type with id '${typeId}' does not exist or is not available in this project.`,
      ]);
    }
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 200,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const fields = createFields(c.get('base'), project, type);
    return c.json({
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: fields.length,
      fields: fields.slice(page.startAt, page.startAt + page.maxResults).map(fieldMetaJson),
    });
  });

  return app;
}
