/**
 * Project structure tools (toolset `structure`): a project's versions and
 * components, and creating a version. Each names its project, so the
 * allow-list is checked before Jira is asked (see confined-jira.ts).
 */
import { z } from 'zod';
import type { JiraComponent, JiraVersion } from '../../jira/schemas-structure.js';
import { SCOPES } from '../../oauth/scopes.js';
import { ADDING_ANNOTATIONS, PROJECT_KEY_INPUT, READ_ANNOTATIONS } from './common-schemas.js';
import { oneLine, PERSON_SCHEMA, personText, toPerson } from './format.js';
import { defineTool, ToolUsageError, type JiraTool } from './tool-definition.js';

const DATE_INPUT = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-31');

const PAGE_INPUT = {
  startAt: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe('Offset of the first item (default 0).'),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(50)
    .optional()
    .describe('Items per page, 1–50 (default 50).'),
};

const VERSION_VIEW_SCHEMA = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  released: z.boolean(),
  archived: z.boolean(),
  startDate: z.string().nullable(),
  releaseDate: z.string().nullable(),
  overdue: z.boolean(),
});
type VersionView = z.infer<typeof VERSION_VIEW_SCHEMA>;

function toVersionView(version: JiraVersion): VersionView {
  return {
    id: version.id,
    name: version.name,
    description: version.description ?? null,
    released: version.released ?? false,
    archived: version.archived ?? false,
    startDate: version.startDate ?? null,
    releaseDate: version.releaseDate ?? null,
    overdue: version.overdue ?? false,
  };
}

function versionLine(v: VersionView): string {
  const state = v.archived ? 'archived' : v.released ? 'released' : 'unreleased';
  const dates = [
    v.startDate === null ? undefined : `start ${v.startDate}`,
    v.releaseDate === null ? undefined : `release ${v.releaseDate}${v.overdue ? ' (overdue)' : ''}`,
  ].filter((d) => d !== undefined);
  const description = v.description === null ? '' : ` — ${oneLine(v.description)}`;
  return `- **${oneLine(v.name)}** (id ${v.id}, ${state}${dates.length > 0 ? `, ${dates.join(', ')}` : ''})${description}`;
}

const PAGE_OUTPUT = {
  startAt: z.number(),
  total: z.number().nullable(),
  isLast: z.boolean(),
};

/** The free-text filter both list tools take. */
const NAME_QUERY_INPUT = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .describe('Text to find in name or description.');

interface ListInput {
  query?: string | undefined;
  startAt?: number | undefined;
  maxResults?: number | undefined;
}

/** The filter and paging of a list call, omitting what the caller left out. */
function listRequest(input: ListInput): { query?: string; startAt?: number; maxResults: number } {
  return {
    ...(input.query === undefined ? {} : { query: input.query }),
    ...(input.startAt === undefined ? {} : { startAt: input.startAt }),
    maxResults: input.maxResults ?? 50,
  };
}

/** A page's position, filling what Jira left out from the request (a missing isLast means last). */
function pagePosition(
  page: { startAt?: number | undefined; total?: number | undefined; isLast?: boolean | undefined },
  input: ListInput,
): { startAt: number; total: number | null; isLast: boolean } {
  return {
    startAt: page.startAt ?? input.startAt ?? 0,
    total: page.total ?? null,
    isLast: page.isLast ?? true,
  };
}

/** "Showing 1–2 of 2" and where the next page starts. */
function pageNote(startAt: number, shown: number, total: number | null, isLast: boolean): string {
  const range = shown === 0 ? 'none' : `${startAt + 1}–${startAt + shown}`;
  const of = total === null ? '' : ` of ${total}`;
  return `Showing ${range}${of}.${isLast ? '' : ` More: call again with startAt ${startAt + shown}.`}`;
}

const listVersions = defineTool({
  name: 'jira_list_versions',
  scope: SCOPES.read,
  title: 'List the versions of a Jira project',
  description:
    "Lists a project's versions (releases), in the order the project shows them, with release state and dates. " +
    'Use the version name or id in fixVersions when creating or editing issues. Arguments: projectKey ("DEMO"); ' +
    'status (optional) — any of "released", "unreleased", "archived"; query (optional) — text in the name or description; startAt/maxResults for paging.',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT,
    status: z
      .array(z.enum(['released', 'unreleased', 'archived']))
      .max(3)
      .optional()
      .describe('Only versions in these states.'),
    query: NAME_QUERY_INPUT,
    ...PAGE_INPUT,
  }),
  outputSchema: z.object({
    projectKey: z.string(),
    versions: z.array(VERSION_VIEW_SCHEMA),
    ...PAGE_OUTPUT,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, context) {
    const page = await context.jira.listProjectVersions(input.projectKey, {
      ...(input.status === undefined ? {} : { statuses: input.status }),
      ...listRequest(input),
    });
    const versions = page.values.map(toVersionView);
    const { startAt, total, isLast } = pagePosition(page, input);
    const lines = versions.length === 0 ? ['No versions match.'] : versions.map(versionLine);
    return {
      markdown: [
        `## Versions of ${input.projectKey}`,
        ...lines,
        '',
        pageNote(startAt, versions.length, total, isLast),
      ].join('\n'),
      structured: { projectKey: input.projectKey, versions, startAt, total, isLast },
    };
  },
});

const createVersion = defineTool({
  name: 'jira_create_version',
  scope: SCOPES.write,
  title: 'Create a version in a Jira project',
  description:
    'Creates a version (release) in a project; needs project administrator rights in Jira. Arguments: projectKey ("DEMO"); name ("2.0", unique in the project); ' +
    'description (optional); startDate and releaseDate (optional, "2026-03-31"); released (optional, default false).',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT,
    name: z.string().trim().min(1).max(255).describe('The version name, unique in the project.'),
    description: z.string().trim().max(2000).optional().describe('What the version is.'),
    startDate: DATE_INPUT.optional().describe('When work starts, "yyyy-mm-dd".'),
    releaseDate: DATE_INPUT.optional().describe('Planned or actual release, "yyyy-mm-dd".'),
    released: z.boolean().optional().describe('Whether it is released already (default false).'),
  }),
  outputSchema: z.object({ projectKey: z.string(), version: VERSION_VIEW_SCHEMA }),
  annotations: ADDING_ANNOTATIONS,
  async run(input, context) {
    if (
      input.startDate !== undefined &&
      input.releaseDate !== undefined &&
      input.startDate > input.releaseDate
    ) {
      throw new ToolUsageError('invalid_arguments', 'startDate must not be after releaseDate.');
    }
    const page = await context.jira.searchProjects({ keys: [input.projectKey] });
    const project = page.values.find((p) => p.key.toUpperCase() === input.projectKey);
    if (project === undefined) {
      throw new ToolUsageError(
        'invalid_arguments',
        `Project ${input.projectKey} was not found or is not visible to the Jira account.`,
      );
    }
    const created = await context.jira.createVersion({
      projectKey: input.projectKey,
      projectId: project.id,
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.startDate === undefined ? {} : { startDate: input.startDate }),
      ...(input.releaseDate === undefined ? {} : { releaseDate: input.releaseDate }),
      ...(input.released === undefined ? {} : { released: input.released }),
    });
    const version = toVersionView(created);
    return {
      markdown: `Created version in ${input.projectKey}:\n${versionLine(version)}`,
      structured: { projectKey: input.projectKey, version },
    };
  },
});

const COMPONENT_VIEW_SCHEMA = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  lead: PERSON_SCHEMA.nullable(),
  issueCount: z.number().nullable(),
});
type ComponentView = z.infer<typeof COMPONENT_VIEW_SCHEMA>;

function toComponentView(component: JiraComponent): ComponentView {
  return {
    id: component.id,
    name: component.name,
    description: component.description ?? null,
    lead: toPerson(component.lead),
    issueCount: component.issueCount ?? null,
  };
}

const listComponents = defineTool({
  name: 'jira_list_components',
  scope: SCOPES.read,
  title: 'List the components of a Jira project',
  description:
    "Lists a project's components with their lead and issue count. Use the component name or id in the components field when creating or editing issues. " +
    'Arguments: projectKey ("DEMO"); query (optional) — text in the name or description; startAt/maxResults for paging.',
  inputSchema: z.object({
    projectKey: PROJECT_KEY_INPUT,
    query: NAME_QUERY_INPUT,
    ...PAGE_INPUT,
  }),
  outputSchema: z.object({
    projectKey: z.string(),
    components: z.array(COMPONENT_VIEW_SCHEMA),
    ...PAGE_OUTPUT,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, context) {
    const page = await context.jira.listProjectComponents(input.projectKey, listRequest(input));
    const components = page.values.map(toComponentView);
    const { startAt, total, isLast } = pagePosition(page, input);
    const lines =
      components.length === 0
        ? ['No components match.']
        : components.map((c) => {
            const count = c.issueCount === null ? '' : `, ${c.issueCount} issues`;
            const description = c.description === null ? '' : ` — ${oneLine(c.description)}`;
            return `- **${oneLine(c.name)}** (id ${c.id}, lead ${personText(c.lead, 'none')}${count})${description}`;
          });
    return {
      markdown: [
        `## Components of ${input.projectKey}`,
        ...lines,
        '',
        pageNote(startAt, components.length, total, isLast),
      ].join('\n'),
      structured: { projectKey: input.projectKey, components, startAt, total, isLast },
    };
  },
});

/** The `structure` toolset's tools owned here (jira_list_fields lives with the field tools). */
export const STRUCTURE_TOOLS: readonly JiraTool[] = [listVersions, createVersion, listComponents];
