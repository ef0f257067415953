/**
 * Who the shared Jira credential (JIRA_AUTH=service) acts as, kept apart
 * from the credential and in the clear: account id, display name, e-mail
 * and site, never the token. A process that must not decrypt the credential
 * (the OAuth function on Lambda) reads this to name the shared account on
 * the consent page.
 *
 * It sits in the secret store as its own record (the store is a name ->
 * bytes map; this record's bytes are plain UTF-8 JSON, not ciphertext), so
 * no table, column or IAM action is added. It carries the `updatedAt` of the
 * credential record it describes: a credential stored afterwards without a
 * new description (an older version's `jira set-credentials`) makes it
 * stale, and a stale one is never shown.
 */
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { SecretRepository } from '../storage/ports.js';
import type { JiraClient } from './client.js';
import { JIRA_CREDENTIALS_RECORD } from './credentials.js';

/** Record name in {@link SecretRepository} (plain JSON, not encrypted: nothing in it is secret). */
export const JIRA_SHARED_ACCOUNT_RECORD = 'jira.shared_account';

/** The shared account as `/myself` named it. Never carries a secret. */
export interface SharedJiraAccount {
  accountId: string;
  displayName: string;
  email?: string;
  /** The credential's site, e.g. `https://acme.atlassian.net`. */
  siteUrl: string;
}

const DESCRIPTOR_SCHEMA = z.object({
  accountId: z.string().min(1).max(128),
  displayName: z.string().min(1).max(255),
  email: z.string().min(1).max(320).optional(),
  siteUrl: z.url({ protocol: /^https?$/ }).max(2048),
  /** The credential record's `updatedAt` when this was written. */
  credentialUpdatedAt: z.number().int(),
});

/**
 * Reads and writes the {@link SharedJiraAccount} description next to the
 * stored credential.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export class SharedJiraAccountStore {
  readonly #secrets: SecretRepository;
  readonly #clock: Clock;

  constructor(secrets: SecretRepository, clock: Clock) {
    this.#secrets = secrets;
    this.#clock = clock;
  }

  /** The `updatedAt` of the credential record stored now, if any (no decryption). */
  async credentialUpdatedAt(): Promise<number | undefined> {
    return (await this.#secrets.get(JIRA_CREDENTIALS_RECORD))?.updatedAt;
  }

  /**
   * Describes the credential stored now, tying the description to that
   * credential record's `updatedAt`. With `expectedUpdatedAt` (read before
   * asking Jira), writes nothing and answers false when the credential was
   * replaced meanwhile, so a description never lands on another credential.
   */
  async set(account: SharedJiraAccount, expectedUpdatedAt?: number): Promise<boolean> {
    const credential = await this.#secrets.get(JIRA_CREDENTIALS_RECORD);
    if (credential === undefined) return false;
    if (expectedUpdatedAt !== undefined && credential.updatedAt !== expectedUpdatedAt) return false;
    const descriptor = DESCRIPTOR_SCHEMA.parse({
      accountId: account.accountId,
      displayName: account.displayName,
      ...(account.email === undefined ? {} : { email: account.email }),
      siteUrl: account.siteUrl,
      credentialUpdatedAt: credential.updatedAt,
    });
    await this.#secrets.put({
      name: JIRA_SHARED_ACCOUNT_RECORD,
      ciphertext: new TextEncoder().encode(JSON.stringify(descriptor)),
      updatedAt: this.#clock.now(),
    });
    return true;
  }

  /**
   * The description of the credential stored now; undefined when there is
   * none, when it describes an earlier credential, or when it does not parse
   * (better no name than a wrong one).
   */
  async get(): Promise<SharedJiraAccount | undefined> {
    const [record, credential] = await Promise.all([
      this.#secrets.get(JIRA_SHARED_ACCOUNT_RECORD),
      this.#secrets.get(JIRA_CREDENTIALS_RECORD),
    ]);
    if (record === undefined || credential === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(record.ciphertext));
    } catch {
      return undefined;
    }
    const parsed = DESCRIPTOR_SCHEMA.safeParse(json);
    if (!parsed.success || parsed.data.credentialUpdatedAt !== credential.updatedAt) {
      return undefined;
    }
    const { accountId, displayName, email, siteUrl } = parsed.data;
    return { accountId, displayName, ...(email === undefined ? {} : { email }), siteUrl };
  }

  /** Deletes the description; false when there was none. */
  clear(): Promise<boolean> {
    return this.#secrets.delete(JIRA_SHARED_ACCOUNT_RECORD);
  }
}

/**
 * Asks Jira who `client`'s credential is (`/myself`); throws the client's
 * JiraError when Jira refuses it (`unauthorized`) or cannot be reached.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
 */
export async function describeSharedAccount(
  client: JiraClient,
  siteUrl: string,
): Promise<SharedJiraAccount> {
  const me = await client.getMyself();
  // Jira hides the e-mail (empty) under some privacy settings; a name is never empty here.
  const displayName =
    me.displayName === undefined || me.displayName === '' ? me.accountId : me.displayName;
  return {
    accountId: me.accountId,
    displayName: displayName.slice(0, 255),
    ...(me.emailAddress === undefined || me.emailAddress === '' ? {} : { email: me.emailAddress }),
    siteUrl,
  };
}
