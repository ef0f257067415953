/**
 * `JIRA_AUTH=atlassian-oauth`: each person links their own Atlassian
 * account with OAuth 2.0 (3LO), and their tool calls go to Atlassian's API
 * gateway with their own access token, so Jira applies their permissions.
 */
import type { Clock } from '../../clock.js';
import { hashSecret } from '../../crypto/hash.js';
import { randomToken } from '../../crypto/random.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { JiraLinkRepository, JiraLinkVersion } from '../../storage/ports.js';
import { JiraClient, type JiraClientOptions } from '../client.js';
import type { JiraCredentialsProvider } from '../credentials.js';
import {
  ATLASSIAN_OAUTH_ERROR,
  AtlassianOAuthError,
  type AtlassianOAuthClient,
  type AtlassianSite,
  type AtlassianTokens,
} from './atlassian-oauth-client.js';
import type { AtlassianTokenSource } from './atlassian-token-source.js';
import { sealLinkSecret } from './link-secrets.js';
import { actorOfLink, isSafeReturnTo, statusOfLink } from './link-views.js';
import { JIRA_LINK_ERROR, JiraLinkError, JiraLinkRequiredError } from './link-errors.js';
import type { JiraActor, JiraLinkStatus, PersonalJira, PersonalJiraLog } from './personal-jira.js';

/** How long a person has to finish at Atlassian's consent screen. */
export const LINK_STATE_TTL_MS = 10 * 60_000;

/** The API gateway's answer when the token lacks a scope: a refresh would not help. */
const SCOPE_MISMATCH = /scope does not match/i;

export interface AtlassianOAuthModeOptions {
  links: JiraLinkRepository;
  cipher: SecretCipher;
  clock: Clock;
  oauth: AtlassianOAuthClient;
  tokens: AtlassianTokenSource;
  /** JIRA_BASE_URL: the site to pick among the person's accessible resources; absent: the only one. */
  siteUrl?: string;
  /** Timeout, retries and fetch for Jira calls. */
  clientOptions: Omit<JiraClientOptions, 'credentials'>;
  log?: PersonalJiraLog;
}

function origin(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin.toLowerCase() : undefined;
}

/** Sites that serve Jira (accessible-resources also lists Confluence, with the same URL). */
function jiraSites(sites: readonly AtlassianSite[]): AtlassianSite[] {
  return sites.filter((site) => site.scopes.some((scope) => scope.includes('jira')));
}

function linkFailure(error: unknown, step: string): JiraLinkError {
  if (error instanceof AtlassianOAuthError) {
    if (
      error.code === ATLASSIAN_OAUTH_ERROR.refused ||
      error.code === ATLASSIAN_OAUTH_ERROR.rejected
    ) {
      return new JiraLinkError(
        JIRA_LINK_ERROR.exchangeFailed,
        `Atlassian refused to complete the link (${step}). Start again from your MCP client or your account page.`,
      );
    }
    return new JiraLinkError(
      JIRA_LINK_ERROR.upstream,
      `Atlassian did not answer properly (${step}). Try again in a minute.`,
      502,
    );
  }
  throw error;
}

/**
 * The atlassian-oauth {@link PersonalJira}.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function atlassianOAuthMode(options: AtlassianOAuthModeOptions): PersonalJira {
  const { links, cipher, clock, oauth, tokens } = options;
  const wantedOrigin = options.siteUrl === undefined ? undefined : origin(options.siteUrl);

  function credentialsFor(userId: string, seenLink: JiraLinkVersion): JiraCredentialsProvider {
    let seen = seenLink;
    return {
      async get() {
        const grant = await tokens.access(userId, seen);
        return { kind: 'bearer', baseUrl: grant.baseUrl, accessToken: grant.accessToken };
      },
      async rejected(credentials, rejection) {
        if (credentials.kind !== 'bearer' || SCOPE_MISMATCH.test(rejection.bodyText)) return false;
        const renewed = await tokens.renew(userId, credentials.accessToken);
        // The retry (and later calls on this client) use the renewed write.
        seen = { linkId: renewed.linkId, version: renewed.version };
        return true;
      },
    };
  }

  function pickSite(sites: readonly AtlassianSite[]): AtlassianSite {
    const candidates = jiraSites(sites);
    if (wantedOrigin !== undefined) {
      const site = candidates.find((s) => origin(s.url) === wantedOrigin);
      if (site === undefined) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.siteNotGranted,
          `You did not grant access to the Jira site ${wantedOrigin}. Link again and choose that site on Atlassian's consent screen.`,
        );
      }
      return site;
    }
    const [only, ...others] = candidates;
    if (only === undefined) {
      throw new JiraLinkError(
        JIRA_LINK_ERROR.siteNotGranted,
        'You did not grant access to any Jira site. Link again and choose a site on Atlassian’s consent screen.',
      );
    }
    if (others.length > 0) {
      throw new JiraLinkError(
        JIRA_LINK_ERROR.siteAmbiguous,
        'You granted access to several Jira sites and this gateway does not know which one to use; ask its administrator to set JIRA_BASE_URL.',
        409,
      );
    }
    return only;
  }

  async function exchange(
    code: string,
    redirectUri: string | undefined,
  ): Promise<AtlassianTokens & { refreshToken: string }> {
    let granted: AtlassianTokens;
    try {
      granted = await (redirectUri === undefined
        ? oauth.exchangeCode(code)
        : oauth.exchangeCode(code, redirectUri));
    } catch (error) {
      throw linkFailure(error, 'code exchange');
    }
    if (granted.refreshToken === undefined) {
      throw new JiraLinkError(
        JIRA_LINK_ERROR.exchangeFailed,
        'Atlassian granted no refresh token (offline_access), so the link would stop working within the hour. Ask the administrator to check the app’s scopes.',
      );
    }
    return { ...granted, refreshToken: granted.refreshToken };
  }

  return {
    mode: 'atlassian-oauth',
    siteUrl: options.siteUrl?.replace(/\/+$/, ''),

    async clientFor(userId) {
      const link = await links.get(userId);
      if (link?.kind !== 'atlassian-oauth') throw new JiraLinkRequiredError('missing');
      if (link.status === 'broken') throw new JiraLinkRequiredError('broken');
      return new JiraClient({
        ...options.clientOptions,
        credentials: credentialsFor(userId, { linkId: link.linkId, version: link.version }),
      });
    },

    async actorFor(userId) {
      const link = await links.get(userId);
      return link?.kind === 'atlassian-oauth' && link.status === 'active'
        ? actorOfLink(link)
        : undefined;
    },

    async linkStatus(userId): Promise<JiraLinkStatus> {
      const link = await links.get(userId);
      return statusOfLink(link?.kind === 'atlassian-oauth' ? link : undefined);
    },

    async startLink(userId, returnTo, redirectUri) {
      if (!isSafeReturnTo(returnTo)) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.invalidInput,
          'The page to return to is not a path on this site.',
        );
      }
      const state = randomToken();
      const now = clock.now();
      await links.saveState({
        stateHash: hashSecret(state),
        userId,
        returnTo,
        createdAt: now,
        expiresAt: now + LINK_STATE_TTL_MS,
      });
      return {
        url:
          redirectUri === undefined
            ? oauth.authorizeUrl(state)
            : oauth.authorizeUrl(state, redirectUri),
      };
    },

    async completeLink(userId, query, redirectUri) {
      const state = query.get('state');
      // Consumed before anything else: a state is good for one answer, whatever it says.
      const pending =
        state === null || state === '' || state.length > 512
          ? undefined
          : await links.consumeState(hashSecret(state), clock.now());
      if (pending?.userId !== userId) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.invalidState,
          'This link attempt is unknown, expired, already used, or was started by someone else. Start again.',
        );
      }
      if (query.get('error') !== null) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.denied,
          query.get('error') === 'access_denied'
            ? 'You did not grant access at Atlassian, so your Jira account is not linked.'
            : 'Atlassian did not grant access, so your Jira account is not linked. Start again.',
        );
      }
      const code = query.get('code');
      if (code === null || code === '' || code.length > 4096) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.denied,
          'Atlassian sent no authorization code. Start again.',
        );
      }
      const granted = await exchange(code, redirectUri);
      let site: AtlassianSite;
      let profile;
      try {
        site = pickSite(await oauth.accessibleResources(granted.accessToken));
        profile = await oauth.me(granted.accessToken);
      } catch (error) {
        if (error instanceof JiraLinkError) throw error;
        throw linkFailure(error, 'reading your sites and profile');
      }
      const now = clock.now();
      const ciphertext = await sealLinkSecret(cipher, userId, {
        kind: 'atlassian-oauth',
        accessToken: granted.accessToken,
        refreshToken: granted.refreshToken,
        accessExpiresAt: granted.expiresAt,
      });
      const { linkId, version } = await links.put({
        userId,
        kind: 'atlassian-oauth',
        status: 'active',
        ciphertext,
        accountId: profile.accountId,
        displayName: profile.name,
        ...(profile.email === undefined ? {} : { email: profile.email }),
        siteUrl: site.url.replace(/\/+$/, ''),
        cloudId: site.id,
        accessExpiresAt: granted.expiresAt,
        createdAt: now,
        updatedAt: now,
      });
      tokens.remember(userId, {
        accessToken: granted.accessToken,
        baseUrl: `${oauth.apiUrl}/ex/jira/${encodeURIComponent(site.id)}`,
        expiresAt: granted.expiresAt,
        linkId,
        version,
      });
      options.log?.('info', 'Jira account linked', { userId, site: site.url });
      const actor: JiraActor = {
        mode: 'atlassian-oauth',
        accountId: profile.accountId,
        displayName: profile.name,
        ...(profile.email === undefined ? {} : { email: profile.email }),
        siteUrl: site.url.replace(/\/+$/, ''),
      };
      return { returnTo: pending.returnTo, actor };
    },

    storePersonalToken() {
      return Promise.reject(
        new JiraLinkError(
          JIRA_LINK_ERROR.wrongMode,
          'This gateway links Jira accounts through Atlassian, not with API tokens.',
        ),
      );
    },

    async unlink(userId) {
      tokens.forget(userId);
      // Atlassian has no revocation endpoint for 3LO grants: the person
      // removes the app under "Connected apps" in their Atlassian account.
      return (await links.delete(userId)) !== undefined;
    },
  };
}
