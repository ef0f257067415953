/**
 * The two-API shape (`mcpApi`, context `twoApis=true`): the authorization
 * server and the MCP server on two HTTP APIs with their own URLs, as the
 * original architecture draws them. The one-API shape stays the default
 * (test/infra/stack.test.ts).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_ROUTE_PATHS } from '../../infra/routes.js';
import { parseExtraSettings } from '../../infra/settings.js';
import {
  logicalId,
  prebuildStackFixture,
  resourcesOf,
  type StackFixture,
} from './template-helpers.js';

let fixture: StackFixture;
let twoApis: Template;
let twoDomains: Template;

beforeAll(async () => {
  fixture = await prebuildStackFixture();
  twoApis = fixture.synth({ mcpApi: {} });
  twoDomains = fixture.synth({
    customDomain: { domainName: 'auth.example.com', certificateArn: 'arn:aws:acm:eu-west-1:1:c/a' },
    mcpApi: {
      customDomain: {
        domainName: 'mcp.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:1:c/b',
      },
    },
  });
}, 120_000);
afterAll(() => {
  fixture.close();
});

/** Route keys per API logical id. */
function routesByApi(template: Template): Record<string, string[]> {
  const byApi: Record<string, string[]> = {};
  for (const route of Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))) {
    const api = JSON.stringify(route.Properties.ApiId).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
    (byApi[api] ??= []).push(String(route.Properties.RouteKey));
  }
  for (const keys of Object.values(byApi)) keys.sort();
  return byApi;
}

function environmentOf(template: Template, description: string): Record<string, unknown> {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const id = logicalId(template, 'AWS::Lambda::Function', (p) =>
    String(p.Description).includes(description),
  );
  const environment = functions[id]?.Properties.Environment as
    { Variables: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

describe('GatewayStack with mcpApi: two HTTP APIs', () => {
  it('puts /mcp and the protected resource metadata on the MCP API and everything else on the OAuth API', () => {
    twoApis.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    twoApis.resourceCountIs('AWS::ApiGatewayV2::Stage', 2);
    const oauthApi = logicalId(
      twoApis,
      'AWS::ApiGatewayV2::Api',
      (p) => p.Name === 'jira-mcp-gateway',
    );
    const mcpApi = logicalId(
      twoApis,
      'AWS::ApiGatewayV2::Api',
      (p) => p.Name === 'jira-mcp-gateway-mcp',
    );
    expect(routesByApi(twoApis)).toEqual({
      [oauthApi]: ['$default'],
      [mcpApi]: MCP_ROUTE_PATHS.map((p) => `ANY ${p}`).sort(),
    });
    // Both stages are throttled and access-logged, each to its own log group.
    for (const stage of Object.values(resourcesOf(twoApis, 'AWS::ApiGatewayV2::Stage'))) {
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      });
    }
    const logDestinations = Object.values(resourcesOf(twoApis, 'AWS::ApiGatewayV2::Stage')).map(
      (s) => JSON.stringify(s.Properties.AccessLogSettings),
    );
    expect(new Set(logDestinations).size).toBe(2);
  });

  it("gives both functions PUBLIC_URL (the OAuth API's URL) and MCP_PUBLIC_URL (the MCP API's)", () => {
    const oauthApi = logicalId(
      twoApis,
      'AWS::ApiGatewayV2::Api',
      (p) => p.Name === 'jira-mcp-gateway',
    );
    const mcpApi = logicalId(
      twoApis,
      'AWS::ApiGatewayV2::Api',
      (p) => p.Name === 'jira-mcp-gateway-mcp',
    );
    for (const fn of ['OAuth', 'MCP']) {
      const variables = environmentOf(twoApis, fn);
      expect(JSON.stringify(variables.PUBLIC_URL)).toContain(`"${oauthApi}"`);
      expect(JSON.stringify(variables.MCP_PUBLIC_URL)).toContain(`"${mcpApi}"`);
    }
    twoApis.hasOutput('McpEndpoint', {
      Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/mcp$')])] },
    });
  });

  it('maps each API to its own custom domain and turns both execute-api endpoints off', () => {
    twoDomains.resourceCountIs('AWS::ApiGatewayV2::DomainName', 2);
    for (const api of Object.values(resourcesOf(twoDomains, 'AWS::ApiGatewayV2::Api'))) {
      expect(api.Properties.DisableExecuteApiEndpoint).toBe(true);
    }
    const variables = environmentOf(twoDomains, 'MCP');
    expect(variables.PUBLIC_URL).toBe('https://auth.example.com');
    expect(variables.MCP_PUBLIC_URL).toBe('https://mcp.example.com');
    twoDomains.hasOutput('McpEndpoint', { Value: 'https://mcp.example.com/mcp' });
    twoDomains.hasOutput('McpDomainTarget', {});
  });

  it('refuses MCP_PUBLIC_URL as an extra setting: the stack sets it', () => {
    expect(() => parseExtraSettings('{"MCP_PUBLIC_URL":"https://mcp.example.com"}')).toThrow(
      /MCP_PUBLIC_URL is set by the stack/,
    );
  });
});
