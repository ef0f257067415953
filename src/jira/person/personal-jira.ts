/**
 * Whose Jira account acts for a person (`JIRA_AUTH`): the shared service
 * account, the person's own Atlassian account linked with OAuth 2.0 (3LO),
 * or the person's own API token. This file is the contract the flows
 * (authorize, /mcp, /account) and the Lambda wiring code against; the
 * per-mode behaviour lives in the files next to it.
 */
import type { Clock } from '../../clock.js';
import type { AtlassianSettings, Config } from '../../config/config.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { Storage } from '../../storage/ports.js';
import type { JiraClient, JiraClientOptions } from '../client.js';
import { createPersonalJiraImpl } from './create-personal-jira.js';

export type JiraAuthMode = 'service' | 'atlassian-oauth' | 'personal-token';

/** The Jira account a person's tool calls run as. Never carries a secret. */
export interface JiraActor {
  mode: JiraAuthMode;
  accountId: string;
  displayName: string;
  email?: string;
  /** The site as people know it (https://acme.atlassian.net or the sandbox URL). */
  siteUrl: string;
}

export {
  JIRA_LINK_ERROR,
  JiraLinkError,
  JiraLinkRequiredError,
  type JiraLinkErrorCode,
  type JiraLinkRequiredReason,
} from './link-errors.js';

/** What the /account page shows about a person's link. */
export type JiraLinkStatus =
  | { status: 'none' }
  | { status: 'linked'; actor: JiraActor; linkedAt: number }
  | { status: 'broken'; actor: JiraActor; linkedAt: number; brokenAt: number };

export interface PersonalJira {
  readonly mode: JiraAuthMode;
  /**
   * The site people's accounts belong to, when known before linking: the
   * shared credential's site (service), the configured site or the sandbox
   * (personal-token), JIRA_BASE_URL (atlassian-oauth; undefined: the one
   * site each person grants).
   */
  readonly siteUrl: string | undefined;
  /** The client acting as this person (service: the shared client). Throws JiraLinkRequiredError. */
  clientFor(userId: string): Promise<JiraClient>;
  /** Who acts for this person; undefined when no working link. Service: the shared account (from /myself, cached). */
  actorFor(userId: string): Promise<JiraActor | undefined>;
  /** The link as the /account page shows it (service mode: always `none`). */
  linkStatus(userId: string): Promise<JiraLinkStatus>;
  /**
   * atlassian-oauth only: an Atlassian authorize URL; `returnTo` is a
   * same-origin path (starts with one `/`) kept server-side (hashed state,
   * single use, 10 min, bound to userId). Throws JiraLinkError otherwise.
   * `redirectUri`: the callback URL on the issuer the person is using
   * (default: PUBLIC_URL's); the same value must reach `completeLink`.
   */
  startLink(userId: string, returnTo: string, redirectUri?: string): Promise<{ url: string }>;
  /**
   * atlassian-oauth only: the callback's query; exchanges the code, picks the
   * site (JIRA_BASE_URL among accessible-resources, or the only one), reads
   * /me, stores the link. Throws JiraLinkError (typed, with a page-safe
   * message) on every failure.
   */
  completeLink(
    userId: string,
    query: URLSearchParams,
    redirectUri?: string,
  ): Promise<{ returnTo: string; actor: JiraActor }>;
  /** personal-token only: verifies email + token against /myself on the configured site, then stores it. Throws JiraLinkError when refused. */
  storePersonalToken(userId: string, email: string, apiToken: string): Promise<JiraActor>;
  /** Deletes the person's link (and revokes it upstream where possible). True when there was one. */
  unlink(userId: string): Promise<boolean>;
}

/** One diagnostic line; never given a token (the implementation redacts). */
export type PersonalJiraLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  detail?: Readonly<Record<string, string | number | boolean>>,
) => void;

export interface PersonalJiraDeps {
  /** Reads jiraAuth, atlassian, jira.baseUrl, publicUrl, jiraTimeoutMs, jiraMaxRetries. */
  config: Config;
  storage: Pick<Storage, 'jiraLinks' | 'secrets'>;
  /** Encrypts each person's tokens (KMS on AWS), bound to userId and purpose. */
  cipher: SecretCipher;
  clock: Clock;
  /** Service mode: the shared client (required there, ignored otherwise). */
  serviceClient?: JiraClient;
  /** For Atlassian and Jira calls; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
  /**
   * Replaces `config.atlassian` (zero-config: the sandbox plays Atlassian).
   * Its clientSecret, when absent, is read from the secret stored with the
   * CLI (record `atlassian.client_secret`).
   */
  atlassian?: AtlassianSettings;
  /** Replaces `config.jira.baseUrl` as the site (zero-config personal-token: the sandbox URL). */
  siteUrl?: string;
  log?: PersonalJiraLog;
  /** Counts each person's Jira requests (METRICS); absent: nothing is counted. */
  metrics?: JiraClientOptions['metrics'];
}

/**
 * Builds the {@link PersonalJira} for `config.jiraAuth`.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function createPersonalJira(deps: PersonalJiraDeps): PersonalJira {
  return createPersonalJiraImpl(deps);
}
