/** Workflow transitions: what can happen next, and making it happen. */
import { Hono } from 'hono';
import { z } from 'zod';
import { statusById, STATUS_DONE } from '../catalog.js';
import { issueChangeItems } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { planEdit } from '../issue-input.js';
import { jiraError, parseJsonBody } from '../jira-errors.js';
import { findResolution, RESOLUTION_KEY, transitionScreenFields } from '../custom-fields.js';
import { availableTransitions, transitionJson } from '../represent-issue.js';
import { listParam } from './paging.js';
import { actingContext, withIssue } from './issue-route.js';

const TransitionBodySchema = z.looseObject({
  transition: z.looseObject({ id: z.string().optional() }).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
});

/** Routes: GET and POST /issue/{issueIdOrKey}/transitions. */
export function transitionRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/transitions */
  app.get(
    '/issue/:issueIdOrKey/transitions',
    withIssue(store, (c, issue) => {
      const only = c.req.query('transitionId');
      const transitions = availableTransitions(issue).filter(
        (t) => only === undefined || t.id === only,
      );
      const withFields = listParam(c.req.queries('expand')).includes('transitions.fields');
      return c.json({
        expand: 'transitions',
        transitions: transitions.map((t) => {
          const json = transitionJson(c.get('base'), t);
          const screen = transitionScreenFields(c.get('base'), t.to === STATUS_DONE.id);
          if (screen === undefined) return json;
          // Only the Done transition has a screen (the resolution), as in Jira's default workflow.
          return { ...json, hasScreen: true, ...(withFields ? { fields: screen } : {}) };
        }),
      });
    }),
  );

  /**
   * Moves the issue along the workflow. Entering Done sets the resolution;
   * leaving it clears it. `fields` and `update` (e.g. a comment) apply too.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/transitions
   */
  app.post(
    '/issue/:issueIdOrKey/transitions',
    withIssue(store, async (c, issue) => {
      const parsed = await parseJsonBody(c, TransitionBodySchema);
      if ('response' in parsed) return parsed.response;
      const id = parsed.data.transition?.id;
      if (id === undefined) return jiraError(c, 400, ["Missing 'transition' identifier"]);
      const transition = availableTransitions(issue).find((t) => t.id === id);
      if (transition === undefined) {
        return jiraError(c, 400, [`Transition id '${id}' is not valid for this issue.`]);
      }
      // The resolution sits on the Done screen only; elsewhere Jira refuses it.
      const { resolution, ...fields } = parsed.data.fields ?? {};
      const toDone = transition.to === STATUS_DONE.id;
      const chosenResolution = resolution === undefined ? undefined : findResolution(resolution);
      if (resolution !== undefined && !toDone) {
        return jiraError(c, 400, [], {
          resolution:
            "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.",
        });
      }
      if (resolution !== undefined && chosenResolution === undefined) {
        return jiraError(c, 400, [], { resolution: 'Resolution is invalid.' });
      }
      const plan = planEdit(
        issue,
        { fields, ...(parsed.data.update ? { update: parsed.data.update } : {}) },
        actingContext(c, deps),
      );
      if ('errorMessages' in plan) return jiraError(c, 400, plan.errorMessages);
      if ('errors' in plan) return jiraError(c, 400, [], plan.errors);
      const now = clock.now();
      const from = statusById(issue.statusId);
      const to = statusById(transition.to);
      store.transaction(() => {
        store.recordChange(
          issue.id,
          c.get('user').accountId,
          issueChangeItems(issue, { ...plan.patch, statusId: to.id }, deps.directory, store),
          now,
        );
        store.updateIssue(issue.id, {
          ...plan.patch,
          statusId: to.id,
          updated: now,
          ...(from.category.key === to.category.key ? {} : { statusCategoryChanged: now }),
          resolutionDate: to.id === STATUS_DONE.id ? now : null,
        });
        store.setCustomFieldValues(issue.id, {
          ...plan.custom,
          [RESOLUTION_KEY]:
            toDone && chosenResolution?.id !== '10000' ? (chosenResolution?.id ?? null) : null,
        });
        for (const { body, visibility } of plan.comments) {
          store.insertComment({
            issueId: issue.id,
            authorId: c.get('user').accountId,
            body,
            visibility,
            created: now,
            updated: now,
          });
        }
      });
      return c.body(null, 204);
    }),
  );

  return app;
}
