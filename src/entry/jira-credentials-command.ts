/**
 * `jira set-credentials`: an administrator stores the gateway's shared Jira
 * credential (JIRA_AUTH=service), envelope-encrypted (under KMS_KEY_ID on
 * AWS), after Jira has accepted it on `/myself`. Who Jira says it is gets
 * stored too, in the clear and without the token, so that a process that
 * may not decrypt the credential (the OAuth function on AWS) can name the
 * shared account on the consent page. The token is read from standard input
 * only: an argument would land in shell history and in every process listing.
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import type { Clock } from '../clock.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';
import { JiraClient } from '../jira/client.js';
import {
  JiraCredentialStore,
  parseJiraCredentials,
  staticCredentialsProvider,
  type BasicJiraCredentials,
} from '../jira/credentials.js';
import { JIRA_ERROR, JiraError } from '../jira/errors.js';
import {
  describeSharedAccount,
  SharedJiraAccountStore,
  type SharedJiraAccount,
} from '../jira/shared-account.js';
import type { SecretRepository } from '../storage/ports.js';
import { UsageError } from './args.js';
import { CLI_ORIGIN, type AdminCommand } from './command-kit.js';
import { PROGRAM } from './io.js';

/** Where {@link storeSharedCredential} keeps the credential and its description. */
export interface SharedCredentialDeps {
  secrets: SecretRepository;
  /** Encrypts the credential (KMS on AWS). */
  cipher: SecretCipher;
  clock: Clock;
}

/**
 * Asks Jira who `credentials` is (`/myself`) with `client` (undefined:
 * unchecked), then stores the credential encrypted and the account's
 * non-secret description next to it; an unchecked credential clears any
 * description, so an earlier account's name is never shown for it. Throws
 * the JiraError (nothing stored) when Jira refuses the credential or cannot
 * be reached.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
 */
export async function storeSharedCredential(
  deps: SharedCredentialDeps,
  credentials: BasicJiraCredentials,
  client: JiraClient | undefined,
): Promise<SharedJiraAccount | undefined> {
  const account =
    client === undefined ? undefined : await describeSharedAccount(client, credentials.baseUrl);
  await new JiraCredentialStore(deps.secrets, deps.cipher, deps.clock).set(credentials);
  const described = new SharedJiraAccountStore(deps.secrets, deps.clock);
  if (account === undefined) await described.clear();
  else await described.set(account);
  return account;
}

function refusal(error: JiraError): string {
  // Jira Cloud may answer a refused credential as an anonymous visitor (any
  // status, X-Seraph-LoginReason); the message says so, without the token.
  if (error.code === JIRA_ERROR.unauthorized && error.status !== 401) {
    return `${PROGRAM}: ${error.message} Nothing was stored.\n`;
  }
  if (error.code === JIRA_ERROR.unauthorized) {
    return `${PROGRAM}: Jira refused this credential (401 on /rest/api/3/myself): check --base-url, --email and the API token. Nothing was stored.\n`;
  }
  return `${PROGRAM}: could not check the credential with Jira (${error.code}): ${error.message} Nothing was stored; --skip-verify stores it unchecked.\n`;
}

/**
 * Validates the credential, asks Jira who it is (`/myself`, unless
 * `--skip-verify`), then stores it encrypted with the account's non-secret
 * description; audited as `jira.credentials_set` with the site host only.
 * @see RFC 7617 §2
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
 */
export const JIRA_SET_CREDENTIALS: AdminCommand = {
  name: 'jira set-credentials',
  usage: 'jira set-credentials --base-url URL --email EMAIL [--skip-verify]',
  summary: 'store the Jira credential (API token from stdin), encrypted',
  details: `Reads the API token from standard input and checks the credential with Jira
(GET /rest/api/3/myself); a credential Jira refuses is not stored (exit 1).
It is stored envelope-encrypted: under the KMS key of KMS_KEY_ID when set (AWS),
else under the local master key. The account Jira names (account id, display
name, e-mail, site; never the token) is stored unencrypted next to it, so the
consent page can name the shared account where the credential cannot be
decrypted (the OAuth function on AWS).

--skip-verify stores the credential without asking Jira (when this machine
cannot reach it); the consent page then says "the gateway's shared Jira
account" without a name.`,
  options: {
    'base-url': { type: 'string' },
    email: { type: 'string' },
    'skip-verify': { type: 'boolean' },
  },
  arity: 0,
  async run(rt, _args, values, io, config) {
    const baseUrl = values['base-url'];
    const email = values.email;
    if (typeof baseUrl !== 'string' || typeof email !== 'string')
      throw new UsageError('--base-url and --email are required');
    // Checked before the token is read, and before the credential schema,
    // whose other rules assume a parseable URL.
    if (!URL.canParse(baseUrl) || !['http:', 'https:'].includes(new URL(baseUrl).protocol))
      throw new UsageError('--base-url must be an http(s) URL, e.g. https://acme.atlassian.net');
    const apiToken = (await io.readStdin()).trim();
    let account: SharedJiraAccount | undefined;
    try {
      const credentials = parseJiraCredentials({
        baseUrl: baseUrl.replace(/\/+$/, ''),
        email,
        apiToken,
      });
      const client =
        values['skip-verify'] === true
          ? undefined
          : new JiraClient({
              credentials: staticCredentialsProvider(credentials),
              timeoutMs: config.jiraTimeoutMs,
              maxRetries: config.jiraMaxRetries,
              clock: rt.clock,
            });
      account = await storeSharedCredential(
        { secrets: rt.storage.secrets, cipher: rt.cipher, clock: rt.clock },
        credentials,
        client,
      );
    } catch (error) {
      // Only a Jira error is the operator's to fix; its message names the bad
      // field or Jira's (redacted) answer, never the token.
      if (!(error instanceof JiraError)) throw error;
      io.stderr(
        error.code === JIRA_ERROR.invalidRequest && error.status === undefined
          ? `${PROGRAM}: ${error.message}\n`
          : refusal(error),
      );
      return 1;
    }
    await rt.audit.record({
      type: AUDIT_EVENT.jiraCredentialsSet,
      outcome: 'success',
      ...CLI_ORIGIN,
      detail: { site: new URL(baseUrl).host },
    });
    io.stdout(`Stored the Jira credential for ${email} at ${baseUrl}, encrypted.\n`);
    io.stdout(
      account === undefined
        ? 'Not checked with Jira (--skip-verify): the consent page on AWS will not name the shared account.\n'
        : `Jira accepted it as ${account.displayName} (account ${account.accountId}); the consent page names this shared account.\n`,
    );
    return 0;
  },
};
