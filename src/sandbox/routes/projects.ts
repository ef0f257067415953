/**
 * Projects: the paged search and a single project. Both show only the
 * projects the caller may browse; any other project does not exist for them.
 */
import { Hono } from 'hono';
import { findProject, type ProjectDef } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { jiraError, projectNotFound } from '../jira-errors.js';
import { browsableProjects, canBrowseProject } from '../permissions.js';
import { projectJson } from '../represent-project.js';
import { listParam, readPage } from './paging.js';

const ORDERINGS: Record<string, (a: ProjectDef, b: ProjectDef) => number> = {
  key: (a, b) => a.key.localeCompare(b.key),
  name: (a, b) => a.name.localeCompare(b.name),
};

/** Routes: GET /project/search, GET /project/{projectIdOrKey}. */
export function projectRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /**
   * `query` matches key or name (case-insensitive substring); `keys` and `id`
   * filter exactly; `maxResults` above 100 is lowered to 100.
   * @see Jira Cloud REST v3 GET /rest/api/3/project/search
   */
  app.get('/project/search', (c) => {
    const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
      maxResults: 50,
      cap: 100,
    });
    if ('error' in page) return jiraError(c, 400, [page.error]);
    const orderBy = c.req.query('orderBy') ?? 'key';
    const descending = orderBy.startsWith('-');
    const ordering = ORDERINGS[orderBy.replace(/^[+-]/, '')];
    if (ordering === undefined)
      return jiraError(c, 400, [`The orderBy value '${orderBy}' is not supported.`]);
    const query = c.req.query('query')?.toLowerCase();
    const keys = new Set(listParam(c.req.queries('keys')).map((key) => key.toUpperCase()));
    const ids = new Set(listParam(c.req.queries('id')));
    const matching = browsableProjects(c.get('user'))
      .filter(
        (project) =>
          (query === undefined ||
            project.key.toLowerCase().includes(query) ||
            project.name.toLowerCase().includes(query)) &&
          (keys.size === 0 || keys.has(project.key)) &&
          (ids.size === 0 || ids.has(project.id)),
      )
      .sort((a, b) => (descending ? -ordering(a, b) : ordering(a, b)));
    const values = matching.slice(page.startAt, page.startAt + page.maxResults);
    const isLast = page.startAt + values.length >= matching.length;
    const base = c.get('base');
    const expand = new Set(listParam(c.req.queries('expand')));
    const issues = expand.has('insight') ? deps.store.listIssues() : [];
    const pageUrl = (startAt: number): string => {
      const url = new URL(`${base}/rest/api/3/project/search`);
      new URL(c.req.url).searchParams.forEach((value, name) => {
        if (name !== 'startAt' && name !== 'maxResults') url.searchParams.append(name, value);
      });
      url.searchParams.set('startAt', String(startAt));
      url.searchParams.set('maxResults', String(page.maxResults));
      return url.toString();
    };
    return c.json({
      self: pageUrl(page.startAt),
      ...(isLast ? {} : { nextPage: pageUrl(page.startAt + page.maxResults) }),
      maxResults: page.maxResults,
      startAt: page.startAt,
      total: matching.length,
      isLast,
      values: values.map((project) =>
        projectJson(base, project, issues, { full: false, expand, directory: deps.directory }),
      ),
    });
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/project/{projectIdOrKey} */
  app.get('/project/:projectIdOrKey', (c) => {
    const idOrKey = c.req.param('projectIdOrKey');
    const project = findProject(idOrKey);
    if (project === undefined || !canBrowseProject(c.get('user'), project.key)) {
      return jiraError(c, 404, [projectNotFound(idOrKey)]);
    }
    const expand = new Set(listParam(c.req.queries('expand')));
    const issues = expand.has('insight') ? deps.store.listIssues() : [];
    return c.json(
      projectJson(c.get('base'), project, issues, {
        full: true,
        expand,
        directory: deps.directory,
      }),
    );
  });

  return app;
}
