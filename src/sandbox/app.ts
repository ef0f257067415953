/**
 * The sandbox's HTTP app: a Jira Cloud REST v3 subset under /rest/api/3
 * and Jira Software's agile API under /rest/agile/1.0.
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
import { agileBoardRoutes } from './routes/agile-boards.js';
import { agileSprintRoutes } from './routes/agile-sprints.js';
import { attachmentRoutes, mediaRoutes } from './routes/attachments.js';
import { collaborationRoutes } from './routes/collaboration.js';
import { commentRoutes } from './routes/comments.js';
import { createMetaRoutes } from './routes/createmeta.js';
import { fieldRoutes } from './routes/fields.js';
import { historyRoutes } from './routes/history.js';
import { issueRoutes } from './routes/issues.js';
import { linkRoutes } from './routes/links.js';
import { myPermissionsRoutes } from './routes/my-permissions.js';
import { projectStructureRoutes } from './routes/project-structure.js';
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
  /** Origin of the media host attachment downloads redirect to (303); the site's own when absent. */
  mediaBaseUrl?: string;
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
  api.route('/', fieldRoutes(deps));
  api.route('/', commentRoutes(deps));
  api.route('/', transitionRoutes(deps));
  api.route('/', worklogRoutes(deps));
  api.route('/', issueRoutes(deps));
  api.route('/', linkRoutes(deps));
  // Attachments with their bytes, issue history (AT).
  api.route(
    '/',
    attachmentRoutes(
      deps,
      options.mediaBaseUrl === undefined ? {} : { mediaBaseUrl: options.mediaBaseUrl },
    ),
  );
  api.route('/', historyRoutes(deps));
  // Versions, components, watchers, remote links, single issue links (SP).
  api.route('/', projectStructureRoutes(deps));
  api.route('/', collaborationRoutes(deps));
  app.route('/rest/api/3', api);
  // The media host of attachment downloads: outside /rest, no Jira credential.
  app.route('/', mediaRoutes(deps));
  // Jira Software's agile API (AG): boards, sprints, backlog.
  const agile = new Hono<SandboxEnv>();
  agile.route('/', agileBoardRoutes(deps));
  agile.route('/', agileSprintRoutes(deps));
  app.route('/rest/agile/1.0', agile);
  if (options.atlassian !== undefined) {
    app.route('/ex/jira/:cloudId/rest/api/3', api);
    app.route('/ex/jira/:cloudId/rest/agile/1.0', agile);
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
