/**
 * `JIRA_AUTH=service` where the process may not hold the shared credential
 * (the OAuth function on Lambda): who acts is read from the stored,
 * non-secret description of the shared account (see shared-account.ts),
 * never from Jira. There is no client here: tool calls run elsewhere.
 */
import type { SharedJiraAccountStore } from '../shared-account.js';
import { JIRA_LINK_ERROR, JiraLinkError } from './link-errors.js';
import type { PersonalJira } from './personal-jira.js';

function wrongMode(): Promise<never> {
  return Promise.reject(
    new JiraLinkError(
      JIRA_LINK_ERROR.wrongMode,
      'This gateway calls Jira with one shared account; there is nothing to link.',
    ),
  );
}

/**
 * The service-mode {@link PersonalJira} of a process without the shared
 * credential: `actorFor` is the stored description (undefined when none is
 * stored or it describes an earlier credential, so the consent page names
 * no one rather than a wrong account); `clientFor` always refuses.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export function describedServiceMode(store: Pick<SharedJiraAccountStore, 'get'>): PersonalJira {
  return {
    mode: 'service',
    siteUrl: undefined,
    clientFor: () =>
      Promise.reject(new Error('this process holds no Jira credential (described service mode)')),
    async actorFor() {
      const account = await store.get();
      return account === undefined ? undefined : { mode: 'service', ...account };
    },
    linkStatus: () => Promise.resolve({ status: 'none' }),
    startLink: wrongMode,
    completeLink: wrongMode,
    storePersonalToken: wrongMode,
    unlink: () => Promise.resolve(false),
  };
}
