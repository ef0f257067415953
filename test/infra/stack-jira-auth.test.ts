/**
 * The stored secrets key in the CDK app's template, per JIRA_AUTH mode and
 * sign-in: each function may unwrap (kms:Decrypt) or have data keys made
 * (kms:GenerateDataKey) only for the encryption-context purposes its code
 * uses, on that one key; the Jira settings reach both functions as props;
 * no function's environment holds a secret.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jiraSettings } from '../../infra/gateway-stack.js';
import { MCP_TABLE_ACTIONS, OAUTH_TABLE_ACTIONS } from '../../infra/table-actions.js';
import { parseExtraSettings } from '../../infra/settings.js';
import {
  logicalId,
  prebuildStackFixture,
  resourcesOf,
  statementsOf,
  type StackFixture,
  type Statement,
} from './template-helpers.js';

const ATLASSIAN = {
  clientId: 'aTlAsSiAnClIeNtId0123',
  authUrl: 'https://auth.atlassian.example',
  apiUrl: 'https://api.atlassian.example',
};
const SITE = 'https://acme.atlassian.net';

let fixture: StackFixture;
let service: Template;
let oidc: Template;
let threeLo: Template;
let personal: Template;

beforeAll(async () => {
  fixture = await prebuildStackFixture();
  service = fixture.synth();
  oidc = fixture.synth({
    settings: parseExtraSettings(
      '{"OIDC_ISSUER":"https://login.acme.example","OIDC_CLIENT_ID":"gw"}',
    ),
  });
  threeLo = fixture.synth({ jiraAuth: 'atlassian-oauth', jiraBaseUrl: SITE, atlassian: ATLASSIAN });
  personal = fixture.synth({ jiraAuth: 'personal-token', jiraBaseUrl: SITE });
}, 240_000);
afterAll(() => {
  fixture.close();
});

interface FunctionView {
  statements: Statement[];
  variables: Record<string, unknown>;
}

function fn(t: Template, description: 'OAuth' | 'MCP'): FunctionView {
  const found = Object.values(resourcesOf(t, 'AWS::Lambda::Function')).find((f) =>
    String(f.Properties.Description).includes(description),
  );
  const role = JSON.stringify(found?.Properties.Role).match(/"Fn::GetAtt":\["([^"]+)"/)?.[1] ?? '';
  return {
    statements: statementsOf(t, role),
    variables: (found?.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
  };
}

/** The statements on the secrets key, as `action -> purposes` (sorted). */
function secretsKeyGrants(t: Template, f: FunctionView): Record<string, string[]> {
  const key = logicalId(t, 'AWS::KMS::Key', (p) => String(p.Description).includes('Jira'));
  const out: Record<string, string[]> = {};
  for (const s of f.statements.filter((st) => JSON.stringify(st.Resource).includes(key))) {
    expect(s.Effect).toBe('Allow');
    expect(s.Resource).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(Object.keys(s.Condition ?? {})).toEqual(['StringEquals']);
    expect(Object.keys(s.Condition?.StringEquals ?? {})).toEqual(['kms:EncryptionContext:purpose']);
    const purposes = [s.Condition?.StringEquals?.['kms:EncryptionContext:purpose']].flat();
    for (const action of [s.Action].flat()) {
      out[action] = [...(out[action] ?? []), ...purposes.map(String)].sort();
    }
  }
  return out;
}

function tableActions(f: FunctionView): string[] {
  return f.statements
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

describe('GatewayStack: the secrets key per JIRA_AUTH mode (least privilege)', () => {
  it('service mode: the MCP function decrypts the Jira credential only; the OAuth function has no grant and no KMS_KEY_ID', () => {
    const oauth = fn(service, 'OAuth');
    const mcp = fn(service, 'MCP');
    expect(secretsKeyGrants(service, oauth)).toEqual({});
    expect(oauth.variables.KMS_KEY_ID).toBeUndefined();
    expect(secretsKeyGrants(service, mcp)).toEqual({ 'kms:Decrypt': ['jira-credentials'] });
    expect(tableActions(mcp)).toEqual([...MCP_TABLE_ACTIONS].sort());
    expect(mcp.variables.JIRA_AUTH).toBe('service');
  });

  it('an OpenID provider of your own: the OAuth function gets exactly kms:Decrypt on the key, for the OpenID client secret only, and KMS_KEY_ID', () => {
    const oauth = fn(oidc, 'OAuth');
    expect(secretsKeyGrants(oidc, oauth)).toEqual({ 'kms:Decrypt': ['oidc-client-secret'] });
    const key = logicalId(oidc, 'AWS::KMS::Key', (p) => String(p.Description).includes('Jira'));
    expect(oauth.variables.KMS_KEY_ID).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(secretsKeyGrants(oidc, fn(oidc, 'MCP'))).toEqual({
      'kms:Decrypt': ['jira-credentials'],
    });
  });

  it('atlassian-oauth: the OAuth function only stores people’s tokens (never decrypts one), the MCP function stores and reads them; both read the Atlassian client secret; the MCP function may update (refresh), never delete', () => {
    expect(secretsKeyGrants(threeLo, fn(threeLo, 'OAuth'))).toEqual({
      'kms:Decrypt': ['atlassian-client-secret'],
      'kms:GenerateDataKey': ['jira-link'],
    });
    expect(secretsKeyGrants(threeLo, fn(threeLo, 'MCP'))).toEqual({
      'kms:Decrypt': ['atlassian-client-secret', 'jira-link'],
      'kms:GenerateDataKey': ['jira-link'],
    });
    for (const f of [fn(threeLo, 'OAuth'), fn(threeLo, 'MCP')]) {
      expect(f.variables).toMatchObject({
        JIRA_AUTH: 'atlassian-oauth',
        JIRA_BASE_URL: SITE,
        ATLASSIAN_CLIENT_ID: ATLASSIAN.clientId,
        ATLASSIAN_AUTH_URL: ATLASSIAN.authUrl,
        ATLASSIAN_API_URL: ATLASSIAN.apiUrl,
        KMS_KEY_ID: expect.any(Object) as object,
      });
    }
    expect(tableActions(fn(threeLo, 'MCP'))).toEqual([...MCP_TABLE_ACTIONS].sort());
    expect(MCP_TABLE_ACTIONS).not.toContain('dynamodb:DeleteItem');
    expect(tableActions(fn(threeLo, 'OAuth'))).toEqual([...OAUTH_TABLE_ACTIONS].sort());
  });

  it('personal-token: the OAuth function only stores a person’s token (never decrypts one); the MCP function only decrypts it', () => {
    expect(secretsKeyGrants(personal, fn(personal, 'OAuth'))).toEqual({
      'kms:GenerateDataKey': ['jira-link'],
    });
    const mcp = fn(personal, 'MCP');
    expect(secretsKeyGrants(personal, mcp)).toEqual({ 'kms:Decrypt': ['jira-link'] });
    expect(mcp.variables).toMatchObject({ JIRA_AUTH: 'personal-token', JIRA_BASE_URL: SITE });
    expect(mcp.variables.ATLASSIAN_CLIENT_ID).toBeUndefined();
  });

  it('never grants kms:Encrypt on the secrets key (the keyring never calls it), kms:* or a wildcard resource, in any mode', () => {
    for (const t of [service, oidc, threeLo, personal]) {
      const key = logicalId(t, 'AWS::KMS::Key', (p) => String(p.Description).includes('Jira'));
      for (const policy of Object.values(resourcesOf(t, 'AWS::IAM::Policy'))) {
        const doc = policy.Properties.PolicyDocument as { Statement: Statement[] };
        for (const s of doc.Statement) {
          const actions = [s.Action].flat();
          if (JSON.stringify(s.Resource).includes(key)) {
            expect(
              actions.filter((a) => a !== 'kms:Decrypt' && a !== 'kms:GenerateDataKey'),
            ).toEqual([]);
          }
          expect(actions.some((a) => a.endsWith(':*') || a === '*')).toBe(false);
          if (actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('kms:'))) {
            expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"|:\*"/);
          }
        }
      }
    }
  });

  it('puts no secret in any function’s environment, in any mode', () => {
    const SECRET_NAME = /TOKEN|SECRET|PASSWORD|MASTER_KEY|PRIVATE|CREDENTIAL/i;
    for (const t of [oidc, threeLo, personal]) {
      for (const f of Object.values(resourcesOf(t, 'AWS::Lambda::Function'))) {
        const variables = (f.Properties.Environment as { Variables: Record<string, unknown> })
          .Variables;
        expect(Object.keys(variables).filter((name) => SECRET_NAME.test(name))).toEqual([]);
      }
    }
  });
});

describe('GatewayStack: Jira props refused at synth', () => {
  it.each([
    [
      { jiraAuth: 'atlassian-oauth' as const },
      'jiraAuth atlassian-oauth needs atlassian.clientId (the OAuth 2.0 integration in the Atlassian developer console)',
    ],
    [
      { jiraAuth: 'personal-token' as const },
      "jiraAuth personal-token needs jiraBaseUrl (the site people's tokens are for)",
    ],
    [
      { jiraBaseUrl: SITE },
      'jiraBaseUrl is for jiraAuth atlassian-oauth or personal-token; in service mode the site is stored with `jira set-credentials`',
    ],
    [
      { jiraAuth: 'personal-token' as const, jiraBaseUrl: SITE, atlassian: ATLASSIAN },
      'atlassian (the 3LO app) is used only with jiraAuth atlassian-oauth',
    ],
  ])('refuses %j', (props, message) => {
    expect(() => jiraSettings(props)).toThrow(message);
  });

  it('refuses the Jira settings and the Atlassian client secret in the settings context', () => {
    expect(() => parseExtraSettings({ ATLASSIAN_CLIENT_SECRET: 's' })).toThrow(
      'context "settings": ATLASSIAN_CLIENT_SECRET must not be set on Lambda; store it with `atlassian set-client-secret` (docs/deploy-aws.md)',
    );
    for (const name of ['JIRA_AUTH', 'JIRA_BASE_URL', 'ATLASSIAN_CLIENT_ID', 'ATLASSIAN_API_URL']) {
      expect(() => parseExtraSettings({ [name]: 'x' })).toThrow(
        `context "settings": ${name} is set by the stack (or its jiraAuth, jiraBaseUrl, atlassian* context) or unused on Lambda`,
      );
    }
  });
});
