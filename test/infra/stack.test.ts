/**
 * The CDK app's template, checked with `aws-cdk-lib/assertions`: the table,
 * the keys, the HTTP API and the functions. The functions' code is prebuilt
 * by esbuild (see template-helpers.ts); the NodejsFunction wiring itself is
 * synthesized with bundling skipped.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayStack } from '../../infra/gateway-stack.js';
import { MCP_ROUTE_PATHS } from '../../infra/routes.js';
import { parseExtraSettings } from '../../infra/settings.js';
import { INDEX_NAMES } from '../../src/storage/dynamodb/table-schema.js';
import {
  logicalId,
  prebuildStackFixture,
  resourcesOf,
  type StackFixture,
} from './template-helpers.js';

let fixture: StackFixture;
/** The stack with default props, synthesized once (the first synth loads most of the CDK). */
let defaults: Template;
/** With every optional prop that changes the template but the custom domain. */
let tuned: Template;

beforeAll(async () => {
  fixture = await prebuildStackFixture();
  defaults = fixture.synth();
  tuned = fixture.synth({
    throttle: { rateLimit: 20, burstLimit: 40 },
    settings: parseExtraSettings(
      '{"JIRA_PROJECTS":"DEMO,OPS","READ_ONLY":"true","TOOLSETS":"core,agile"}',
    ),
  });
}, 120_000);
afterAll(() => {
  fixture.close();
});

describe('GatewayStack: DynamoDB table', () => {
  it('is on-demand, with the adapter key schema and indexes, TTL on ttl, PITR, and SSE under its own CMK', () => {
    const template = defaults;
    const tableKey = logicalId(template, 'AWS::KMS::Key', (p) =>
      String(p.Description).includes('DynamoDB'),
    );
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.values(INDEX_NAMES).map((name) =>
          Match.objectLike({ IndexName: name, Projection: { ProjectionType: 'ALL' } }),
        ),
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [tableKey, 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('has two customer-managed KMS keys, both rotating and retained', () => {
    const template = defaults;
    template.resourceCountIs('AWS::KMS::Key', 2);
    for (const key of Object.values(resourcesOf(template, 'AWS::KMS::Key'))) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('GatewayStack: HTTP API', () => {
  it('routes /mcp, /mcp/{proxy+} and the protected resource metadata to the MCP function, $default to the OAuth function', () => {
    const template = defaults;
    const mcpFn = logicalId(template, 'AWS::Lambda::Function', (p) =>
      String(p.Description).includes('MCP'),
    );
    const oauthFn = logicalId(template, 'AWS::Lambda::Function', (p) =>
      String(p.Description).includes('OAuth'),
    );
    const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
    const targetOf = (routeTarget: unknown): string => {
      const ref = JSON.stringify(routeTarget).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
      return JSON.stringify(integrations[ref]?.Properties.IntegrationUri);
    };
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map((r) => ({
      key: String(r.Properties.RouteKey),
      target: targetOf(r.Properties.Target),
    }));
    expect(routes.map((r) => r.key).sort()).toEqual(
      ['$default', ...MCP_ROUTE_PATHS.map((p) => `ANY ${p}`)].sort(),
    );
    for (const route of routes) {
      expect(route.target).toContain(route.key === '$default' ? oauthFn : mcpFn);
    }
    expect(MCP_ROUTE_PATHS).toEqual([
      '/mcp',
      '/mcp/{proxy+}',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/{proxy+}',
    ]);
    for (const integration of Object.values(integrations)) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        TimeoutInMillis: 29_000,
      });
    }
  });

  it('throttles the $default stage and writes access logs without query strings', () => {
    const template = tuned;
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 },
      AccessLogSettings: { Format: Match.stringLikeRegexp('\\$context\\.path') },
    });
    const format = String(
      Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0]?.Properties
        .AccessLogSettings,
    );
    expect(format).not.toMatch(/rawQueryString|querystring/i);
    defaults.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
    });
  });

  it('leaves CORS to the app: no API-level CORS that would answer preflights and replace its headers', () => {
    const api = Object.values(resourcesOf(defaults, 'AWS::ApiGatewayV2::Api'))[0];
    expect(api?.Properties).toMatchObject({ ProtocolType: 'HTTP' });
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('serves one origin: PUBLIC_URL is the API URL, or the custom domain with the execute-api endpoint off', () => {
    const plain = defaults;
    const api = logicalId(plain, 'AWS::ApiGatewayV2::Api', () => true);
    for (const fn of Object.values(resourcesOf(plain, 'AWS::Lambda::Function'))) {
      expect(JSON.stringify(fn.Properties.Environment)).toContain(
        `"PUBLIC_URL":{"Fn::GetAtt":["${api}","ApiEndpoint"]}`,
      );
    }
    const custom = fixture.synth({
      customDomain: {
        domainName: 'mcp.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234',
      },
    });
    custom.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    custom.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'mcp.example.com',
    });
    custom.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    for (const fn of Object.values(resourcesOf(custom, 'AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({
        Environment: { Variables: { PUBLIC_URL: 'https://mcp.example.com' } },
      });
    }
  });
});

describe('GatewayStack: functions', () => {
  it('runs both on nodejs22.x or newer, arm64, with sane memory and timeouts and log retention', () => {
    const template = defaults;
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const runtime = /^nodejs(\d+)\.x$/.exec(String(fn.Properties.Runtime));
      expect(Number(runtime?.[1])).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(Number(fn.Properties.MemorySize)).toBeGreaterThanOrEqual(512);
      expect(Number(fn.Properties.Timeout)).toBeLessThan(30);
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogGroup: { Ref: expect.any(String) as string },
      });
    }
    for (const group of Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(30);
    }
  });

  it('bundles with NodejsFunction and local esbuild when no prebuilt code is given', () => {
    const app = new App({
      outdir: path.join(fixture.dir, 'out-nodejs'),
      // Skips the bundling step (npm ci of the native module) but keeps the wiring.
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    const template = Template.fromStack(new GatewayStack(app, 'Gateway'));
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
      });
    }
  });

  it('puts no secret in any environment variable', () => {
    const template = tuned;
    const SECRET_NAME = /TOKEN|SECRET|PASSWORD|MASTER_KEY|PRIVATE|CREDENTIAL/i;
    // A literal that looks like key material: long runs of base64 or hex.
    const SECRET_VALUE = /^[A-Za-z0-9+/=_-]{32,}$/;
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(variables).toMatchObject({
        STORAGE: 'dynamodb',
        DYNAMODB_TABLE: { Ref: expect.any(String) as string },
        JIRA_PROJECTS: 'DEMO,OPS',
        TOOLSETS: 'core,agile',
      });
      for (const [name, value] of Object.entries(variables)) {
        expect(name).not.toMatch(SECRET_NAME);
        if (typeof value === 'string') expect(value).not.toMatch(SECRET_VALUE);
      }
    }
    expect(() => parseExtraSettings({ JIRA_API_TOKEN: 'x' })).toThrow(
      'JIRA_API_TOKEN must not be set on Lambda',
    );
    expect(() => parseExtraSettings({ MASTER_KEY: 'x' })).toThrow(
      'MASTER_KEY must not be set on Lambda',
    );
    expect(() => parseExtraSettings({ DYNAMODB_TABLE: 'x' })).toThrow('set by the stack');
  });

  it('refuses the secrets of the container settings (DATABASE_URL, METRICS_TOKEN) before they reach the template', () => {
    expect(() =>
      parseExtraSettings({ DATABASE_URL: 'postgres://gateway:s3cret@db.example.com/gateway' }),
    ).toThrow('DATABASE_URL must not be set on Lambda');
    expect(() =>
      parseExtraSettings({ METRICS: 'true', METRICS_TOKEN: 'a-scrape-secret-0123456789' }),
    ).toThrow('METRICS_TOKEN must not be set on Lambda');
  });
});
