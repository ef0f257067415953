/**
 * Project versions and components: the paged and the plain lists, and
 * creating a version. Only projects the caller may browse exist for them;
 * creating a version takes Administer Jira or Administer Projects (the
 * Administrators role).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { findProject, type ProjectDef } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { jiraError, parseJsonBody, projectNotFound } from '../jira-errors.js';
import { formatJiraDate } from '../jira-time.js';
import { canBrowseProject, hasProjectRole, isJiraAdmin } from '../permissions.js';
import type { Json } from '../represent-common.js';
import { componentJson, versionJson } from '../represent-structure.js';
import type { ComponentRecord, VersionRecord } from '../structure-store.js';
import { listParam, readPage, type Page } from './paging.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Jira's messages for a version that cannot be created. */
export const VERSION_MESSAGES = {
  noName: 'You must specify a valid version name',
  duplicate: 'A version with this name already exists in this project.',
  tooLong: 'The version name should not be longer than 255 characters.',
  noProject: 'You must specify a valid project key or id.',
  noPermission: 'You must have global or project administrator rights in order to modify versions.',
  badDate: 'Invalid date format. Please enter the date in the format "yyyy-MM-dd".',
  startAfterRelease: 'The start date must be before the release date.',
} as const;

const CreateVersionSchema = z.looseObject({
  name: z.unknown().optional(),
  description: z.string().optional(),
  projectId: z.union([z.number().int(), z.string()]).optional(),
  project: z.string().optional(),
  startDate: z.string().optional(),
  releaseDate: z.string().optional(),
  released: z.boolean().optional(),
  archived: z.boolean().optional(),
});

/** A real calendar date in `yyyy-mm-dd`. */
function validDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const at = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(value);
}

/** The project in the path when the caller may browse it. */
function browsable(c: Context<SandboxEnv>): ProjectDef | undefined {
  const project = findProject(c.req.param('projectIdOrKey') ?? '');
  return project !== undefined && canBrowseProject(c.get('user'), project.key)
    ? project
    : undefined;
}

/** `PageBean…` around one page of `all`, with `self`/`nextPage` links keeping the query. */
function pageJson(c: Context<SandboxEnv>, page: Page, all: readonly Json[]): Json {
  const values = all.slice(page.startAt, page.startAt + page.maxResults);
  const isLast = page.startAt + values.length >= all.length;
  const link = (startAt: number): string => {
    const url = new URL(c.req.url);
    const out = new URL(`${c.get('base')}${url.pathname}`);
    url.searchParams.forEach((value, name) => {
      if (name !== 'startAt' && name !== 'maxResults') out.searchParams.append(name, value);
    });
    out.searchParams.set('startAt', String(startAt));
    out.searchParams.set('maxResults', String(page.maxResults));
    return out.toString();
  };
  return {
    self: link(page.startAt),
    ...(isLast ? {} : { nextPage: link(page.startAt + page.maxResults) }),
    maxResults: page.maxResults,
    startAt: page.startAt,
    total: all.length,
    isLast,
    values,
  };
}

const VERSION_ORDER: Record<string, (a: VersionRecord, b: VersionRecord) => number> = {
  sequence: () => 0,
  name: (a, b) => a.name.localeCompare(b.name),
  description: (a, b) => (a.description ?? '').localeCompare(b.description ?? ''),
  // Versions without the date come last, as Jira documents.
  releaseDate: (a, b) => (a.releaseDate ?? '9999').localeCompare(b.releaseDate ?? '9999'),
  startDate: (a, b) => (a.startDate ?? '9999').localeCompare(b.startDate ?? '9999'),
};

const COMPONENT_ORDER: Record<string, (a: ComponentRecord, b: ComponentRecord) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  description: (a, b) => (a.description ?? '').localeCompare(b.description ?? ''),
  lead: (a, b) => (a.leadAccountId ?? '').localeCompare(b.leadAccountId ?? ''),
};

/** Sorts by Jira's `orderBy` (`name`, `+name`, `-name`); undefined for an unknown field. */
function ordered<T>(
  items: readonly T[],
  orderBy: string | undefined,
  orders: Record<string, (a: T, b: T) => number>,
): T[] | undefined {
  if (orderBy === undefined) return [...items];
  const compare = orders[orderBy.replace(/^[+-]/, '')];
  if (compare === undefined) return undefined;
  const sign = orderBy.startsWith('-') ? -1 : 1;
  return [...items].sort((a, b) => sign * compare(a, b));
}

/**
 * Routes: GET /project/{key}/version(s), GET /project/{key}/component(s), POST /version.
 * @see Jira Cloud REST v3 project versions, project components
 */
export function projectStructureRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock, directory } = deps;
  const app = new Hono<SandboxEnv>();
  const today = (): string => formatJiraDate(clock.now());

  /**
   * `status` (released, unreleased, archived; comma-separated) and `query`
   * (name or description, case-insensitive) filter; `orderBy` sorts.
   * @see Jira Cloud REST v3 GET /rest/api/3/project/{projectIdOrKey}/version
   */
  app.get('/project/:projectIdOrKey/version', (c) => {
    const project = browsable(c);
    if (project === undefined) {
      return jiraError(c, 404, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 50,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const statuses = new Set(listParam(c.req.queries('status')).map((s) => s.toLowerCase()));
    const unknown = [...statuses].find((s) => !['released', 'unreleased', 'archived'].includes(s));
    if (unknown !== undefined) {
      return jiraError(c, 400, [`'${unknown}' is not a valid status for filtering versions.`]);
    }
    const query = c.req.query('query')?.toLowerCase();
    const matching = store.structure.listVersions(project.key).filter((v) => {
      const status = v.archived ? 'archived' : v.released ? 'released' : 'unreleased';
      return (
        (statuses.size === 0 || statuses.has(status)) &&
        (query === undefined ||
          v.name.toLowerCase().includes(query) ||
          (v.description ?? '').toLowerCase().includes(query))
      );
    });
    const sorted = ordered(matching, c.req.query('orderBy'), VERSION_ORDER);
    if (sorted === undefined) {
      return jiraError(c, 400, [`Ordering by '${c.req.query('orderBy') ?? ''}' is not supported.`]);
    }
    const base = c.get('base');
    const day = today();
    return c.json(
      pageJson(
        c,
        page,
        sorted.map((v) => versionJson(base, v, day)),
      ),
    );
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/project/{projectIdOrKey}/versions */
  app.get('/project/:projectIdOrKey/versions', (c) => {
    const project = browsable(c);
    if (project === undefined) {
      return jiraError(c, 404, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const day = today();
    return c.json(
      store.structure.listVersions(project.key).map((v) => versionJson(c.get('base'), v, day)),
    );
  });

  /**
   * `name` and `projectId` (or the deprecated `project` key) are required;
   * dates are `yyyy-mm-dd`. Answers 201 with the Version.
   * @see Jira Cloud REST v3 POST /rest/api/3/version
   */
  app.post('/version', async (c) => {
    const parsed = await parseJsonBody(c, CreateVersionSchema);
    if ('response' in parsed) return parsed.response;
    const input = parsed.data;
    const ref =
      input.projectId !== undefined ? String(input.projectId) : (input.project ?? undefined);
    const project = ref === undefined ? undefined : findProject(ref);
    const user = c.get('user');
    if (project === undefined || !canBrowseProject(user, project.key)) {
      return ref === undefined
        ? jiraError(c, 400, [], { project: VERSION_MESSAGES.noProject })
        : jiraError(c, 404, [projectNotFound(ref)]);
    }
    if (!isJiraAdmin(user) && !hasProjectRole(user, project.key, 'Administrators')) {
      return jiraError(c, 404, [VERSION_MESSAGES.noPermission]);
    }
    const errors: Record<string, string> = {};
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name === '') errors['name'] = VERSION_MESSAGES.noName;
    else if (name.length > 255) errors['name'] = VERSION_MESSAGES.tooLong;
    else if (store.structure.findVersion(project.key, { name }) !== undefined) {
      errors['name'] = VERSION_MESSAGES.duplicate;
    }
    for (const key of ['startDate', 'releaseDate'] as const) {
      const value = input[key];
      if (value !== undefined && !validDate(value)) errors[key] = VERSION_MESSAGES.badDate;
    }
    if (
      errors['startDate'] === undefined &&
      errors['releaseDate'] === undefined &&
      input.startDate !== undefined &&
      input.releaseDate !== undefined &&
      input.startDate > input.releaseDate
    ) {
      errors['startDate'] = VERSION_MESSAGES.startAfterRelease;
    }
    if (Object.keys(errors).length > 0) return jiraError(c, 400, [], errors);
    const version = store.structure.insertVersion({
      projectKey: project.key,
      name,
      description: input.description ?? null,
      startDate: input.startDate ?? null,
      releaseDate: input.releaseDate ?? null,
      released: input.released ?? false,
      archived: input.archived ?? false,
    });
    return c.json(versionJson(c.get('base'), version, today()), 201);
  });

  /**
   * Components with their issue counts; `query` matches name or
   * description; only Jira's own components (`componentSource=jira`).
   * @see Jira Cloud REST v3 GET /rest/api/3/project/{projectIdOrKey}/component
   */
  app.get('/project/:projectIdOrKey/component', (c) => {
    const project = browsable(c);
    if (project === undefined) {
      return jiraError(c, 404, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 50,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const query = c.req.query('query')?.toLowerCase();
    const matching = store.structure
      .listComponents(project.key)
      .filter(
        (comp) =>
          query === undefined ||
          comp.name.toLowerCase().includes(query) ||
          (comp.description ?? '').toLowerCase().includes(query),
      );
    const counts = new Map(
      matching.map((comp) => [comp.id, store.structure.componentIssueCount(comp.id)]),
    );
    const orderBy = c.req.query('orderBy');
    const sorted =
      orderBy?.replace(/^[+-]/, '') === 'issueCount'
        ? ordered(matching, orderBy, {
            issueCount: (a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0),
          })
        : ordered(matching, orderBy, COMPONENT_ORDER);
    if (sorted === undefined) {
      return jiraError(c, 400, [`Ordering by '${orderBy ?? ''}' is not supported.`]);
    }
    const base = c.get('base');
    return c.json(
      pageJson(
        c,
        page,
        sorted.map((comp) =>
          componentJson(
            base,
            comp,
            comp.leadAccountId === null ? undefined : directory.findUser(comp.leadAccountId),
            counts.get(comp.id) ?? 0,
          ),
        ),
      ),
    );
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/project/{projectIdOrKey}/components */
  app.get('/project/:projectIdOrKey/components', (c) => {
    const project = browsable(c);
    if (project === undefined) {
      return jiraError(c, 404, [projectNotFound(c.req.param('projectIdOrKey'))]);
    }
    const base = c.get('base');
    return c.json(
      store.structure
        .listComponents(project.key)
        .map((comp) =>
          componentJson(
            base,
            comp,
            comp.leadAccountId === null ? undefined : directory.findUser(comp.leadAccountId),
          ),
        ),
    );
  });

  return app;
}
