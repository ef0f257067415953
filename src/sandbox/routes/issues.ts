/** Issues: read, create, edit, assign. */
import { Hono } from 'hono';
import { z } from 'zod';
import { DEFAULT_PRIORITY_ID, STATUS_TODO } from '../catalog.js';
import { issueChangeItems, updateIssueRecorded } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { customFieldChangeItems } from '../custom-fields.js';
import { IssueUpdateSchema, planCreate, planEdit } from '../issue-input.js';
import { selectFields } from '../issue-fields.js';
import { badBody, INVALID_JSON, jiraError, parseJsonBody, readJson } from '../jira-errors.js';
import { canBrowseProject } from '../permissions.js';
import { issueBeanJson, issueKey } from '../represent-issue.js';
import { actingContext, withIssue } from './issue-route.js';
import { listParam } from './paging.js';

const AssigneeSchema = z.looseObject({ accountId: z.string().nullable() });

/** Routes: GET/PUT /issue/{issueIdOrKey}, POST /issue, PUT /issue/{issueIdOrKey}/assignee. */
export function issueRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /**
   * All fields by default; `fields` narrows, `expand` adds renderedFields,
   * names, schema, transitions.
   * @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}
   */
  app.get(
    '/issue/:issueIdOrKey',
    withIssue(store, (c, issue) => {
      const { fields } = selectFields(c.req.queries('fields'), '*all');
      const expand = new Set(listParam(c.req.queries('expand')));
      return c.json(issueBeanJson(actingContext(c, deps), issue, { fields, expand }));
    }),
  );

  /** @see Jira Cloud REST v3 POST /rest/api/3/issue */
  app.post('/issue', async (c) => {
    const parsed = await parseJsonBody(c, IssueUpdateSchema);
    if ('response' in parsed) return parsed.response;
    const plan = planCreate(parsed.data, actingContext(c, deps));
    if ('errors' in plan) return jiraError(c, 400, [], plan.errors);
    const now = clock.now();
    const me = c.get('user').accountId;
    const { patch } = plan;
    const issue = store.transaction(() => {
      const inserted = store.insertIssue({
        projectKey: plan.projectKey,
        issueTypeId: plan.issueTypeId,
        statusId: STATUS_TODO.id,
        priorityId: patch.priorityId ?? DEFAULT_PRIORITY_ID,
        summary: patch.summary ?? '',
        description: patch.description ?? null,
        assigneeId: patch.assigneeId ?? null,
        reporterId: patch.reporterId === undefined ? me : patch.reporterId,
        creatorId: me,
        labels: patch.labels ?? [],
        parentId: patch.parentId ?? null,
        dueDate: patch.dueDate ?? null,
        originalEstimateSeconds: patch.originalEstimateSeconds ?? null,
        remainingEstimateSeconds: patch.remainingEstimateSeconds ?? null,
        created: now,
        updated: now,
        statusCategoryChanged: now,
        resolutionDate: null,
      });
      store.setCustomFieldValues(inserted.id, plan.custom);
      return inserted;
    });
    return c.json(
      {
        id: String(issue.id),
        key: issueKey(issue),
        self: `${c.get('base')}/rest/api/3/issue/${issue.id}`,
      },
      201,
    );
  });

  /**
   * 204 on success; 200 with the issue when `returnIssue=true`.
   * @see Jira Cloud REST v3 PUT /rest/api/3/issue/{issueIdOrKey}
   */
  app.put(
    '/issue/:issueIdOrKey',
    withIssue(store, async (c, issue) => {
      const parsed = await parseJsonBody(c, IssueUpdateSchema);
      if ('response' in parsed) return parsed.response;
      const plan = planEdit(issue, parsed.data, actingContext(c, deps));
      if ('errorMessages' in plan) return jiraError(c, 400, plan.errorMessages);
      if ('errors' in plan) return jiraError(c, 400, [], plan.errors);
      const now = clock.now();
      const author = c.get('user').accountId;
      store.transaction(() => {
        const changed =
          Object.keys(plan.patch).length > 0 ||
          Object.keys(plan.custom).length > 0 ||
          plan.comments.length > 0;
        // History first: the items compare against the issue before this write.
        store.recordChange(
          issue.id,
          author,
          [
            ...issueChangeItems(issue, plan.patch, deps.directory, store),
            ...customFieldChangeItems(
              store.customFieldValues(issue.id),
              plan.custom,
              deps.directory,
            ),
          ],
          now,
        );
        store.updateIssue(issue.id, changed ? { ...plan.patch, updated: now } : {});
        store.setCustomFieldValues(issue.id, plan.custom);
        for (const { body, visibility } of plan.comments) {
          store.insertComment({
            issueId: issue.id,
            authorId: author,
            body,
            visibility,
            created: now,
            updated: now,
          });
        }
      });
      if (c.req.query('returnIssue') !== 'true') return c.body(null, 204);
      const updated = store.getIssueById(issue.id) ?? issue;
      const { fields } = selectFields(undefined, '*all');
      const expand = new Set(listParam(c.req.queries('expand')));
      return c.json(issueBeanJson(actingContext(c, deps), updated, { fields, expand }), 200);
    }),
  );

  /**
   * `{"accountId": "…"}` assigns, `null` unassigns, `"-1"` picks the
   * project default (unassigned in the sandbox's projects). The assignee
   * must be assignable in the issue's project (hold a role there).
   * @see Jira Cloud REST v3 PUT /rest/api/3/issue/{issueIdOrKey}/assignee
   */
  app.put(
    '/issue/:issueIdOrKey/assignee',
    withIssue(store, async (c, issue) => {
      const body = await readJson(c);
      if (body === undefined || body === INVALID_JSON) return badBody(c, body);
      const parsed = AssigneeSchema.safeParse(body);
      if (!parsed.success)
        return jiraError(c, 400, ["The 'accountId' of the assignee must be provided."]);
      const { accountId } = parsed.data;
      const assigneeId = accountId === '-1' ? null : accountId;
      const assignee = assigneeId === null ? undefined : deps.directory.findUser(assigneeId);
      if (
        assigneeId !== null &&
        (assignee === undefined || !canBrowseProject(assignee, issue.projectKey))
      ) {
        return jiraError(c, 400, [], {
          assignee: `User '${assigneeId}' cannot be assigned issues.`,
        });
      }
      const now = clock.now();
      updateIssueRecorded(deps, issue, { assigneeId, updated: now }, c.get('user').accountId, now);
      return c.body(null, 204);
    }),
  );

  return app;
}
