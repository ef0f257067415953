/**
 * Picks and wires the {@link PersonalJira} implementation for `JIRA_AUTH`.
 */
import type { JiraClientOptions } from '../client.js';
import { atlassianClientSecretSource } from './atlassian-client-secret-source.js';
import { AtlassianOAuthClient } from './atlassian-oauth-client.js';
import { atlassianOAuthMode } from './atlassian-oauth-mode.js';
import { AtlassianTokenSource } from './atlassian-token-source.js';
import type { PersonalJira, PersonalJiraDeps } from './personal-jira.js';
import { personalTokenMode } from './personal-token-mode.js';
import { serviceMode } from './service-mode.js';

/**
 * The client secret from the settings, else the one stored with the CLI
 * (re-read every five minutes, so a rotated secret is picked up); none is
 * an operator's fault (a 500, logged), never the person's.
 */
function clientSecretSource(
  deps: PersonalJiraDeps,
  configured: string | undefined,
): () => Promise<string> {
  const source = atlassianClientSecretSource({
    configured,
    secrets: deps.storage.secrets,
    cipher: deps.cipher,
    clock: deps.clock,
  });
  return async () => {
    const secret = await source();
    if (secret === undefined) {
      throw new Error(
        'No Atlassian client secret: set ATLASSIAN_CLIENT_SECRET or store one with `atlassian set-client-secret`.',
      );
    }
    return secret;
  };
}

/**
 * Builds the per-mode implementation.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function createPersonalJiraImpl(deps: PersonalJiraDeps): PersonalJira {
  const { config, clock } = deps;
  const clientOptions: Omit<JiraClientOptions, 'credentials'> = {
    timeoutMs: config.jiraTimeoutMs,
    maxRetries: config.jiraMaxRetries,
    clock,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
  };
  const siteUrl = deps.siteUrl ?? config.jira?.baseUrl;
  const log = deps.log === undefined ? {} : { log: deps.log };

  switch (config.jiraAuth) {
    case 'service': {
      if (deps.serviceClient === undefined) {
        throw new Error('createPersonalJira: service mode needs the shared serviceClient');
      }
      return serviceMode({ client: deps.serviceClient, siteUrl: siteUrl ?? '', clock });
    }
    case 'personal-token': {
      if (siteUrl === undefined) {
        throw new Error('createPersonalJira: personal-token mode needs the site (JIRA_BASE_URL)');
      }
      return personalTokenMode({
        links: deps.storage.jiraLinks,
        cipher: deps.cipher,
        clock,
        siteUrl,
        clientOptions,
        ...log,
      });
    }
    case 'atlassian-oauth': {
      const settings = deps.atlassian ?? config.atlassian;
      if (settings === undefined) {
        throw new Error('createPersonalJira: atlassian-oauth mode needs ATLASSIAN_CLIENT_ID');
      }
      const { clientSecret, ...publicSettings } = settings;
      const oauth = new AtlassianOAuthClient({
        settings: publicSettings,
        clientSecret: clientSecretSource(deps, clientSecret),
        clock,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      });
      const tokens = new AtlassianTokenSource({
        links: deps.storage.jiraLinks,
        cipher: deps.cipher,
        clock,
        oauth,
        ...log,
      });
      return atlassianOAuthMode({
        links: deps.storage.jiraLinks,
        cipher: deps.cipher,
        clock,
        oauth,
        tokens,
        ...(siteUrl === undefined ? {} : { siteUrl }),
        clientOptions,
        ...log,
      });
    }
  }
}
