/**
 * Least privilege in the CDK app's template: each function's role names its
 * table, keys and log group, never `*`, and holds only the actions its code
 * sends (the same lists `test/lambda/flow.test.ts` checks against the
 * DynamoDB calls each handler really makes).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TABLE_ACTIONS, OAUTH_TABLE_ACTIONS } from '../../infra/table-actions.js';
import { INDEX_NAMES } from '../../src/storage/dynamodb/table-schema.js';
import {
  logicalId,
  prebuildStackFixture,
  resourcesOf,
  statementsOf,
  type StackFixture,
  type Statement,
} from './template-helpers.js';

let fixture: StackFixture;
let defaults: Template;

beforeAll(async () => {
  fixture = await prebuildStackFixture();
  defaults = fixture.synth();
}, 120_000);
afterAll(() => {
  fixture.close();
});

describe('GatewayStack: least-privilege IAM', () => {
  const template = (): Template => defaults;

  function roleStatements(t: Template, fnDescription: string): Statement[] {
    const fn = Object.values(resourcesOf(t, 'AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).includes(fnDescription),
    );
    const role = JSON.stringify(fn?.Properties.Role).match(/"Fn::GetAtt":\["([^"]+)"/)?.[1] ?? '';
    expect(resourcesOf(t, 'AWS::IAM::Role')[role]?.Properties.ManagedPolicyArns).toBeUndefined();
    return statementsOf(t, role);
  }

  it('names a resource in every dynamodb and kms statement, never *', () => {
    const t = template();
    for (const [, policy] of Object.entries(resourcesOf(t, 'AWS::IAM::Policy'))) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      for (const s of statements) {
        const actions = [s.Action].flat();
        if (actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('kms:'))) {
          expect(JSON.stringify(s.Resource)).not.toMatch(/"\*"|:\*"|^"\*"$/);
          expect(actions.every((a) => a !== 'dynamodb:*' && a !== 'kms:*')).toBe(true);
        }
      }
    }
  });

  it('gives the OAuth function its table actions on the table and its by-parent index only, the table key via DynamoDB only, and no credential key', () => {
    const t = template();
    const table = logicalId(t, 'AWS::DynamoDB::Table', () => true);
    const tableKey = logicalId(t, 'AWS::KMS::Key', (p) =>
      String(p.Description).includes('DynamoDB'),
    );
    const credentialKey = logicalId(t, 'AWS::KMS::Key', (p) =>
      String(p.Description).includes('Jira'),
    );
    const statements = roleStatements(t, 'OAuth');
    const dynamo = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]?.Action].flat().sort()).toEqual([...OAUTH_TABLE_ACTIONS].sort());
    // A person's grants are listed by parent; the other indexes are the admin CLI's.
    expect(dynamo[0]?.Resource).toEqual([
      { 'Fn::GetAtt': [table, 'Arn'] },
      {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, `/index/${INDEX_NAMES.byParent}`]],
      },
    ]);
    const kms = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Resource).toEqual({ 'Fn::GetAtt': [tableKey, 'Arn'] });
    expect(JSON.stringify(kms[0]?.Condition)).toContain('kms:ViaService');
    expect(JSON.stringify(statements)).not.toContain(credentialKey);
  });

  it('gives the MCP function read, append and update on the table (never delete or list), and Decrypt on the credential key for its context only', () => {
    const t = template();
    const credentialKey = logicalId(t, 'AWS::KMS::Key', (p) =>
      String(p.Description).includes('Jira'),
    );
    const statements = roleStatements(t, 'MCP');
    const dynamo = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect([dynamo[0]?.Action].flat().sort()).toEqual([...MCP_TABLE_ACTIONS].sort());
    expect(MCP_TABLE_ACTIONS).not.toContain('dynamodb:DeleteItem');
    expect(MCP_TABLE_ACTIONS).not.toContain('dynamodb:Query');
    const decrypt = statements.find((s) => JSON.stringify(s.Resource).includes(credentialKey));
    expect(decrypt).toMatchObject({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'jira-credentials' } },
    });
    const mcpFn = Object.values(resourcesOf(t, 'AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).includes('MCP'),
    );
    expect(mcpFn?.Properties).toMatchObject({
      Environment: { Variables: { KMS_KEY_ID: { 'Fn::GetAtt': [credentialKey, 'Arn'] } } },
    });
  });

  it('lets each function write only to its own log group', () => {
    const t = template();
    for (const policy of Object.values(resourcesOf(t, 'AWS::IAM::Policy'))) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const logs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(JSON.stringify(logs[0]?.Resource)).toMatch(
        /^\{"Fn::GetAtt":\["[A-Za-z0-9]+Logs[A-Za-z0-9]+","Arn"\]\}$/,
      );
    }
  });
});
