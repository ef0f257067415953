/**
 * The sandbox's one registered 3LO app, the site it grants access to, and
 * the scopes it knows. Everything here is a fixed demo value that only
 * unlocks the local sandbox, never a real Atlassian secret.
 */

/** The sandbox's registered OAuth 2.0 (3LO) app: fixed demo credentials. */
export const SANDBOX_ATLASSIAN_APP = {
  clientId: 'sandbox-3lo-app-5f0c6a2e9b1d4c7a',
  clientSecret: 'sandbox-3lo-secret-8d4e2b7c1a9f4e6d0c3b5a7e9f1d2c4b',
} as const;

/** The sandbox site's cloud id (the `id` in accessible-resources, `{cloudId}` in `/ex/jira/{cloudId}`). */
export const SANDBOX_CLOUD_ID = '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The site's name in accessible-resources. */
export const SANDBOX_SITE_NAME = 'Jira Sandbox';

/** Every sandbox account's password at the sandbox's authorize page. Sandbox-only. */
export const SANDBOX_PASSWORD = 'sandbox';

/** The only `audience` Atlassian's authorize endpoint serves for Jira. */
export const ATLASSIAN_AUDIENCE = 'api.atlassian.com';

/**
 * The classic scopes the sandbox grants (Jira platform and user identity),
 * with the words its consent screen shows.
 * @see https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
 */
export const KNOWN_SCOPES: Readonly<Record<string, string>> = {
  'read:jira-work': 'View Jira issue data',
  'write:jira-work': 'Create and manage issues',
  'read:jira-user': 'View user profiles',
  'manage:jira-project': 'Manage project settings',
  'manage:jira-configuration': 'Manage Jira global settings',
  'manage:jira-webhook': 'Manage Jira webhooks',
  'read:me': 'View your profile (name, e-mail address, avatar)',
  offline_access: 'Keep access while you are away (refresh tokens)',
};

/** Scopes that stay with the token and are not a site's (left out of accessible-resources). */
export const IDENTITY_SCOPES: ReadonlySet<string> = new Set(['read:me', 'offline_access']);

// Any port: the gateway's PUBLIC_URL differs per machine, and only loopback is matched this way.
const LOOPBACK_CALLBACK =
  /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d{1,5})?\/jira\/oauth\/callback$/;

/**
 * The app's redirect URIs: `http://127.0.0.1:{any port}/jira/oauth/callback`
 * and the same on `localhost`, plus exact URIs registered at runtime (tests,
 * a gateway on another origin). Matching is exact, as Atlassian's is.
 */
export class RedirectUriRegistry {
  readonly #extra = new Set<string>();

  constructor(extra: readonly string[] = []) {
    for (const uri of extra) this.register(uri);
  }

  /**
   * Allows one more exact redirect URI (an absolute http(s) URL without a fragment).
   * @see RFC 6749 §3.1.2
   */
  register(uri: string): void {
    const url = new URL(uri);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') {
      throw new Error(`not a redirect URI: ${uri}`);
    }
    this.#extra.add(uri);
  }

  /**
   * Whether `uri` is one of the app's redirect URIs, compared as a string.
   * @see RFC 6749 §3.1.2.3
   */
  allows(uri: string): boolean {
    return this.#extra.has(uri) || LOOPBACK_CALLBACK.test(uri);
  }
}

/** Parses a space-separated scope list into unique scopes, keeping order. */
export function parseScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter((part) => part !== ''))];
}
