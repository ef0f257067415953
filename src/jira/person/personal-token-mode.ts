/**
 * `JIRA_AUTH=personal-token`: each person stores their own Jira API token
 * (Cloud: e-mail + token, sent as HTTP Basic) on their account page. The
 * token is checked against `/myself` on the configured site before it is
 * kept, and kept only envelope-encrypted under a context naming the person.
 */
import type { Clock } from '../../clock.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { JiraLinkRecord, JiraLinkRepository } from '../../storage/ports.js';
import { JiraClient, type JiraClientOptions } from '../client.js';
import type { BasicJiraCredentials, JiraCredentialsProvider } from '../credentials.js';
import { isJiraError, JIRA_ERROR } from '../errors.js';
import { openLinkSecret, sealLinkSecret } from './link-secrets.js';
import { actorOfLink, statusOfLink } from './link-views.js';
import { JIRA_LINK_ERROR, JiraLinkError, JiraLinkRequiredError } from './link-errors.js';
import type { JiraActor, PersonalJira, PersonalJiraLog } from './personal-jira.js';

/** A decrypted token is trusted this long (one decrypt, one KMS call, per person per 5 min). */
export const PERSONAL_TOKEN_CACHE_MS = 5 * 60_000;

export interface PersonalTokenModeOptions {
  links: JiraLinkRepository;
  cipher: SecretCipher;
  clock: Clock;
  /** The site every person's token is checked and used on (JIRA_BASE_URL, or the sandbox). */
  siteUrl: string;
  clientOptions: Omit<JiraClientOptions, 'credentials'>;
  log?: PersonalJiraLog;
}

const EMAIL = /^[^\s@]{1,256}@[^\s@]{1,255}$/;

/**
 * The personal-token {@link PersonalJira}.
 * @see https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
 */
export function personalTokenMode(options: PersonalTokenModeOptions): PersonalJira {
  const { links, cipher, clock, siteUrl } = options;
  const cache = new Map<
    string,
    { linkId: string; version: number; readAt: number; credentials: BasicJiraCredentials }
  >();

  async function credentialsOf(link: JiraLinkRecord): Promise<BasicJiraCredentials> {
    const hit = cache.get(link.userId);
    if (
      // Exactly this write of this link: versions restart after an unlink.
      hit?.linkId === link.linkId &&
      hit.version === link.version &&
      clock.now() - hit.readAt < PERSONAL_TOKEN_CACHE_MS
    ) {
      return hit.credentials;
    }
    const secret = await openLinkSecret(cipher, link.userId, 'personal-token', link.ciphertext);
    const credentials = { baseUrl: link.siteUrl, email: secret.email, apiToken: secret.apiToken };
    cache.set(link.userId, {
      linkId: link.linkId,
      version: link.version,
      readAt: clock.now(),
      credentials,
    });
    return credentials;
  }

  function providerFor(link: JiraLinkRecord): JiraCredentialsProvider {
    let current = link;
    return {
      get: () => credentialsOf(current),
      // Jira no longer accepts the token (revoked or expired): the person
      // must enter a new one, so the link is marked broken and the call
      // becomes a re-authorization.
      async rejected() {
        const now = clock.now();
        cache.delete(current.userId);
        const { lease: _none, ...rest } = current;
        const marked = await links.replace(
          { ...rest, status: 'broken', brokenAt: now, updatedAt: now },
          current.version,
        );
        if (!marked) {
          // The link changed meanwhile (a new token was just stored): the
          // refused token is no longer the person's, so retry with the new one.
          const newer = await links.get(current.userId);
          if (newer?.kind === 'personal-token' && newer.status === 'active') {
            current = newer;
            return true;
          }
          throw new JiraLinkRequiredError(newer === undefined ? 'missing' : 'broken');
        }
        options.log?.('info', 'Jira refused a personal API token; the link is broken', {
          userId: current.userId,
        });
        throw new JiraLinkRequiredError('broken');
      },
    };
  }

  return {
    mode: 'personal-token',
    siteUrl,

    async clientFor(userId) {
      const link = await links.get(userId);
      if (link?.kind !== 'personal-token') throw new JiraLinkRequiredError('missing');
      if (link.status === 'broken') throw new JiraLinkRequiredError('broken');
      return new JiraClient({ ...options.clientOptions, credentials: providerFor(link) });
    },

    async actorFor(userId) {
      const link = await links.get(userId);
      return link?.kind === 'personal-token' && link.status === 'active'
        ? actorOfLink(link)
        : undefined;
    },

    async linkStatus(userId) {
      const link = await links.get(userId);
      return statusOfLink(link?.kind === 'personal-token' ? link : undefined);
    },

    startLink() {
      return Promise.reject(
        new JiraLinkError(
          JIRA_LINK_ERROR.wrongMode,
          'This gateway uses personal API tokens: enter yours on your account page.',
        ),
      );
    },

    completeLink() {
      return Promise.reject(
        new JiraLinkError(
          JIRA_LINK_ERROR.wrongMode,
          'This gateway uses personal API tokens: enter yours on your account page.',
        ),
      );
    },

    async storePersonalToken(userId, emailInput, apiToken) {
      const email = emailInput.trim();
      if (!EMAIL.test(email) || apiToken === '' || apiToken.length > 4096 || /\s/.test(apiToken)) {
        throw new JiraLinkError(
          JIRA_LINK_ERROR.invalidInput,
          'Enter the e-mail address of your Atlassian account and an API token (one line, no spaces).',
        );
      }
      const credentials: BasicJiraCredentials = { baseUrl: siteUrl, email, apiToken };
      const probe = new JiraClient({
        ...options.clientOptions,
        credentials: { get: () => Promise.resolve(credentials) },
      });
      let myself;
      try {
        myself = await probe.getMyself();
      } catch (error) {
        if (
          isJiraError(error, JIRA_ERROR.unauthorized) ||
          isJiraError(error, JIRA_ERROR.forbidden)
        ) {
          throw new JiraLinkError(
            JIRA_LINK_ERROR.tokenRefused,
            `Jira at ${siteUrl} did not accept this e-mail address and API token. Check both and try again.`,
          );
        }
        if (isJiraError(error)) {
          throw new JiraLinkError(
            JIRA_LINK_ERROR.upstream,
            `Could not check the token with Jira at ${siteUrl} (${error.code}). Try again in a minute.`,
            502,
          );
        }
        throw error;
      }
      const now = clock.now();
      const ciphertext = await sealLinkSecret(cipher, userId, {
        kind: 'personal-token',
        email,
        apiToken,
      });
      const actor: JiraActor = {
        mode: 'personal-token',
        accountId: myself.accountId,
        displayName: myself.displayName ?? email,
        email: myself.emailAddress ?? email,
        siteUrl,
      };
      const { linkId, version } = await links.put({
        userId,
        kind: 'personal-token',
        status: 'active',
        ciphertext,
        accountId: actor.accountId,
        displayName: actor.displayName,
        email: actor.email ?? email,
        siteUrl,
        createdAt: now,
        updatedAt: now,
      });
      cache.set(userId, { linkId, version, readAt: now, credentials });
      options.log?.('info', 'personal Jira API token stored', { userId });
      return actor;
    },

    async unlink(userId) {
      cache.delete(userId);
      // An API token can only be revoked by its owner, at id.atlassian.com.
      return (await links.delete(userId)) !== undefined;
    },
  };
}
