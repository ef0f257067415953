/**
 * People and links around an issue: watchers (GET/POST/DELETE
 * …/watchers), remote (web) links (GET/POST …/remotelink), and single
 * issue links (GET/DELETE /issueLink/{linkId}).
 *
 * Permissions, as the sandbox's scheme grants them: any project role may
 * watch, see watchers and link; adding or removing someone other than
 * yourself takes Manage Watchers (Administrators role, or Administer Jira).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ChangeItem } from '../changelog.js';
import { findLinkType } from '../catalog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import type { SandboxUser } from '../directory.js';
import {
  badBody,
  INVALID_JSON,
  INVALID_PAYLOAD,
  jiraError,
  parseJsonBody,
  readJson,
} from '../jira-errors.js';
import { canBrowseProject, hasProjectRole, isJiraAdmin } from '../permissions.js';
import { linkTypeJson } from '../represent-common.js';
import { issueKey, linkedIssueJson } from '../represent-issue.js';
import { remoteLinkJson, watchersJson } from '../represent-structure.js';
import type { IssueRecord } from '../store.js';
import { actingContext, withIssue } from './issue-route.js';

/** Jira's wording for the watcher and link errors the sandbox answers. */
export const COLLABORATION_MESSAGES = {
  noManageWatchers: 'You do not have permission to manage the watcher list.',
  noAccountId: 'accountId must be provided.',
  unknownUser: (accountId: string) => `The user with account ID '${accountId}' does not exist.`,
  watcherCannotSee: (accountId: string) =>
    `The user '${accountId}' does not have permission to view this issue. This user will not be added to the watch list.`,
  linkIdInvalid: (id: string) => `The issue link ID '${id}' is invalid.`,
  linkNotFound: (id: string) => `No issue link with id '${id}' exists.`,
  objectRequired: "'object' is required.",
  titleRequired: "'title' is required.",
  urlRequired: "'url' is required.",
} as const;

const IconSchema = z.object({
  url16x16: z.string().optional(),
  title: z.string().optional(),
  link: z.string().optional(),
});

const RemoteObjectSchema = z.looseObject({
  url: z.unknown().optional(),
  title: z.unknown().optional(),
  summary: z.string().optional(),
  icon: IconSchema.optional(),
  status: z.object({ resolved: z.boolean().optional(), icon: IconSchema.optional() }).optional(),
});

const RemoteLinkBodySchema = z.looseObject({
  globalId: z.string().max(255).optional(),
  relationship: z.string().optional(),
  application: z.object({ type: z.string().optional(), name: z.string().optional() }).optional(),
  object: RemoteObjectSchema.optional(),
});

/** Manage Watchers in the issue's project. */
function canManageWatchers(user: SandboxUser, projectKey: string): boolean {
  return isJiraAdmin(user) || hasProjectRole(user, projectKey, 'Administrators');
}

/**
 * The history items Jira writes on one side of a deleted link:
 * "This issue blocks DEMO-2" becomes nothing.
 * @see Jira Cloud REST v3 `ChangeDetails` (field "Link")
 */
function unlinkItem(phrase: string, other: IssueRecord): ChangeItem {
  const key = issueKey(other);
  return {
    field: 'Link',
    fieldtype: 'jira',
    from: key,
    fromString: `This issue ${phrase} ${key}`,
    to: null,
    toString: null,
  };
}

/**
 * Routes for watchers, remote links and single issue links.
 * @see Jira Cloud REST v3 issue watchers, issue remote links, issue links
 */
export function collaborationRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock, directory } = deps;
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/watchers */
  app.get(
    '/issue/:issueIdOrKey/watchers',
    withIssue(store, (c, issue) =>
      c.json(
        watchersJson(
          actingContext(c, deps),
          issue,
          store.collaboration.listWatchers(issue.id),
          c.get('user'),
        ),
      ),
    ),
  );

  /** The watcher a request names (or the caller), or the response refusing it. */
  const watcherFor = (
    c: Context<SandboxEnv>,
    issue: IssueRecord,
    accountId: string,
  ): { user: SandboxUser } | { response: Response } => {
    const me = c.get('user');
    if (accountId !== me.accountId && !canManageWatchers(me, issue.projectKey)) {
      return { response: jiraError(c, 403, [COLLABORATION_MESSAGES.noManageWatchers]) };
    }
    const user = directory.findUser(accountId);
    if (user === undefined) {
      return { response: jiraError(c, 404, [COLLABORATION_MESSAGES.unknownUser(accountId)]) };
    }
    return { user };
  };

  /**
   * The body is the account id as a JSON string; no body adds the caller.
   * Answers 204.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/watchers
   */
  app.post(
    '/issue/:issueIdOrKey/watchers',
    withIssue(store, async (c, issue) => {
      const body = await readJson(c);
      if (body === INVALID_JSON) return badBody(c, body);
      if (body !== undefined && typeof body !== 'string') {
        return jiraError(c, 400, [INVALID_PAYLOAD]);
      }
      const found = watcherFor(c, issue, body ?? c.get('user').accountId);
      if ('response' in found) return found.response;
      if (!canBrowseProject(found.user, issue.projectKey)) {
        return jiraError(c, 400, [COLLABORATION_MESSAGES.watcherCannotSee(found.user.accountId)]);
      }
      store.collaboration.addWatcher(issue.id, found.user.accountId);
      return c.body(null, 204);
    }),
  );

  /**
   * `accountId` (query) is required; removing someone who does not watch
   * is not an error. Answers 204.
   * @see Jira Cloud REST v3 DELETE /rest/api/3/issue/{issueIdOrKey}/watchers
   */
  app.delete(
    '/issue/:issueIdOrKey/watchers',
    withIssue(store, (c, issue) => {
      const accountId = c.req.query('accountId');
      if (accountId === undefined || accountId === '') {
        return jiraError(c, 400, [COLLABORATION_MESSAGES.noAccountId]);
      }
      const found = watcherFor(c, issue, accountId);
      if ('response' in found) return found.response;
      store.collaboration.removeWatcher(issue.id, accountId);
      return c.body(null, 204);
    }),
  );

  /**
   * All of an issue's remote links, or with `globalId` the one link (404 if none).
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/remotelink
   */
  app.get(
    '/issue/:issueIdOrKey/remotelink',
    withIssue(store, (c, issue) => {
      const links = store.collaboration.listRemoteLinks(issue.id);
      const key = issueKey(issue);
      const globalId = c.req.query('globalId');
      if (globalId === undefined) {
        return c.json(links.map((link) => remoteLinkJson(c.get('base'), key, link)));
      }
      const link = links.find((l) => l.globalId === globalId);
      if (link === undefined) {
        return jiraError(c, 404, [`No remote link with global id '${globalId}' exists.`]);
      }
      return c.json(remoteLinkJson(c.get('base'), key, link));
    }),
  );

  /**
   * Creates a remote link (201), or with a `globalId` already on the issue
   * replaces that link (200). `object.url` and `object.title` are required.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/remotelink
   */
  app.post(
    '/issue/:issueIdOrKey/remotelink',
    withIssue(store, async (c, issue) => {
      const parsed = await parseJsonBody(c, RemoteLinkBodySchema);
      if ('response' in parsed) return parsed.response;
      const { globalId, relationship, application, object } = parsed.data;
      if (object === undefined) {
        return jiraError(c, 400, [], { object: COLLABORATION_MESSAGES.objectRequired });
      }
      const errors: Record<string, string> = {};
      if (typeof object.title !== 'string' || object.title.trim() === '') {
        errors['title'] = COLLABORATION_MESSAGES.titleRequired;
      }
      if (typeof object.url !== 'string' || object.url.trim() === '') {
        errors['url'] = COLLABORATION_MESSAGES.urlRequired;
      }
      if (Object.keys(errors).length > 0) return jiraError(c, 400, [], errors);
      const { url, title, summary, icon, status } = object;
      const now = clock.now();
      const result = store.transaction(() => {
        const saved = store.collaboration.upsertRemoteLink({
          issueId: issue.id,
          globalId: globalId ?? null,
          relationship: relationship ?? null,
          object: {
            url,
            title,
            ...(summary === undefined ? {} : { summary }),
            ...(icon === undefined ? {} : { icon }),
            ...(status === undefined ? {} : { status }),
          },
          application: application ?? null,
          created: now,
        });
        if (saved.created) {
          store.recordChange(
            issue.id,
            c.get('user').accountId,
            [
              {
                field: 'RemoteIssueLink',
                fieldtype: 'jira',
                from: null,
                fromString: null,
                to: String(saved.link.id),
                toString: `This issue links to "${String(title)}"`,
              },
            ],
            now,
          );
        }
        store.updateIssue(issue.id, { updated: now });
        return saved;
      });
      return c.json(
        {
          id: result.link.id,
          self: `${c.get('base')}/rest/api/issue/${issueKey(issue)}/remotelink/${result.link.id}`,
        },
        result.created ? 201 : 200,
      );
    }),
  );

  /** The link in the path when both of its issues are visible to the caller. */
  const visibleLink = (
    c: Context<SandboxEnv>,
  ):
    | { link: { id: number; typeId: string }; from: IssueRecord; to: IssueRecord }
    | { response: Response } => {
    const raw = c.req.param('linkId') ?? '';
    if (!/^\d+$/.test(raw)) {
      return { response: jiraError(c, 400, [COLLABORATION_MESSAGES.linkIdInvalid(raw)]) };
    }
    const link = store.collaboration.getLink(Number(raw));
    const from = link === undefined ? undefined : store.getIssueById(link.sourceIssueId);
    const to = link === undefined ? undefined : store.getIssueById(link.destinationIssueId);
    const user = c.get('user');
    if (
      link === undefined ||
      from === undefined ||
      to === undefined ||
      !canBrowseProject(user, from.projectKey) ||
      !canBrowseProject(user, to.projectKey)
    ) {
      return { response: jiraError(c, 404, [COLLABORATION_MESSAGES.linkNotFound(raw)]) };
    }
    return { link, from, to };
  };

  /**
   * `outwardIssue` is the "from" issue ("DEMO-4 blocks DEMO-5": DEMO-4).
   * @see Jira Cloud REST v3 GET /rest/api/3/issueLink/{linkId}
   */
  app.get('/issueLink/:linkId', (c) => {
    const found = visibleLink(c);
    if ('response' in found) return found.response;
    const base = c.get('base');
    const type = findLinkType({ id: found.link.typeId });
    return c.json({
      id: String(found.link.id),
      self: `${base}/rest/api/3/issueLink/${found.link.id}`,
      ...(type === undefined ? {} : { type: linkTypeJson(base, type) }),
      inwardIssue: linkedIssueJson(base, found.to),
      outwardIssue: linkedIssueJson(base, found.from),
    });
  });

  /**
   * Deletes the link and writes the "Link" history item on both issues.
   * Answers 204.
   * @see Jira Cloud REST v3 DELETE /rest/api/3/issueLink/{linkId}
   */
  app.delete('/issueLink/:linkId', (c) => {
    const found = visibleLink(c);
    if ('response' in found) return found.response;
    const { link, from, to } = found;
    const type = findLinkType({ id: link.typeId });
    const now = clock.now();
    const me = c.get('user').accountId;
    store.transaction(() => {
      store.collaboration.deleteLink(link.id);
      store.updateIssue(from.id, { updated: now });
      store.updateIssue(to.id, { updated: now });
      if (type !== undefined) {
        store.recordChange(from.id, me, [unlinkItem(type.outward, to)], now);
        store.recordChange(to.id, me, [unlinkItem(type.inward, from)], now);
      }
    });
    return c.body(null, 204);
  });

  return app;
}
