/**
 * Read tools about the Jira site rather than one issue: whose Jira account
 * acts, which projects exist, who users are.
 */
import { z } from 'zod';
import type { JiraAuthMode } from '../../jira/person/personal-jira.js';
import { SCOPES } from '../../oauth/scopes.js';
import { READ_ANNOTATIONS } from './common-schemas.js';
import { oneLine, toUserView, USER_SCHEMA } from './format.js';
import { defineTool, type JiraTool } from './tool-definition.js';

/** How each JIRA_AUTH mode is explained to the model and the person. */
const ACTING_AS: Readonly<Record<JiraAuthMode, string>> = {
  service:
    "the gateway's shared Jira account: every person using this gateway acts as it, with its permissions",
  'atlassian-oauth':
    'your own Atlassian account, linked to this gateway: you act with your own Jira permissions',
  'personal-token':
    'your own Jira API token, stored at this gateway: you act with your own Jira permissions',
};

const whoami = defineTool({
  name: 'jira_whoami',
  scope: SCOPES.read,
  title: 'Who am I in Jira',
  description:
    'Shows the Jira account your calls act as (your own, or the shared account of this gateway), the gateway user and app you are calling for, your granted scopes, and which projects are reachable. ' +
    'Use it first when unsure what you may do, or to get your own Jira accountId (for example to assign an issue to yourself). Takes no arguments.',
  inputSchema: z.object({}),
  outputSchema: z.object({
    jiraAccount: z.object({
      accountId: z.string(),
      displayName: z.string().nullable(),
      emailAddress: z.string().nullable(),
      timeZone: z.string().nullable(),
    }),
    /** JIRA_AUTH: whose account acts, and on which site. */
    actingAs: z.object({
      mode: z.enum(['service', 'atlassian-oauth', 'personal-token']),
      shared: z.boolean(),
      site: z.string().nullable(),
    }),
    caller: z.object({
      userId: z.string(),
      username: z.string().nullable(),
      clientId: z.string(),
      scopes: z.array(z.string()),
    }),
    allowedProjects: z.array(z.string()).nullable(),
    readOnly: z.boolean(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(_input, { jira, caller, projects, readOnly, jiraAccount }) {
    // Asked of Jira with the caller's own client, so it is the account that really acts.
    const me = await jira.getMyself();
    const mode = jiraAccount?.mode ?? 'service';
    const site = jiraAccount?.actor?.siteUrl ?? null;
    const allowedProjects = projects.restricted ? [...projects.projects] : null;
    const structured = {
      jiraAccount: {
        accountId: me.accountId,
        displayName: me.displayName ?? null,
        emailAddress: me.emailAddress ?? null,
        timeZone: me.timeZone ?? null,
      },
      actingAs: { mode, shared: mode === 'service', site },
      caller: { ...caller, scopes: [...caller.scopes] },
      allowedProjects,
      readOnly,
    };
    const markdown = [
      `Jira account: **${me.displayName ?? me.accountId}** (accountId \`${me.accountId}\`)${site === null ? '' : ` on ${site}`}`,
      `Acting as: ${ACTING_AS[mode]} (JIRA_AUTH=${mode})`,
      `Gateway user: ${caller.username ?? caller.userId} · app (client): \`${caller.clientId}\``,
      `Scopes: ${caller.scopes.join(' ') || '(none)'}${readOnly ? ' · gateway is read-only' : ''}`,
      `Projects: ${allowedProjects === null ? 'all projects the Jira account can see' : allowedProjects.join(', ')}`,
    ].join('\n');
    return { markdown, structured };
  },
});

const PROJECT_VIEW = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  projectTypeKey: z.string().nullable(),
});

const listProjects = defineTool({
  name: 'jira_list_projects',
  scope: SCOPES.read,
  title: 'List Jira projects',
  description:
    'Lists the Jira projects you can work with: key, name and type. Use it to find a project key (the "DEMO" in DEMO-123) before searching or creating issues. ' +
    'Arguments: query (optional) filters by text in the key or name, e.g. "demo"; maxResults (1-50, default 50); startAt (default 0) for the next page, as given in the result.',
  inputSchema: z.object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Text to look for in project keys and names.'),
    maxResults: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(50)
      .describe('How many projects to return (1-50).'),
    startAt: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Index of the first project to return, for paging.'),
  }),
  outputSchema: z.object({
    projects: z.array(PROJECT_VIEW),
    startAt: z.number(),
    total: z.number().nullable(),
    nextStartAt: z.number().nullable(),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira, projects: allowList }) {
    const page = await jira.searchProjects({
      startAt: input.startAt,
      maxResults: input.maxResults,
      ...(input.query === undefined ? {} : { query: input.query }),
      ...(allowList.restricted ? { keys: allowList.projects } : {}),
    });
    const projects = page.values
      .filter((p) => allowList.allows(p.key))
      .map((p) => ({
        id: p.id,
        key: p.key,
        name: p.name,
        projectTypeKey: p.projectTypeKey ?? null,
      }));
    const fetched = page.values.length;
    const more =
      page.isLast === false || (page.total !== undefined && input.startAt + fetched < page.total);
    const nextStartAt = more && fetched > 0 ? input.startAt + fetched : null;
    const lines = projects.map(
      (p) =>
        `- **${p.key}** ${oneLine(p.name)}${p.projectTypeKey === null ? '' : ` (${p.projectTypeKey})`}`,
    );
    const markdown = [
      projects.length === 0 ? 'No projects found.' : `Projects (${projects.length}):`,
      ...lines,
      ...(nextStartAt === null
        ? []
        : [`More projects exist: call again with startAt=${nextStartAt}.`]),
    ].join('\n');
    return {
      markdown,
      structured: { projects, startAt: input.startAt, total: page.total ?? null, nextStartAt },
    };
  },
});

const findUsers = defineTool({
  name: 'jira_find_users',
  scope: SCOPES.read,
  title: 'Find Jira users',
  description:
    'Finds Jira users by the start of their name or email and returns their accountId, which jira_assign_issue and JQL (assignee = "<accountId>") need. ' +
    'Arguments: query, e.g. "bob" or "bob@example.com"; maxResults (1-50, default 10).',
  inputSchema: z.object({
    query: z.string().trim().min(1).max(200).describe('Start of a display name or email address.'),
    maxResults: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('How many users to return (1-50).'),
  }),
  outputSchema: z.object({ users: z.array(USER_SCHEMA) }),
  annotations: READ_ANNOTATIONS,
  async run(input, { jira }) {
    const users = (await jira.findUsers(input.query, { maxResults: input.maxResults }))
      .slice(0, input.maxResults)
      .map(toUserView);
    const markdown =
      users.length === 0
        ? `No users match "${oneLine(input.query)}".`
        : [
            `Users matching "${oneLine(input.query)}":`,
            ...users.map(
              (u) =>
                `- **${u.displayName ?? '(no name)'}** · accountId \`${u.accountId}\`${u.emailAddress === null ? '' : ` · ${u.emailAddress}`}${u.active === false ? ' · inactive' : ''}`,
            ),
          ].join('\n');
    return { markdown, structured: { users } };
  },
});

/** Orientation: who am I, which projects. */
export const ORIENTATION_TOOLS: readonly JiraTool[] = [whoami, listProjects];
/** Finding the accountId a write tool or JQL needs. */
export const FIND_USERS_TOOL: JiraTool = findUsers;
