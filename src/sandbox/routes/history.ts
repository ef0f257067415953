/** Issue history: GET /issue/{issueIdOrKey}/changelog. */
import { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { jiraError } from '../jira-errors.js';
import { changelogJson } from '../represent-history.js';
import { actingContext, withIssue } from './issue-route.js';
import { readPage } from './paging.js';

/**
 * Routes: GET /issue/{issueIdOrKey}/changelog, oldest first, 100 per page
 * by default and at most.
 * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/changelog
 */
export function historyRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store } = deps;
  const app = new Hono<SandboxEnv>();
  app.get(
    '/issue/:issueIdOrKey/changelog',
    withIssue(store, (c, issue) => {
      const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
        maxResults: 100,
        cap: 100,
      });
      if ('error' in page) return jiraError(c, 400, [page.error]);
      const entries = store.history.listChanges(issue.id);
      const end = page.startAt + page.maxResults;
      const self = `${c.get('base')}/rest/api/3/issue/${issue.id}/changelog`;
      const isLast = end >= entries.length;
      return c.json({
        self: `${self}?startAt=${page.startAt}&maxResults=${page.maxResults}`,
        ...(isLast ? {} : { nextPage: `${self}?startAt=${end}&maxResults=${page.maxResults}` }),
        maxResults: page.maxResults,
        startAt: page.startAt,
        total: entries.length,
        isLast,
        values: entries
          .slice(page.startAt, end)
          .map((e) => changelogJson(actingContext(c, deps), e)),
      });
    }),
  );
  return app;
}
