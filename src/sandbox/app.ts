/**
 * The sandbox's HTTP app: a Jira Cloud REST v3 subset under /rest/api/3.
 * Order of the pipeline, outermost first: request log, faults, base URL,
 * Basic auth (every /rest request), routes. With `atlassian`, the same
 * Jira routes also answer under `/ex/jira/{cloudId}/rest/api/3` to Bearer
 * tokens, next to Atlassian's OAuth endpoints (see atlassian/index.ts).
 */
import { Hono } from 'hono';
import type { AtlassianEmulator } from './atlassian/index.js';
import { basicAuthMiddleware } from './auth.js';
import type { SandboxDeps, SandboxEnv } from './context.js';
import { faultMiddleware, type FaultInjector, type Sleep } from './faults.js';
import { jiraError } from './jira-errors.js';
import { requestLogMiddleware, type RecordedRequest } from './request-log.js';
import { commentRoutes } from './routes/comments.js';
import { createMetaRoutes } from './routes/createmeta.js';
import { issueRoutes } from './routes/issues.js';
import { linkRoutes } from './routes/links.js';
import { myPermissionsRoutes } from './routes/my-permissions.js';
import { projectRoutes } from './routes/projects.js';
import { searchRoutes } from './routes/search.js';
import { transitionRoutes } from './routes/transitions.js';
import { userRoutes } from './routes/users.js';
import { worklogRoutes } from './routes/worklogs.js';

export interface SandboxAppOptions {
  /** Includes the directory whose (live) account list Basic auth checks. */
  deps: SandboxDeps;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** The newest records `requests` keeps (default `REQUEST_LOG_LIMIT`). */
  requestLogLimit?: number;
  sleep: Sleep;
  /** The sandbox playing Atlassian (3LO server and API gateway); absent: not mounted. */
  atlassian?: AtlassianEmulator;
  /** Origin for `self` links; the request's own origin when absent. */
  baseUrl?: string;
}

/**
 * Builds the sandbox app.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/
 */
export function createSandboxApp(options: SandboxAppOptions): Hono<SandboxEnv> {
  const { deps } = options;
  const app = new Hono<SandboxEnv>();
  const baseUrl = options.baseUrl?.replace(/\/+$/, '');

  app.use('*', requestLogMiddleware(options.requests, options.requestLogLimit));
  app.use('*', faultMiddleware(options.faults, deps.clock, options.sleep));
  app.use('*', async (c, next) => {
    c.set('base', baseUrl ?? new URL(c.req.url).origin);
    await next();
  });
  app.use('/rest/*', basicAuthMiddleware(deps.directory.users));
  // 3LO tokens work only through the gateway prefix, as on Atlassian (never at /rest).
  if (options.atlassian !== undefined) app.use('/ex/jira/*', options.atlassian.gateway());

  const api = new Hono<SandboxEnv>();
  api.route('/', userRoutes(deps));
  api.route('/', myPermissionsRoutes(deps));
  api.route('/', projectRoutes(deps));
  api.route('/', searchRoutes(deps));
  api.route('/', createMetaRoutes());
  api.route('/', commentRoutes(deps));
  api.route('/', transitionRoutes(deps));
  api.route('/', worklogRoutes(deps));
  api.route('/', issueRoutes(deps));
  api.route('/', linkRoutes(deps));
  app.route('/rest/api/3', api);
  if (options.atlassian !== undefined) {
    app.route('/ex/jira/:cloudId/rest/api/3', api);
    app.route('/', options.atlassian.routes());
  }

  app.notFound((c) => jiraError(c, 404, [`No resource matches ${c.req.method} ${c.req.path}.`]));
  app.onError((error, c) => {
    // Unexpected failures only: answer generically, keep details in the log.
    console.error('sandbox: unhandled error', error);
    return jiraError(c, 500, ['Internal server error.']);
  });
  return app;
}
