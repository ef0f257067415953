/**
 * The paths of the pages that link a person's Jira account, in one place:
 * the link routes serve them, /authorize and /account send people to them,
 * and `/mcp` offers the link page as a URL-mode elicitation.
 */
import { JIRA_OAUTH_CALLBACK_PATH } from '../config/config.js';

export const JIRA_LINK_PATHS = {
  /** GET: starts linking for the signed-in person (sign-in first when needed). */
  link: '/jira/link',
  /** GET: Atlassian's redirect back (registered in Atlassian's developer console). */
  callback: JIRA_OAUTH_CALLBACK_PATH,
  /** GET: the "linked, go back to your assistant" page. */
  linked: '/jira/linked',
  /** POST (personal-token): e-mail and API token, verified against /myself before storing. */
  token: '/jira/token',
  /** POST: unlink (deletes the link, revokes the person's gateway grants). */
  unlink: '/jira/unlink',
} as const;
