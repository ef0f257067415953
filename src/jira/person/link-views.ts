/**
 * What pages and tools may know about a stored link: the account and site,
 * never the secret part.
 */
import type { JiraLinkRecord } from '../../storage/ports.js';
import type { JiraActor, JiraLinkStatus } from './personal-jira.js';

/**
 * The account a link acts as.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export function actorOfLink(link: JiraLinkRecord): JiraActor {
  return {
    mode: link.kind,
    accountId: link.accountId,
    displayName: link.displayName,
    ...(link.email === undefined ? {} : { email: link.email }),
    siteUrl: link.siteUrl,
  };
}

/**
 * The link as the /account page shows it.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function statusOfLink(link: JiraLinkRecord | undefined): JiraLinkStatus {
  if (link === undefined) return { status: 'none' };
  const actor = actorOfLink(link);
  if (link.status === 'broken') {
    return {
      status: 'broken',
      actor,
      linkedAt: link.createdAt,
      brokenAt: link.brokenAt ?? link.updatedAt,
    };
  }
  return { status: 'linked', actor, linkedAt: link.createdAt };
}

/** Paths the person may be sent back to after linking: same origin, one leading slash. */
const RETURN_TO = /^\/(?![/\\])[\x21-\x7e]{0,8191}$/;

/**
 * True for a same-origin path (`/authorize?…`): never `//host`, `/\host`,
 * a scheme, whitespace or a control character, at most 8192 characters
 * (the gateway's own `/authorize?…` with a metadata-document client id fits).
 * @see RFC 9700 §4.11 (open redirectors)
 */
export function isSafeReturnTo(path: string): boolean {
  return RETURN_TO.test(path);
}
