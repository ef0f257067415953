/** Worklogs: logging time against an issue, and listing it. */
import { Hono } from 'hono';
import { z } from 'zod';
import { NOT_ADF_MESSAGE, parseAdfDoc } from '../adf.js';
import { issueChangeItems } from '../changelog.js';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { jiraError, parseJsonBody } from '../jira-errors.js';
import { parseDuration, parseJiraDateTime } from '../jira-time.js';
import { worklogJson } from '../represent-activity.js';
import type { IssueRecord } from '../store.js';
import { actingContext, withIssue } from './issue-route.js';
import { readPage } from './paging.js';

const WorklogBodySchema = z.looseObject({
  timeSpent: z.string().optional(),
  timeSpentSeconds: z.number().int().optional(),
  started: z.string().optional(),
  comment: z.unknown().optional(),
});

/**
 * The remaining estimate after logging `spent` seconds, per `adjustEstimate`:
 * `auto` (default) reduces it, `leave` keeps it, `new` replaces it with
 * `newEstimate`, `manual` reduces it by `reduceBy`. Undefined on a bad combination.
 */
function adjustedEstimate(
  issue: IssueRecord,
  spent: number,
  mode: string,
  newEstimate: string | undefined,
  reduceBy: string | undefined,
): { remaining: number | null } | { error: string } {
  const current = issue.remainingEstimateSeconds;
  switch (mode) {
    case 'auto':
      return { remaining: current === null ? null : Math.max(0, current - spent) };
    case 'leave':
      return { remaining: current };
    case 'new': {
      const value = newEstimate === undefined ? undefined : parseDuration(newEstimate);
      return value === undefined
        ? { error: "You must supply a valid 'newEstimate'." }
        : { remaining: value };
    }
    case 'manual': {
      const value = reduceBy === undefined ? undefined : parseDuration(reduceBy);
      return value === undefined
        ? { error: "You must supply a valid 'reduceBy'." }
        : { remaining: Math.max(0, (current ?? 0) - value) };
    }
    default:
      return { error: `The value '${mode}' of 'adjustEstimate' is not valid.` };
  }
}

/** Routes: GET and POST /issue/{issueIdOrKey}/worklog. */
export function worklogRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const { store, clock } = deps;
  const app = new Hono<SandboxEnv>();

  /** @see Jira Cloud REST v3 GET /rest/api/3/issue/{issueIdOrKey}/worklog */
  app.get(
    '/issue/:issueIdOrKey/worklog',
    withIssue(store, (c, issue) => {
      const page = readPage(c.req.query('startAt'), c.req.query('maxResults'), {
        maxResults: 5000,
        cap: 5000,
      });
      if ('error' in page) return jiraError(c, 404, [page.error]);
      const worklogs = store.listWorklogs(issue.id);
      return c.json({
        startAt: page.startAt,
        maxResults: page.maxResults,
        total: worklogs.length,
        worklogs: worklogs
          .slice(page.startAt, page.startAt + page.maxResults)
          .map((w) => worklogJson(actingContext(c, deps), w)),
      });
    }),
  );

  /**
   * `timeSpent` ("1h 30m") or `timeSpentSeconds`; `started` in Jira's format,
   * default now; `comment` in ADF.
   * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/worklog
   */
  app.post(
    '/issue/:issueIdOrKey/worklog',
    withIssue(store, async (c, issue) => {
      const parsed = await parseJsonBody(c, WorklogBodySchema);
      if ('response' in parsed) return parsed.response;
      const input = parsed.data;
      const errors: Record<string, string> = {};
      let spent: number | undefined;
      if (input.timeSpentSeconds !== undefined) {
        spent = input.timeSpentSeconds > 0 ? input.timeSpentSeconds : undefined;
        if (spent === undefined) errors['timeLogged'] = 'Invalid time duration entered.';
      } else if (input.timeSpent !== undefined) {
        spent = parseDuration(input.timeSpent);
        if (spent === undefined) errors['timeLogged'] = 'Invalid time duration entered.';
      } else {
        errors['timeLogged'] = 'You must indicate the time spent working.';
      }
      const now = clock.now();
      const started = input.started === undefined ? now : parseJiraDateTime(input.started);
      if (started === undefined) {
        errors['started'] =
          'Invalid date format. Please enter the date in the format "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ".';
      }
      const comment = input.comment === undefined ? null : parseAdfDoc(input.comment);
      if (comment === undefined) errors['comment'] = NOT_ADF_MESSAGE;
      if (
        spent === undefined ||
        started === undefined ||
        comment === undefined ||
        Object.keys(errors).length > 0
      ) {
        return jiraError(c, 400, [], errors);
      }
      const estimate = adjustedEstimate(
        issue,
        spent,
        c.req.query('adjustEstimate') ?? 'auto',
        c.req.query('newEstimate'),
        c.req.query('reduceBy'),
      );
      if ('error' in estimate) return jiraError(c, 400, [estimate.error]);
      const author = c.get('user').accountId;
      const worklog = store.transaction(() => {
        const estimateItems = issueChangeItems(
          issue,
          { remainingEstimateSeconds: estimate.remaining },
          deps.directory,
          store,
        );
        const spentBefore = store
          .listWorklogs(issue.id)
          .reduce((t, w) => t + w.timeSpentSeconds, 0);
        store.updateIssue(issue.id, { remainingEstimateSeconds: estimate.remaining, updated: now });
        const inserted = store.insertWorklog({
          issueId: issue.id,
          authorId: author,
          comment,
          started,
          timeSpentSeconds: spent,
          created: now,
          updated: now,
        });
        // Jira's history of logging work: time spent, the remaining estimate, the worklog id.
        const total = String(spentBefore + spent);
        const before = spentBefore === 0 ? null : String(spentBefore);
        store.recordChange(
          issue.id,
          author,
          [
            {
              field: 'timespent',
              fieldtype: 'jira',
              fieldId: 'timespent',
              from: before,
              fromString: before,
              to: total,
              toString: total,
            },
            ...estimateItems,
            {
              field: 'WorklogId',
              fieldtype: 'jira',
              from: null,
              fromString: null,
              to: String(inserted.id),
              toString: String(inserted.id),
            },
          ],
          now,
        );
        return inserted;
      });
      return c.json(worklogJson(actingContext(c, deps), worklog), 201);
    }),
  );

  return app;
}
