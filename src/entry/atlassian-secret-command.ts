/**
 * `atlassian set-client-secret`: an administrator stores the client secret
 * of the gateway's Atlassian OAuth 2.0 (3LO) app, envelope-encrypted (under
 * KMS_KEY_ID on AWS), for JIRA_AUTH=atlassian-oauth. The secret is read from
 * standard input only: an argument would land in shell history and in every
 * process listing.
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { AtlassianClientSecretStore } from '../jira/person/atlassian-client-secret-store.js';
import { CLI_ORIGIN, type AdminCommand } from './command-kit.js';
import { PROGRAM } from './io.js';

/**
 * Encrypts and stores the secret (one line from standard input, without its
 * trailing newline), replacing any earlier one; audited as
 * `atlassian.client_secret_set` without the secret.
 * @see RFC 6749 §2.3.1 (client password)
 */
export const ATLASSIAN_SET_CLIENT_SECRET: AdminCommand = {
  name: 'atlassian set-client-secret',
  usage: 'atlassian set-client-secret',
  summary: 'store the Atlassian OAuth app client secret (from stdin), encrypted',
  details: `Reads the client secret of the gateway's Atlassian OAuth 2.0 (3LO) app from
standard input (one line; type it and press Ctrl-D, or pipe it in) and stores it
envelope-encrypted: under the KMS key of KMS_KEY_ID when set (AWS), else under
the local master key. It is never taken as an argument.

Used with JIRA_AUTH=atlassian-oauth when ATLASSIAN_CLIENT_SECRET is not set
(on AWS that setting is refused: store the secret here). Running gateways read
the new secret within five minutes. Recorded in the audit trail as
atlassian.client_secret_set.

  ${PROGRAM} atlassian set-client-secret < secret.txt`,
  options: {},
  arity: 0,
  async run(rt, _args, _values, io) {
    const secret = (await io.readStdin()).replace(/\r?\n$/, '');
    try {
      await new AtlassianClientSecretStore(rt.storage.secrets, rt.cipher, rt.clock).set(secret);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      io.stderr(`${PROGRAM}: ${error.message}\n`);
      return 1;
    }
    await rt.audit.record({
      type: AUDIT_EVENT.atlassianClientSecretSet,
      outcome: 'success',
      ...CLI_ORIGIN,
    });
    io.stdout(
      'Stored the Atlassian client secret, encrypted. It is used when ATLASSIAN_CLIENT_SECRET is not set; running gateways use it within five minutes.\n',
    );
    return 0;
  },
};
