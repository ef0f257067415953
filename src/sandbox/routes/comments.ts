/**
 * Comments on an issue: the paged list and adding one. The list leaves out
 * comments restricted to a role or group the caller is not in, and its
 * `total` counts only what the caller may see, as Jira's does.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { adfToHtml } from '../adf-html.js';
import { NOT_ADF_MESSAGE, parseAdfDoc } from '../adf.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { COMMENT_LEVEL, resolveVisibility } from '../comment-visibility.js';
import { badBody, INVALID_JSON, INVALID_PAYLOAD, jiraError, readJson } from '../jira-errors.js';
import { commentJson, visibleComments } from '../represent-activity.js';
import { actingContext, withIssue } from './issue-route.js';
import { listParam, readPage } from './paging.js';

const CommentBodySchema = z.looseObject({
  body: z.unknown().optional(),
  visibility: z.unknown().optional(),
});

/** Routes: GET and POST /issue/{issueIdOrKey}/comment. */
export function commentRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /**
   * Oldest first; `orderBy=-created` for newest first; `expand=renderedBody` adds HTML.
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/comment
   */
  app.get(
    '/issue/:issueIdOrKey/comment',
    withIssue(store, (c, issue) => {
      const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
        maxResults: 100,
        cap: 5000,
      });
      if ('error' in page) return jiraError(c, 400, [page.error]);
      const orderBy = c.req.query('orderBy');
      if (orderBy !== undefined && !['created', '+created', '-created'].includes(orderBy)) {
        return jiraError(c, 400, [
          `The value '${orderBy}' of 'orderBy' is not supported; use 'created'.`,
        ]);
      }
      const ctx = actingContext(c, deps);
      const comments = visibleComments(store, ctx.viewer, issue);
      if (orderBy === '-created') comments.reverse();
      const rendered = listParam(c.req.queries('expand')).includes('renderedBody');
      return c.json({
        startAt: page.startAt,
        maxResults: page.maxResults,
        total: comments.length,
        comments: comments.slice(page.startAt, page.startAt + page.maxResults).map((comment) => ({
          ...commentJson(ctx, comment),
          ...(rendered ? { renderedBody: adfToHtml(comment.body) } : {}),
        })),
      });
    }),
  );

  /**
   * Adds a comment by the caller. A `visibility` restricts it to a project
   * role or group the caller belongs to; otherwise Jira answers 400.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/comment
   */
  app.post(
    '/issue/:issueIdOrKey/comment',
    withIssue(store, async (c, issue) => {
      const raw = await readJson(c);
      if (raw === undefined || raw === INVALID_JSON) return badBody(c, raw);
      const parsed = CommentBodySchema.safeParse(raw);
      const value = parsed.success ? parsed.data.body : undefined;
      if (value === undefined || value === null) {
        return jiraError(c, 400, [], { comment: 'Comment body can not be empty!' });
      }
      const body = parseAdfDoc(value);
      if (body === undefined) return jiraError(c, 400, [], { comment: NOT_ADF_MESSAGE });
      const ctx = actingContext(c, deps);
      const resolved = resolveVisibility(
        deps.directory,
        ctx.viewer,
        issue.projectKey,
        parsed.data?.visibility,
      );
      if ('invalid' in resolved) return jiraError(c, 400, [INVALID_PAYLOAD]);
      if ('error' in resolved) return jiraError(c, 400, [], { [COMMENT_LEVEL]: resolved.error });
      const now = clock.now();
      const comment = store.transaction(() => {
        store.updateIssue(issue.id, { updated: now });
        return store.insertComment({
          issueId: issue.id,
          authorId: ctx.viewer.accountId,
          body,
          visibility: resolved.visibility,
          created: now,
          updated: now,
        });
      });
      return c.json(commentJson(ctx, comment), 201);
    }),
  );

  return app;
}
