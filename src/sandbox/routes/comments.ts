/** Comments on an issue: the paged list and adding one. */
import { Hono } from 'hono';
import { z } from 'zod';
import { adfToHtml } from '../adf-html.js';
import { NOT_ADF_MESSAGE, parseAdfDoc } from '../adf.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { badBody, INVALID_JSON, jiraError, readJson } from '../jira-errors.js';
import { commentJson } from '../represent-issue.js';
import { withIssue } from './issue-route.js';
import { listParam, readPage } from './paging.js';

const CommentBodySchema = z.looseObject({ body: z.unknown().optional() });

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
      const comments = store.listComments(issue.id);
      if (orderBy === '-created') comments.reverse();
      const rendered = listParam(c.req.queries('expand')).includes('renderedBody');
      const base = c.get('base');
      return c.json({
        startAt: page.startAt,
        maxResults: page.maxResults,
        total: comments.length,
        comments: comments.slice(page.startAt, page.startAt + page.maxResults).map((comment) => ({
          ...commentJson(base, comment),
          ...(rendered ? { renderedBody: adfToHtml(comment.body) } : {}),
        })),
      });
    }),
  );

  /** @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/comment */
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
      const now = clock.now();
      const comment = store.transaction(() => {
        store.updateIssue(issue.id, { updated: now });
        return store.insertComment({
          issueId: issue.id,
          authorId: c.get('user').accountId,
          body,
          created: now,
          updated: now,
        });
      });
      return c.json(commentJson(c.get('base'), comment), 201);
    }),
  );

  return app;
}
