/**
 * Whose Jira account a tool call runs as, seen from `/mcp`: the part of
 * {@link PersonalJira} the MCP server needs. `service` is the shared
 * credential (one client for everybody); the per-person modes give each
 * caller their own client and refuse callers without a working link.
 */
import type { JiraClient } from '../jira/client.js';
import {
  JiraLinkRequiredError,
  type JiraActor,
  type JiraAuthMode,
  type PersonalJira,
} from '../jira/person/personal-jira.js';

/** What `/mcp` asks of the per-person Jira: a client and an identity per caller. */
export type CallerJira = Pick<PersonalJira, 'mode' | 'clientFor' | 'actorFor'>;

/**
 * The shared client as a {@link CallerJira} that names no account (used
 * where no PersonalJira is wired, e.g. tests and benchmarks of the service
 * mode); every caller gets the same client, nobody needs a link.
 * @see MCP 2025-11-25 server/tools
 */
export function sharedCallerJira(client: JiraClient): CallerJira {
  return {
    mode: 'service',
    clientFor: () => Promise.resolve(client),
    actorFor: () => Promise.resolve(undefined),
  };
}

/** True for the per-person modes, where a caller without a working link cannot run tools. */
export function needsPersonalLink(mode: JiraAuthMode): boolean {
  return mode !== 'service';
}

/**
 * Whether `error` says the caller has no working link (never linked,
 * unlinked, or Atlassian refused the refresh).
 */
export function isLinkRequired(error: unknown): error is JiraLinkRequiredError {
  return error instanceof JiraLinkRequiredError;
}

/**
 * The audit detail naming the Jira account that acted: accountId, site and
 * mode; nulls when the account is unknown (service mode while Jira cannot
 * be asked who the shared account is). Never a token or an e-mail address.
 * @see RFC 6749 §10.3 (audit without secrets)
 */
export function jiraAccountDetail(
  mode: JiraAuthMode,
  actor: JiraActor | undefined,
): { jiraAuth: JiraAuthMode; jiraAccountId: string | null; jiraSite: string | null } {
  return {
    jiraAuth: mode,
    jiraAccountId: actor?.accountId ?? null,
    jiraSite: actor?.siteUrl ?? null,
  };
}
