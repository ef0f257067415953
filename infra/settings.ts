/**
 * Extra gateway settings an operator may pass to both functions through the
 * CDK context (`-c settings='{"JIRA_PROJECTS":"DEMO"}'`). Secrets and the
 * settings the stack owns are refused at synth, before anything is deployed.
 */

/**
 * Never in a Lambda environment (the handlers refuse the secrets too:
 * src/entry/lambda-config.ts), each with where it is kept instead.
 */
const SECRET_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['JIRA_API_TOKEN', 'store the Jira credential with `jira set-credentials`'],
  ['JIRA_EMAIL', 'store the Jira credential with `jira set-credentials`'],
  ['MASTER_KEY', 'the stored secrets are encrypted under the KMS key of the stack'],
  ['INTROSPECTION_CLIENT_SECRET', 'the MCP function checks tokens in-process'],
  ['INTROSPECTION_CLIENT_ID', 'the MCP function checks tokens in-process'],
  ['OIDC_CLIENT_SECRET', 'store it with `oidc set-client-secret`'],
  ['ATLASSIAN_CLIENT_SECRET', 'store it with `atlassian set-client-secret`'],
  // Container settings (serve only) that hold a secret: in a Lambda
  // environment they would sit in plaintext in the template and the console.
  ['DATABASE_URL', 'the stack stores everything in DynamoDB (STORAGE=postgres is for serve)'],
  ['METRICS_TOKEN', 'the functions serve no /metrics (it is served by `serve` only)'],
]);

/** Set by the stack from its own resources or its Jira props (jiraAuth, jiraBaseUrl, atlassian). */
const STACK_SETTINGS = new Set([
  'JIRA_AUTH',
  'JIRA_BASE_URL',
  'ATLASSIAN_CLIENT_ID',
  'ATLASSIAN_AUTH_URL',
  'ATLASSIAN_API_URL',
  'STORAGE',
  'DYNAMODB_TABLE',
  'DYNAMODB_ENDPOINT',
  'KMS_KEY_ID',
  'PUBLIC_URL',
  'MCP_PUBLIC_URL',
  'ROLE',
  // Reserved by Lambda itself.
  'AWS_REGION',
]);

/** Meaningless on Lambda: no socket, no disk, API Gateway terminates TLS. */
const LOCAL_ONLY_SETTINGS = new Set(['PORT', 'HOST', 'DATA_DIR', 'TLS_CERT', 'TLS_KEY']);

/**
 * Validates context settings: upper-case names with string values, none of
 * them a secret, stack-owned or local-only. Throws naming the setting.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function parseExtraSettings(input: unknown): Record<string, string> {
  if (input === undefined) return {};
  const value: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('context "settings" must be an object of setting name to string value');
  }
  const out: Record<string, string> = {};
  for (const [name, setting] of Object.entries(value)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || typeof setting !== 'string') {
      throw new Error(`context "settings": ${name} must be an upper-case name with a string value`);
    }
    const instead = SECRET_SETTINGS.get(name);
    if (instead !== undefined) {
      throw new Error(
        `context "settings": ${name} must not be set on Lambda; ${instead} (docs/deploy-aws.md)`,
      );
    }
    if (STACK_SETTINGS.has(name) || LOCAL_ONLY_SETTINGS.has(name)) {
      throw new Error(
        `context "settings": ${name} is set by the stack (or its jiraAuth, jiraBaseUrl, atlassian* context) or unused on Lambda`,
      );
    }
    out[name] = setting;
  }
  return out;
}
