/**
 * Configuration of the two Lambda functions: the one config module, plus
 * the rules only the AWS deployment has (DynamoDB storage, no secret in an
 * environment variable, a KMS key for the stored secrets).
 */
import { ConfigError, loadConfig, type Config } from '../config/config.js';

/** Which half of the gateway a function serves. */
export type LambdaRole = 'oauth' | 'mcp';

export interface LambdaConfig {
  config: Config;
  dynamoDb: NonNullable<Config['dynamoDb']>;
  /**
   * The KMS key of every stored secret. The MCP role requires it (it decrypts
   * the Jira credential); the OAuth role uses it when given (the stored
   * OpenID client secret, a person's Jira link) and runs without it.
   */
  kmsKeyId?: string;
}

/**
 * Settings that hold a secret, each with where it is kept instead. A
 * Lambda's environment is readable by anyone allowed
 * `lambda:GetFunctionConfiguration` and lands in deployment templates, so on
 * Lambda these are refused outright: the secrets are read from DynamoDB
 * (KMS-encrypted), and no master key or introspection secret is needed.
 */
const SECRET_SETTINGS: Readonly<Record<string, string>> = {
  JIRA_API_TOKEN: 'store the Jira credential with `jira set-credentials`',
  MASTER_KEY: 'the stored secrets are encrypted under KMS_KEY_ID',
  INTROSPECTION_CLIENT_SECRET: 'the MCP function checks tokens in-process',
  OIDC_CLIENT_SECRET: 'store it encrypted with `oidc set-client-secret`',
  ATLASSIAN_CLIENT_SECRET: 'store it encrypted with `atlassian set-client-secret`',
};

/**
 * In service mode the Jira site and account come from the stored
 * credential, so a half-configured env one would mislead. (In the
 * per-person modes JIRA_BASE_URL names the site people link to.)
 */
const STORED_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  JIRA_BASE_URL: 'the site is stored with `jira set-credentials`',
  JIRA_EMAIL: 'the account is stored with `jira set-credentials`',
};

/**
 * The per-person modes on Lambda: no built-in sandbox to play Atlassian or
 * Jira, and each person's tokens are written and read under the KMS key.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
function personalModeProblems(config: Config): string[] {
  if (config.jiraAuth === 'service') return [];
  const problems: string[] = [];
  if (config.kmsKeyId === undefined) {
    problems.push(
      `KMS_KEY_ID: required with JIRA_AUTH=${config.jiraAuth} (each person's Jira tokens are stored encrypted under it)`,
    );
  }
  if (config.jiraAuth === 'atlassian-oauth' && config.atlassian === undefined) {
    problems.push(
      'ATLASSIAN_CLIENT_ID: required with JIRA_AUTH=atlassian-oauth on Lambda (there is no built-in sandbox to play Atlassian)',
    );
  }
  if (config.jiraAuth === 'personal-token' && config.jira === undefined) {
    problems.push(
      'JIRA_BASE_URL: required with JIRA_AUTH=personal-token on Lambda (the site people store their tokens for)',
    );
  }
  return problems;
}

function invalid(lines: string[]): ConfigError {
  return new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
}

/**
 * Loads the configuration of one Lambda function. `ROLE` is the handler's,
 * whatever the environment says. Throws {@link ConfigError} naming every
 * setting at fault (never its value).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
 */
export function loadLambdaConfig(
  env: Readonly<Record<string, string | undefined>>,
  role: LambdaRole,
): LambdaConfig {
  const problems: string[] = [];
  const service = (env.JIRA_AUTH ?? '') === '' || env.JIRA_AUTH === 'service';
  const refused = service ? { ...SECRET_SETTINGS, ...STORED_ONLY_SETTINGS } : SECRET_SETTINGS;
  for (const [name, instead] of Object.entries(refused)) {
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}: must not be set on Lambda (${instead}; docs/deploy-aws.md)`);
    }
  }
  if (problems.length > 0) throw invalid(problems);

  // API Gateway buffers a Lambda's response: an elicitation written on the
  // SSE stream of a tools/call would reach the client only after the call
  // ended, so destructive calls need `confirm: true` there (docs/clients.md).
  const config = Object.freeze({
    ...loadConfig({ ...env, ROLE: role }),
    confirmByElicitation: false,
  });
  if (config.storage !== 'dynamodb' || config.dynamoDb === undefined) {
    throw invalid(['STORAGE: must be dynamodb on Lambda (a function has no lasting disk)']);
  }
  const personal = personalModeProblems(config);
  if (personal.length > 0) throw invalid(personal);
  // API Gateway's requestContext.http.sourceIp is the address it saw on the
  // connection; X-Forwarded-For in the event carries whatever the client sent.
  if (config.trustProxyHops !== 0) {
    throw invalid([
      'TRUST_PROXY: must be false on Lambda (the client address is API Gateway’s sourceIp)',
    ]);
  }
  return {
    config,
    dynamoDb: config.dynamoDb,
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
  };
}
