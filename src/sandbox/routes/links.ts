/** Issue links and link types. */
import { Hono } from 'hono';
import { z } from 'zod';
import { NOT_ADF_MESSAGE, parseAdfDoc } from '../adf.js';
import { findLinkType, LINK_TYPES } from '../catalog.js';
import { linkChangeItems } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { COMMENT_LEVEL, resolveVisibility } from '../comment-visibility.js';
import { INVALID_PAYLOAD, ISSUE_NOT_FOUND, jiraError, parseJsonBody } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import { linkTypeJson } from '../represent-common.js';

const IssueRefSchema = z.looseObject({ id: z.string().optional(), key: z.string().optional() });

const LinkBodySchema = z.looseObject({
  type: z.looseObject({ id: z.string().optional(), name: z.string().optional() }),
  inwardIssue: IssueRefSchema,
  outwardIssue: IssueRefSchema,
  comment: z.looseObject({ body: z.unknown(), visibility: z.unknown().optional() }).optional(),
});

/** Routes: POST /issueLink, GET /issueLinkType. */
export function linkRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /**
   * Links two issues. The `outwardIssue` is the "from" issue, which the
   * link type's outward phrase describes: with type Blocks, outwardIssue
   * blocks inwardIssue. A duplicate link is not created twice. An optional
   * comment goes on the outward issue, restricted by its `visibility` if
   * given. Either issue missing or not visible to the caller: Jira's 404.
   * Answers 201 with no body.
   * @see Jira Cloud REST v3 POST /rest/api/3/issueLink
   */
  app.post('/issueLink', async (c) => {
    const parsed = await parseJsonBody(c, LinkBodySchema);
    if ('response' in parsed) return parsed.response;
    const { type: typeRef, inwardIssue, outwardIssue, comment } = parsed.data;
    const type = findLinkType(
      typeRef.id === undefined ? { name: typeRef.name ?? '' } : { id: typeRef.id },
    );
    if (type === undefined) {
      const message =
        typeRef.id === undefined
          ? `No issue link type with name '${typeRef.name ?? ''}' found.`
          : `No issue link type with id '${typeRef.id}' found.`;
      return jiraError(c, 404, [message]);
    }
    const user = c.get('user');
    const visible = (ref: z.infer<typeof IssueRefSchema>): ReturnType<typeof store.getIssue> => {
      const issue = store.getIssue(ref.key ?? ref.id ?? '');
      return issue !== undefined && canBrowseProject(user, issue.projectKey) ? issue : undefined;
    };
    const from = visible(outwardIssue);
    const to = visible(inwardIssue);
    if (from === undefined || to === undefined) return jiraError(c, 404, [ISSUE_NOT_FOUND]);
    if (from.id === to.id) return jiraError(c, 400, ['You cannot link an issue to itself.']);
    const body = comment === undefined ? null : parseAdfDoc(comment.body);
    if (body === undefined) return jiraError(c, 400, [], { comment: NOT_ADF_MESSAGE });
    const resolved = resolveVisibility(deps.directory, user, from.projectKey, comment?.visibility);
    if ('invalid' in resolved) return jiraError(c, 400, [INVALID_PAYLOAD]);
    if ('error' in resolved) return jiraError(c, 400, [], { [COMMENT_LEVEL]: resolved.error });
    const now = clock.now();
    store.transaction(() => {
      const existed = store
        .listLinks(from.id)
        .some(
          (l) =>
            l.typeId === type.id && l.sourceIssueId === from.id && l.destinationIssueId === to.id,
        );
      store.insertLink({ typeId: type.id, sourceIssueId: from.id, destinationIssueId: to.id });
      store.updateIssue(from.id, { updated: now });
      store.updateIssue(to.id, { updated: now });
      // An identical link already there is returned as is: no new history.
      if (!existed) {
        const items = linkChangeItems(type, from, to);
        store.recordChange(from.id, user.accountId, [items.source], now);
        store.recordChange(to.id, user.accountId, [items.destination], now);
      }
      if (body !== null) {
        store.insertComment({
          issueId: from.id,
          authorId: user.accountId,
          body,
          visibility: resolved.visibility,
          created: now,
          updated: now,
        });
      }
    });
    return c.body(null, 201);
  });

  /** @see Jira Cloud REST v3 GET /rest/api/3/issueLinkType */
  app.get('/issueLinkType', (c) =>
    c.json({ issueLinkTypes: LINK_TYPES.map((type) => linkTypeJson(c.get('base'), type)) }),
  );

  return app;
}
