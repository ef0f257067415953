/**
 * Configuration of the two Lambda functions: the one config module, plus
 * the rules only the AWS deployment has (DynamoDB storage, no secret in an
 * environment variable, a KMS key for the Jira credential).
 */
import { ConfigError, loadConfig, type Config } from '../config/config.js';

/** Which half of the gateway a function serves. */
export type LambdaRole = 'oauth' | 'mcp';

export interface LambdaConfig {
  config: Config;
  dynamoDb: NonNullable<Config['dynamoDb']>;
  /** The MCP role requires it (it decrypts the Jira credential); the OAuth role never decrypts. */
  kmsKeyId?: string;
}

/**
 * Settings that hold a secret. A Lambda's environment is readable by anyone
 * allowed `lambda:GetFunctionConfiguration` and lands in deployment
 * templates, so on Lambda these are refused outright: the Jira credential is
 * read from DynamoDB (KMS-encrypted), and no master key or introspection
 * secret is needed.
 */
const SECRET_SETTINGS = [
  'JIRA_API_TOKEN',
  'MASTER_KEY',
  'INTROSPECTION_CLIENT_SECRET',
  // Stored KMS-encrypted with `oidc set-client-secret` instead.
  'OIDC_CLIENT_SECRET',
] as const;

/** The Jira site comes from the stored credential, so a half-configured env one would mislead. */
const STORED_ONLY_SETTINGS = ['JIRA_BASE_URL', 'JIRA_EMAIL'] as const;

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
  for (const name of [...SECRET_SETTINGS, ...STORED_ONLY_SETTINGS]) {
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(
        `${name}: must not be set on Lambda (store the Jira credential with \`jira set-credentials\` and STORAGE=dynamodb, KMS_KEY_ID)`,
      );
    }
  }
  if (problems.length > 0) throw invalid(problems);

  const config = loadConfig({ ...env, ROLE: role });
  if (config.storage !== 'dynamodb' || config.dynamoDb === undefined) {
    throw invalid(['STORAGE: must be dynamodb on Lambda (a function has no lasting disk)']);
  }
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
