/**
 * What each function may ask KMS to do with the secrets key, per JIRA_AUTH
 * mode: which encryption-context purposes it may unwrap (kms:Decrypt) and
 * under which it may have data keys made (kms:GenerateDataKey, the only call
 * the Encryption SDK's KMS keyring makes to encrypt with a single key; it
 * never calls kms:Encrypt). Every stored secret is encrypted under one
 * purpose (src/**: *_CONTEXT), so a function that may unwrap the OpenID
 * client secret still cannot unwrap the Jira credential, and vice versa.
 */
import { OIDC_CLIENT_SECRET_CONTEXT } from '../src/accounts/oidc/client-secret-store.js';
import { JIRA_CREDENTIALS_CONTEXT } from '../src/jira/credentials.js';
import { ATLASSIAN_CLIENT_SECRET_CONTEXT } from '../src/jira/person/atlassian-client-secret-store.js';
import { linkSecretContext } from '../src/jira/person/link-secrets.js';
import type { JiraAuthMode } from '../src/jira/person/personal-jira.js';
import type { GatewayFunction } from './routes.js';

function purposeOf(context: Readonly<Record<string, string>>): string {
  const purpose = context.purpose;
  if (purpose === undefined) throw new Error('every secret context names its purpose');
  return purpose;
}

/** The purposes of the secrets the functions may touch. */
export const PURPOSE = {
  jiraCredentials: purposeOf(JIRA_CREDENTIALS_CONTEXT),
  oidcClientSecret: purposeOf(OIDC_CLIENT_SECRET_CONTEXT),
  atlassianClientSecret: purposeOf(ATLASSIAN_CLIENT_SECRET_CONTEXT),
  // One purpose for every person and kind of link (the context adds userId and kind).
  jiraLink: purposeOf(linkSecretContext('', 'personal-token')),
} as const;

export interface KmsGrants {
  /** Purposes the function may decrypt (kms:Decrypt). */
  decrypt: readonly string[];
  /** Purposes the function may encrypt under (kms:GenerateDataKey). */
  encrypt: readonly string[];
}

export interface KmsGrantOptions {
  jiraAuth: JiraAuthMode;
  /** An OpenID provider that may use a confidential client (not the stack's own Cognito pool, a public client). */
  oidcClientSecret: boolean;
}

/**
 * The grants of `fn`:
 * - OAuth: the OpenID client secret when sign-in goes through a provider;
 *   in atlassian-oauth it stores each person's tokens at the link callback
 *   with the Atlassian client secret for the code exchange; in
 *   personal-token it stores the person's token. It only ever seals links
 *   (kms:GenerateDataKey), never opens one: unlink deletes the record
 *   (Atlassian has no 3LO revocation endpoint, an API token is revoked by
 *   its owner) and the pages read only the link's plain metadata. Least
 *   privilege: a flaw in the public sign-in function cannot unwrap tokens.
 * - MCP: the Jira credential in service mode; in atlassian-oauth a person's
 *   tokens, refreshed and stored again with the Atlassian client secret;
 *   in personal-token the person's token, read only.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 */
export function kmsGrants(fn: GatewayFunction, options: KmsGrantOptions): KmsGrants {
  const decrypt: string[] = [];
  const encrypt: string[] = [];
  if (fn === 'oauth') {
    if (options.oidcClientSecret) decrypt.push(PURPOSE.oidcClientSecret);
    if (options.jiraAuth === 'atlassian-oauth') {
      decrypt.push(PURPOSE.atlassianClientSecret);
      encrypt.push(PURPOSE.jiraLink);
    }
    if (options.jiraAuth === 'personal-token') encrypt.push(PURPOSE.jiraLink);
  } else {
    if (options.jiraAuth === 'service') decrypt.push(PURPOSE.jiraCredentials);
    if (options.jiraAuth === 'atlassian-oauth') {
      decrypt.push(PURPOSE.jiraLink, PURPOSE.atlassianClientSecret);
      encrypt.push(PURPOSE.jiraLink);
    }
    if (options.jiraAuth === 'personal-token') decrypt.push(PURPOSE.jiraLink);
  }
  return { decrypt, encrypt };
}
