/**
 * Whose Jira account acts, on Lambda (JIRA_AUTH): the per-person Jira
 * (interface D) both functions build in the per-person modes, over the
 * shared table and the KMS cipher. The OAuth function links people (the
 * step inside /authorize, the Atlassian callback, /account) and so stores
 * their tokens; the MCP function acts as them and refreshes their tokens.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';
import type { Logger } from '../http/logger.js';
import { createPersonalJira, type PersonalJira } from '../jira/person/personal-jira.js';
import type { Storage } from '../storage/ports.js';

export interface LambdaPersonalJiraDeps {
  config: Config;
  storage: Storage;
  /** Required by the per-person modes (lambda-config.ts refuses them without KMS_KEY_ID). */
  cipher: SecretCipher | undefined;
  clock: Clock;
  logger: Logger;
}

/**
 * The {@link PersonalJira} of a per-person mode, on the site of
 * JIRA_BASE_URL (`personal-token`: required; `atlassian-oauth`: chosen among
 * the sites a person grants when set). Undefined in service mode: there the
 * MCP function calls Jira with the shared credential and the OAuth function
 * never holds it (it cannot decrypt the Jira credential; its consent page
 * names the shared account from the stored non-secret description, see
 * jira/shared-account.ts).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function lambdaPersonalJira(deps: LambdaPersonalJiraDeps): PersonalJira | undefined {
  const { config, cipher, logger } = deps;
  if (config.jiraAuth === 'service') return undefined;
  if (cipher === undefined) {
    // loadLambdaConfig refuses a per-person mode without KMS_KEY_ID; reaching here is a bug.
    throw new Error(`JIRA_AUTH=${config.jiraAuth} needs the KMS cipher`);
  }
  const site = config.jira?.baseUrl;
  return createPersonalJira({
    config,
    storage: deps.storage,
    cipher,
    clock: deps.clock,
    ...(site === undefined ? {} : { siteUrl: site }),
    log: (level, message, detail) => {
      logger[level](message, detail);
    },
  });
}
