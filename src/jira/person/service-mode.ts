/**
 * `JIRA_AUTH=service`: every person's tool calls use the gateway's one
 * shared Jira credential. Who acts is that shared account, read once from
 * `/myself` and kept.
 */
import type { Clock } from '../../clock.js';
import type { JiraClient } from '../client.js';
import { JIRA_LINK_ERROR, JiraLinkError } from './link-errors.js';
import type { JiraActor, PersonalJira } from './personal-jira.js';

/** The shared account rarely changes; re-read it now and then so a new credential shows. */
export const SERVICE_ACTOR_TTL_MS = 10 * 60_000;

function wrongMode(): Promise<never> {
  return Promise.reject(
    new JiraLinkError(
      JIRA_LINK_ERROR.wrongMode,
      'This gateway calls Jira with one shared account; there is nothing to link.',
    ),
  );
}

/**
 * The service-mode {@link PersonalJira}: the shared client for everyone.
 * `actorFor` throws the JiraError when Jira cannot be reached (it is not a
 * missing link).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export function serviceMode(options: {
  client: JiraClient;
  /** The shared credential's site, as people know it. */
  siteUrl: string;
  clock: Clock;
}): PersonalJira {
  let cached: { actor: JiraActor; readAt: number } | undefined;
  let reading: Promise<JiraActor> | undefined;

  async function readActor(): Promise<JiraActor> {
    const me = await options.client.getMyself();
    const actor: JiraActor = {
      mode: 'service',
      accountId: me.accountId,
      displayName: me.displayName ?? me.accountId,
      ...(me.emailAddress === undefined ? {} : { email: me.emailAddress }),
      siteUrl: options.siteUrl,
    };
    cached = { actor, readAt: options.clock.now() };
    return actor;
  }

  return {
    mode: 'service',
    siteUrl: options.siteUrl === '' ? undefined : options.siteUrl,
    clientFor: () => Promise.resolve(options.client),
    async actorFor() {
      if (cached !== undefined && options.clock.now() - cached.readAt < SERVICE_ACTOR_TTL_MS) {
        return cached.actor;
      }
      // Concurrent first calls share one /myself; a failure is not kept.
      reading ??= readActor().finally(() => {
        reading = undefined;
      });
      return reading;
    },
    linkStatus: () => Promise.resolve({ status: 'none' }),
    startLink: wrongMode,
    completeLink: wrongMode,
    storePersonalToken: wrongMode,
    unlink: () => Promise.resolve(false),
  };
}
