/**
 * The gateway's own Jira credential (site URL, account email, API token).
 * It is never the MCP client's token: the MCP server calls Jira as itself.
 * At rest it is only ever envelope-encrypted.
 */
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { EncryptedSecretStore } from '../crypto/encrypted-secret-store.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';
import type { SecretRepository } from '../storage/ports.js';
import { JIRA_ERROR, JiraError } from './errors.js';

/** An account's e-mail and API token, sent as HTTP Basic (Jira Cloud). */
export interface BasicJiraCredentials {
  kind?: 'basic';
  /** Site root, e.g. `https://acme.atlassian.net`, no trailing slash. */
  baseUrl: string;
  email: string;
  apiToken: string;
}

/**
 * A person's OAuth 2.0 (3LO) access token, sent as a Bearer token to
 * Atlassian's API gateway: `baseUrl` is `${apiUrl}/ex/jira/${cloudId}`.
 */
export interface BearerJiraCredentials {
  kind: 'bearer';
  baseUrl: string;
  accessToken: string;
}

export type JiraCredentials = BasicJiraCredentials | BearerJiraCredentials;

/** What Jira said when it refused a credential (for the provider to decide on a retry). */
export interface JiraRejection {
  status: 401;
  /** Jira's (or the API gateway's) answer, for telling an expired token from a missing scope. */
  bodyText: string;
}

export interface JiraCredentialsProvider {
  /** The credential to use now; throws `JiraError('not_configured')` when there is none. */
  get(): Promise<JiraCredentials>;
  /**
   * Jira answered 401 to `credentials` (a Bearer one). The provider may
   * refresh it; true asks the transport to retry once with a fresh `get()`.
   * Absent: a 401 is final.
   * @see RFC 6750 §3.1 (invalid_token)
   */
  rejected?(credentials: JiraCredentials, rejection: JiraRejection): Promise<boolean>;
}

/** Record name in {@link SecretRepository}. */
export const JIRA_CREDENTIALS_RECORD = 'jira.credentials';

/**
 * Bound to the ciphertext, so a blob copied under another record name (say,
 * another secret's) fails to decrypt instead of being read as a credential.
 */
export const JIRA_CREDENTIALS_CONTEXT: Readonly<Record<string, string>> = Object.freeze({
  purpose: 'jira-credentials',
});

const CREDENTIALS_SCHEMA = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'must have no query or fragment')
    // A user:pass@ in the URL would be a second, unencrypted credential.
    .refine((u) => {
      // zod runs refinements after a failed URL check too; a bad URL is reported above.
      if (!URL.canParse(u)) return true;
      const url = new URL(u);
      return url.username === '' && url.password === '';
    }, 'must not contain a user name or password')
    .transform((u) => u.replace(/\/+$/, '')),
  email: z.string().trim().min(1).max(320),
  apiToken: z.string().min(1).max(4096),
});

function notConfigured(): JiraError {
  return new JiraError(
    JIRA_ERROR.notConfigured,
    'No Jira site is configured for this gateway. An administrator must set the Jira base URL, email and API token (for example with `jira set-credentials`).',
  );
}

/**
 * Validates and normalizes a credential (drops the base URL's trailing
 * slash). The thrown error names the bad field, never its value.
 * @see RFC 7617 §2
 */
export function parseJiraCredentials(input: unknown): BasicJiraCredentials {
  const parsed = CREDENTIALS_SCHEMA.safeParse(input);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'credentials'))];
    throw new JiraError(
      JIRA_ERROR.invalidRequest,
      `Invalid Jira credential: check ${fields.join(', ')}.`,
    );
  }
  return parsed.data;
}

/**
 * A provider for a credential given in configuration (`JIRA_BASE_URL`,
 * `JIRA_EMAIL`, `JIRA_API_TOKEN`). Absent or incomplete means not configured.
 * @see RFC 7617 §2
 */
export function staticCredentialsProvider(
  credentials: BasicJiraCredentials | undefined,
): JiraCredentialsProvider {
  const ready =
    credentials !== undefined && credentials.email !== '' && credentials.apiToken !== ''
      ? parseJiraCredentials(credentials)
      : undefined;
  return {
    get: () => (ready === undefined ? Promise.reject(notConfigured()) : Promise.resolve(ready)),
  };
}

/**
 * Keeps the credential envelope-encrypted in the secret store: the JSON
 * `{baseUrl,email,apiToken}` is encrypted under {@link JIRA_CREDENTIALS_CONTEXT}
 * and stored as record {@link JIRA_CREDENTIALS_RECORD}.
 * @see RFC 7617 §2
 */
export class JiraCredentialStore {
  readonly #store: EncryptedSecretStore;

  constructor(secrets: SecretRepository, cipher: SecretCipher, clock: Clock) {
    this.#store = new EncryptedSecretStore(
      secrets,
      cipher,
      clock,
      JIRA_CREDENTIALS_RECORD,
      JIRA_CREDENTIALS_CONTEXT,
    );
  }

  /** Validates, encrypts and stores the credential, replacing any previous one. */
  async set(credentials: BasicJiraCredentials): Promise<void> {
    const valid = parseJiraCredentials(credentials);
    await this.#store.set(JSON.stringify(valid));
  }

  /**
   * The stored credential, or `undefined` when none is stored. A blob that
   * does not decrypt (wrong key, wrong context) or does not parse is a fault
   * and throws a plain Error, never the plaintext.
   */
  async get(): Promise<BasicJiraCredentials | undefined> {
    const plaintext = await this.#store.get();
    if (plaintext === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(plaintext);
    } catch {
      throw new Error('The stored Jira credential is corrupt (not JSON).');
    }
    const parsed = CREDENTIALS_SCHEMA.safeParse(json);
    if (!parsed.success) throw new Error('The stored Jira credential is corrupt (bad shape).');
    return parsed.data;
  }

  /** Deletes the stored credential; false when there was none. */
  clear(): Promise<boolean> {
    return this.#store.clear();
  }
}

/** A provider whose cached value can be dropped after the credential changes. */
export interface CachingCredentialsProvider extends JiraCredentialsProvider {
  /** The stored shared credential is always an e-mail and API token. */
  get(): Promise<BasicJiraCredentials>;
  /** Forgets the cached credential; the next `get()` reads the store again. */
  invalidate(): void;
}

/**
 * Reads the stored credential once (one decrypt, one KMS call) and keeps it
 * in memory. Concurrent first calls share one read. "Not stored" is not
 * cached, so a credential set later is picked up without a restart.
 * @see RFC 7617 §2
 */
export function storedCredentialsProvider(store: JiraCredentialStore): CachingCredentialsProvider {
  let cached: Promise<BasicJiraCredentials> | undefined;
  return {
    get() {
      cached ??= store.get().then((credentials) => {
        if (credentials === undefined) throw notConfigured();
        return credentials;
      });
      const current = cached;
      current.catch(() => {
        if (cached === current) cached = undefined;
      });
      return current;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
