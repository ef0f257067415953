/**
 * Extra gateway settings an operator may pass to both functions through the
 * CDK context (`-c settings='{"JIRA_PROJECTS":"DEMO"}'`). Secrets and the
 * settings the stack owns are refused at synth, before anything is deployed.
 */

/** Never in a Lambda environment (the handlers refuse them too: src/entry/lambda-config.ts). */
const SECRET_SETTINGS = new Set([
  'JIRA_API_TOKEN',
  'JIRA_EMAIL',
  'JIRA_BASE_URL',
  'MASTER_KEY',
  'INTROSPECTION_CLIENT_SECRET',
  'INTROSPECTION_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
]);

/** Set by the stack from its own resources. */
const STACK_SETTINGS = new Set([
  'STORAGE',
  'DYNAMODB_TABLE',
  'DYNAMODB_ENDPOINT',
  'KMS_KEY_ID',
  'PUBLIC_URL',
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
    if (SECRET_SETTINGS.has(name)) {
      throw new Error(
        `context "settings": ${name} must not be set on Lambda; store the Jira credential with \`jira set-credentials\` (docs/deploy-aws.md)`,
      );
    }
    if (STACK_SETTINGS.has(name) || LOCAL_ONLY_SETTINGS.has(name)) {
      throw new Error(`context "settings": ${name} is set by the stack or unused on Lambda`);
    }
    out[name] = setting;
  }
  return out;
}
