/**
 * Enhanced JQL search (`/search/jql`), GET and POST. Paging is by opaque
 * `nextPageToken` and the response has no `total`, as in Jira Cloud.
 * Ordering: the query's ORDER BY, else `created DESC`; ties newest id first.
 * Permissions: only issues the caller may browse exist for the search;
 * naming an invisible project or issue in JQL is the same error as naming
 * an unknown one ("The value 'OPS' does not exist for the field 'project'."),
 * and `comment ~` only searches comments the caller may see.
 * Page size: `maxResults` defaults to 50 and is capped at 5000 when only
 * ids are requested, 100 otherwise (Jira "may return fewer items per page
 * where a large number of fields … are requested").
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { fieldNames, fieldSchemas, selectFields } from '../issue-fields.js';
import { jiraError, parseJsonBody } from '../jira-errors.js';
import { compileJql, type CompiledJql } from '../jql/evaluate.js';
import { JqlError } from '../jql/errors.js';
import { toJqlIssue, type JqlContext, type JqlIssue } from '../jql/fields.js';
import { parseJql } from '../jql/parser.js';
import { browsableProjects, canBrowseProject, canSeeComment } from '../permissions.js';
import { issueBeanJson } from '../represent-issue.js';
import type { CommentRecord } from '../store.js';
import { visibleSprints } from './agile-issues.js';
import { actingContext } from './issue-route.js';
import { listParam } from './paging.js';

const UNBOUNDED =
  'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
const BAD_TOKEN = 'The provided next page token is invalid or expired.';

const SearchBodySchema = z.strictObject({
  jql: z.string().optional(),
  nextPageToken: z.string().optional(),
  maxResults: z.number().int().optional(),
  fields: z.array(z.string()).optional(),
  expand: z.string().optional(),
  properties: z.array(z.string()).optional(),
  fieldsByKeys: z.boolean().optional(),
  failFast: z.boolean().optional(),
  reconcileIssues: z.array(z.number().int()).optional(),
});

interface SearchInput {
  jql: string | undefined;
  nextPageToken: string | undefined;
  maxResults: number;
  fields: string[] | undefined;
  expand: string[];
}

/** Routes: GET and POST /search/jql. */
export function searchRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/search/jql */
  app.get('/search/jql', (c) => {
    const rawMax = c.req.query('maxResults');
    const maxResults = rawMax === undefined ? 50 : Number(rawMax);
    if (!Number.isInteger(maxResults)) {
      return jiraError(c, 400, [
        `The value '${rawMax ?? ''}' of 'maxResults' is not a valid integer.`,
      ]);
    }
    return search(c, deps, {
      jql: c.req.query('jql'),
      nextPageToken: c.req.query('nextPageToken'),
      maxResults,
      fields: c.req.queries('fields'),
      expand: listParam(c.req.queries('expand')),
    });
  });

  /** @see Jira Cloud REST v3 POST /rest/api/3/search/jql */
  app.post('/search/jql', async (c) => {
    const parsed = await parseJsonBody(c, SearchBodySchema);
    if ('response' in parsed) return parsed.response;
    return search(c, deps, {
      jql: parsed.data.jql,
      nextPageToken: parsed.data.nextPageToken,
      maxResults: parsed.data.maxResults ?? 50,
      fields: parsed.data.fields,
      expand: listParam(parsed.data.expand === undefined ? undefined : [parsed.data.expand]),
    });
  });

  return app;
}

function search(c: Context<SandboxEnv>, deps: SandboxDeps, input: SearchInput): Response {
  const jql = input.jql ?? '';
  if (jql.trim() === '') return jiraError(c, 400, [UNBOUNDED]);
  const offset = input.nextPageToken === undefined ? 0 : readToken(input.nextPageToken, jql);
  if (offset === undefined) return jiraError(c, 400, [BAD_TOKEN]);

  const { store, clock } = deps;
  const me = c.get('user');
  const canSee = (projectKey: string): boolean => canBrowseProject(me, projectKey);
  const compiled = compile(jql, {
    now: clock.now(),
    currentAccountId: me.accountId,
    findIssue: (keyOrId) => {
      const issue = store.getIssue(keyOrId);
      return issue !== undefined && canSee(issue.projectKey) ? issue : undefined;
    },
    projects: browsableProjects(me),
    // Jira Software's sprints (AG), on boards the searcher may see.
    sprints: visibleSprints(store, me),
    users: deps.directory.users,
  });
  if (compiled instanceof JqlError) return jiraError(c, 400, compiled.messages);
  if (!compiled.bounded) return jiraError(c, 400, [UNBOUNDED]);

  const records = store.listIssues().filter((record) => canSee(record.projectKey));
  const byId = new Map(records.map((record) => [record.id, record]));

  const comments = new Map<number, CommentRecord[]>();
  for (const comment of store.listAllComments()) {
    const issue = byId.get(comment.issueId);
    if (issue === undefined || !canSeeComment(me, issue.projectKey, comment.visibility)) continue;
    comments.set(comment.issueId, [...(comments.get(comment.issueId) ?? []), comment]);
  }
  const sprintIds = store.agile.sprintIdsByIssue();
  const candidates: JqlIssue[] = records.map((record) =>
    toJqlIssue(
      record,
      record.parentId === null ? undefined : byId.get(record.parentId),
      comments.get(record.id) ?? [],
      sprintIds.get(record.id) ?? [],
    ),
  );
  const matching = candidates.filter(compiled.matches).sort(compiled.compare);

  const selection = selectFields(input.fields, 'id');
  const cap = selection.idOnly ? 5000 : 100;
  const pageSize = Math.min(Math.max(input.maxResults, 1), cap);
  const page = matching.slice(offset, offset + pageSize);
  const isLast = offset + page.length >= matching.length;
  const expand = new Set(input.expand);
  const ctx = actingContext(c, deps);
  const issues = page.map(({ record }) =>
    selection.idOnly
      ? { id: String(record.id) }
      : issueBeanJson(ctx, record, { fields: selection.fields, expand: withoutTopLevel(expand) }),
  );
  return c.json({
    issues,
    ...(isLast ? {} : { nextPageToken: writeToken(offset + page.length, jql) }),
    isLast,
    ...(expand.has('names') ? { names: fieldNames(selection.fields) } : {}),
    ...(expand.has('schema') ? { schema: fieldSchemas(selection.fields) } : {}),
  });
}

function compile(jql: string, ctx: JqlContext): CompiledJql | JqlError {
  try {
    return compileJql(parseJql(jql), ctx);
  } catch (error) {
    if (error instanceof JqlError) return error;
    throw error;
  }
}

// Search reports names and schema once for the page, not per issue.
function withoutTopLevel(expand: ReadonlySet<string>): Set<string> {
  return new Set([...expand].filter((item) => item !== 'names' && item !== 'schema'));
}

const TokenSchema = z.object({ o: z.number().int().nonnegative(), q: z.string() });

function fingerprint(jql: string): string {
  return createHash('sha256').update(jql).digest('base64url').slice(0, 16);
}

// The token binds the offset to the query, so a token replayed with another
// query is refused instead of silently skipping results.
function writeToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint(jql) })).toString('base64url');
}

function readToken(token: string, jql: string): number | undefined {
  try {
    const parsed = TokenSchema.safeParse(
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')),
    );
    return parsed.success && parsed.data.q === fingerprint(jql) ? parsed.data.o : undefined;
  } catch {
    return undefined;
  }
}
