/**
 * Links and people tools (toolset `collaboration`): delete an issue link,
 * add a web link, add or remove a watcher. Deleting a link and removing a
 * watcher take something away from other people, so they pass
 * {@link confirmDestructive} after their arguments are checked and before
 * the Jira write.
 */
import { z } from 'zod';
import { EMBEDDED_ISSUE_LINK_SCHEMA } from '../../jira/schemas-structure.js';
import { SCOPES } from '../../oauth/scopes.js';
import {
  ACCOUNT_ID_INPUT,
  ADDING_ANNOTATIONS,
  ISSUE_KEY_INPUT,
  NAME_OR_ID_INPUT,
} from './common-schemas.js';
import { CONFIRM_FIELD, confirmDestructive } from './confirm-destructive.js';
import { oneLine } from './format.js';
import { defineTool, ToolUsageError, type JiraTool, type ToolContext } from './tool-definition.js';

/** Removes something others rely on; doing it twice changes nothing more. */
const REMOVING_ANNOTATIONS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
} as const;

/** A link as the issue it was found on reads it: "DEMO-1 blocks DEMO-2". */
interface FoundLink {
  id: string;
  typeId: string;
  typeName: string;
  /** The sentence's subject, verb and object. */
  issueKey: string;
  relation: string;
  targetIssueKey: string;
}

/** Whether `wanted` names the link's type by id, name or the phrase it reads with. */
function typeMatches(link: FoundLink, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return (
    link.typeId === wanted || link.typeName.toLowerCase() === w || link.relation.toLowerCase() === w
  );
}

/** The links between two issues, read from the first issue's `issuelinks`. */
async function linksBetween(
  context: ToolContext,
  issueKey: string,
  targetIssueKey: string,
): Promise<FoundLink[]> {
  const issue = await context.jira.getIssue(issueKey, { fields: ['issuelinks'] });
  const raw = z.array(z.unknown()).catch([]).parse(issue.fields['issuelinks']);
  const found: FoundLink[] = [];
  for (const entry of raw) {
    const parsed = EMBEDDED_ISSUE_LINK_SCHEMA.safeParse(entry);
    if (!parsed.success) continue;
    const link = parsed.data;
    // Jira shows the other issue in `outwardIssue` when this issue is the "from" side.
    const other = link.outwardIssue ?? link.inwardIssue;
    if (other?.key.toUpperCase() !== targetIssueKey) continue;
    found.push({
      id: link.id,
      typeId: link.type.id,
      typeName: link.type.name,
      issueKey: issue.key,
      relation: link.outwardIssue === undefined ? link.type.inward : link.type.outward,
      targetIssueKey: other.key,
    });
  }
  return found;
}

const deleteLink = defineTool({
  name: 'jira_delete_link',
  scope: SCOPES.write,
  title: 'Delete a link between two Jira issues',
  description:
    'Deletes an issue link. Name it either by linkId (from a link listing), or by issueKey and targetIssueKey ' +
    '(plus linkType — "Blocks", "relates to" — when the two issues have several links). ' +
    'Destructive: the person must confirm; without confirmation nothing is deleted.',
  inputSchema: z.object({
    linkId: z
      .string()
      .trim()
      .regex(/^\d{1,18}$/, 'a numeric link id')
      .optional()
      .describe('The link id, e.g. "10001".'),
    issueKey: ISSUE_KEY_INPUT.optional().describe('One linked issue, e.g. "DEMO-1".'),
    targetIssueKey: ISSUE_KEY_INPUT.optional().describe('The other linked issue, e.g. "DEMO-2".'),
    linkType: NAME_OR_ID_INPUT.optional().describe(
      'Which link, when there are several: type name or phrase.',
    ),
    confirm: CONFIRM_FIELD,
  }),
  outputSchema: z.object({
    linkId: z.string(),
    issueKey: z.string(),
    relation: z.string(),
    targetIssueKey: z.string(),
    deleted: z.boolean(),
  }),
  annotations: REMOVING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    let link: FoundLink;
    if (input.linkId !== undefined) {
      if (input.issueKey !== undefined || input.targetIssueKey !== undefined) {
        throw new ToolUsageError(
          'invalid_arguments',
          'Give either linkId, or issueKey and targetIssueKey, not both.',
        );
      }
      const found = await context.jira.getIssueLink(input.linkId);
      link = {
        id: found.id,
        typeId: found.type.id,
        typeName: found.type.name,
        issueKey: found.outwardIssue.key,
        relation: found.type.outward,
        targetIssueKey: found.inwardIssue.key,
      };
    } else {
      if (input.issueKey === undefined || input.targetIssueKey === undefined) {
        throw new ToolUsageError(
          'invalid_arguments',
          'Name the link by linkId, or by issueKey and targetIssueKey.',
        );
      }
      context.projects.assertIssueKey(input.targetIssueKey);
      const candidates = await linksBetween(context, input.issueKey, input.targetIssueKey);
      const { linkType } = input;
      const matching =
        linkType === undefined ? candidates : candidates.filter((c) => typeMatches(c, linkType));
      const listed = candidates
        .map((c) => `${c.id}: ${c.issueKey} ${c.relation} ${c.targetIssueKey}`)
        .join('; ');
      const only = matching.length === 1 ? matching[0] : undefined;
      if (only === undefined) {
        throw new ToolUsageError(
          'invalid_arguments',
          matching.length === 0
            ? `${input.issueKey} has no ${linkType === undefined ? '' : `"${linkType}" `}link to ${input.targetIssueKey}.${listed === '' ? '' : ` Links between them: ${listed}.`}`
            : `${input.issueKey} and ${input.targetIssueKey} have several links (${listed}); say which with linkType or linkId.`,
        );
      }
      link = only;
    }
    const sentence = `${link.issueKey} ${link.relation} ${link.targetIssueKey}`;
    await confirmDestructive(context, {
      summary: `Delete the link ${sentence} (link ${link.id})`,
      confirm: input.confirm,
    });
    await context.jira.deleteIssueLink(link.id);
    return {
      markdown: `Deleted the link ${sentence} (link ${link.id}).`,
      structured: {
        linkId: link.id,
        issueKey: link.issueKey,
        relation: link.relation,
        targetIssueKey: link.targetIssueKey,
        deleted: true,
      },
      issueKey: link.issueKey,
    };
  },
});

const WEB_URL_INPUT = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'an absolute http or https URL')
  .describe('The page to link, an absolute http(s) URL.');

const addRemoteLink = defineTool({
  name: 'jira_add_remote_link',
  scope: SCOPES.write,
  title: 'Add a web link to a Jira issue',
  description:
    'Adds a web link (a page outside Jira: a design doc, a pull request, a dashboard) to an issue. Arguments: issueKey ("DEMO-12"); ' +
    'url (http or https); title (the link text); summary (optional, one line shown under it); relationship (optional, e.g. "is documented by"; Jira shows "links to" by default). ' +
    'Each call adds another link.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    url: WEB_URL_INPUT,
    title: z.string().trim().min(1).max(255).describe('The link text.'),
    summary: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .describe('One line shown under the link.'),
    relationship: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('How the issue relates to the page, e.g. "is documented by".'),
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    remoteLinkId: z.number(),
    url: z.string(),
    title: z.string(),
    relationship: z.string(),
  }),
  annotations: ADDING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const created = await context.jira.addRemoteLink(input.issueKey, {
      url: input.url,
      title: input.title,
      ...(input.summary === undefined ? {} : { summary: input.summary }),
      ...(input.relationship === undefined ? {} : { relationship: input.relationship }),
    });
    const relationship = input.relationship ?? 'links to';
    return {
      markdown: `${input.issueKey} ${oneLine(relationship)} [${oneLine(input.title).replace(/[[\]]/g, '')}](${input.url}) (remote link ${created.id}).`,
      structured: {
        issueKey: input.issueKey,
        remoteLinkId: created.id,
        url: input.url,
        title: input.title,
        relationship,
      },
      issueKey: input.issueKey,
    };
  },
});

const addWatcher = defineTool({
  name: 'jira_add_watcher',
  scope: SCOPES.write,
  title: 'Add a watcher to a Jira issue',
  description:
    'Makes a person watch an issue (they are notified of its changes). Arguments: issueKey ("DEMO-12"); accountId — the person\'s Jira accountId ' +
    '(find it with jira_find_users, or jira_whoami for yourself). Adding someone else needs the Manage Watchers permission in Jira. Watching twice is one watch.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    accountId: ACCOUNT_ID_INPUT.describe('The accountId of the person who should watch.'),
  }),
  outputSchema: z.object({ issueKey: z.string(), accountId: z.string(), watching: z.boolean() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    await context.jira.addWatcher(input.issueKey, input.accountId);
    return {
      markdown: `accountId ${input.accountId} now watches ${input.issueKey}.`,
      structured: { issueKey: input.issueKey, accountId: input.accountId, watching: true },
      issueKey: input.issueKey,
    };
  },
});

const removeWatcher = defineTool({
  name: 'jira_remove_watcher',
  scope: SCOPES.write,
  title: 'Remove a watcher from a Jira issue',
  description:
    'Stops a person watching an issue (they are no longer notified). Arguments: issueKey ("DEMO-12"); accountId of the watcher. ' +
    'Removing someone else needs the Manage Watchers permission in Jira. The person must confirm; without confirmation nothing changes.',
  inputSchema: z.object({
    issueKey: ISSUE_KEY_INPUT,
    accountId: ACCOUNT_ID_INPUT.describe('The accountId of the watcher to remove.'),
    confirm: CONFIRM_FIELD,
  }),
  outputSchema: z.object({
    issueKey: z.string(),
    accountId: z.string(),
    displayName: z.string().nullable(),
    removed: z.boolean(),
  }),
  annotations: REMOVING_ANNOTATIONS,
  issueKeyOf: (input) => input.issueKey,
  async run(input, context) {
    const watchers = await context.jira.getWatchers(input.issueKey);
    const watcher = watchers.watchers.find((w) => w.accountId === input.accountId);
    const displayName = watcher?.displayName ?? null;
    // The whole list is visible: someone not on it has nothing to remove.
    if (watcher === undefined && watchers.watchCount === watchers.watchers.length) {
      return {
        markdown: `accountId ${input.accountId} does not watch ${input.issueKey}; nothing changed.`,
        structured: {
          issueKey: input.issueKey,
          accountId: input.accountId,
          displayName,
          removed: false,
        },
        issueKey: input.issueKey,
      };
    }
    const who = displayName === null ? `accountId ${input.accountId}` : oneLine(displayName);
    await confirmDestructive(context, {
      summary: `Stop ${who} watching ${input.issueKey}`,
      confirm: input.confirm,
    });
    await context.jira.removeWatcher(input.issueKey, input.accountId);
    return {
      markdown: `${who} no longer watches ${input.issueKey}.`,
      structured: {
        issueKey: input.issueKey,
        accountId: input.accountId,
        displayName,
        removed: true,
      },
      issueKey: input.issueKey,
    };
  },
});

/** The `collaboration` toolset. */
export const COLLABORATION_TOOLS: readonly JiraTool[] = [
  deleteLink,
  addRemoteLink,
  addWatcher,
  removeWatcher,
];
