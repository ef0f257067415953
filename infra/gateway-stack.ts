/**
 * The AWS deployment of the gateway: one HTTP API on one origin (default) or,
 * with `mcpApi`, two HTTP APIs on two origins (the authorization server's
 * and the MCP server's, as the original architecture draws them); an OAuth
 * function and an MCP function, one DynamoDB table, and two customer-managed
 * KMS keys (the table's, and the stored secrets': the Jira credential,
 * people's Jira tokens, the client secrets).
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { JiraAuthMode } from '../src/jira/person/personal-jira.js';
import { TTL_ATTRIBUTE } from '../src/storage/dynamodb/table-schema.js';
import { CognitoIdentity, type CognitoIdentityProps } from './cognito-identity.js';
import { GatewayFunctions } from './gateway-functions.js';
import { MCP_ROUTE_PATHS, type GatewayFunction } from './routes.js';
import { tableKeys } from './table-keys.js';

export interface GatewayStackProps extends StackProps {
  /**
   * The issuer and public origin (no trailing slash). Default: the custom
   * domain's `https://` URL, else the API's own execute-api URL.
   */
  publicUrl?: string;
  /** Serves the API on this domain only (the execute-api endpoint is turned off). */
  customDomain?: { domainName: string; certificateArn: string };
  /**
   * A second HTTP API for the MCP server on its own origin (MCP_PUBLIC_URL):
   * `/mcp` and the protected resource metadata move there; the first API
   * keeps the authorization server. Absent: one API serves both.
   */
  mcpApi?: {
    /** MCP_PUBLIC_URL; default: its custom domain's `https://` URL, else its execute-api URL. */
    publicUrl?: string;
    customDomain?: { domainName: string; certificateArn: string };
  };
  /** Non-secret gateway settings for both functions (validated by parseExtraSettings). */
  settings?: Readonly<Record<string, string>>;
  /** Stage-wide request limits; default 50 requests/s, bursts of 100. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Default: one month. */
  logRetention?: RetentionDays;
  /**
   * Creates an Amazon Cognito user pool as the organisation's OpenID provider,
   * wired to the gateway (see cognito-identity.ts). To use an existing
   * provider instead, pass its OIDC_* settings in `settings`.
   */
  cognito?: Omit<CognitoIdentityProps, 'publicUrl'>;
  /**
   * Whose Jira account a tool call uses (JIRA_AUTH): `service` (the shared
   * credential stored with `jira set-credentials`), `atlassian-oauth` (each
   * person links their Atlassian account) or `personal-token` (each person
   * stores their own API token). Default `service`.
   */
  jiraAuth?: JiraAuthMode;
  /**
   * JIRA_BASE_URL, per-person modes only: the site people's tokens are
   * checked against (`personal-token`: required) or chosen among the sites a
   * person grants (`atlassian-oauth`: optional when they grant one). In
   * `service` mode the site is stored with the credential.
   */
  jiraBaseUrl?: string;
  /**
   * `atlassian-oauth`: the gateway's OAuth 2.0 (3LO) app at Atlassian
   * (ATLASSIAN_CLIENT_ID, and the non-default ATLASSIAN_AUTH_URL /
   * ATLASSIAN_API_URL). Its secret is never a prop: store it with
   * `atlassian set-client-secret`.
   */
  atlassian?: { clientId: string; authUrl?: string; apiUrl?: string };
  /** Prebuilt function code (tests); default: bundled from the entries with local esbuild. */
  code?: Readonly<Record<GatewayFunction, Code>>;
}

/**
 * The JIRA_* and ATLASSIAN_* settings of both functions for the Jira props,
 * refused at synth when they do not fit together (the handlers would refuse
 * to start; better to know before deploying).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function jiraSettings(props: GatewayStackProps): Record<string, string> {
  const mode = props.jiraAuth ?? 'service';
  if (mode === 'service' && props.jiraBaseUrl !== undefined) {
    throw new Error(
      'jiraBaseUrl is for jiraAuth atlassian-oauth or personal-token; in service mode the site is stored with `jira set-credentials`',
    );
  }
  if (mode !== 'atlassian-oauth' && props.atlassian !== undefined) {
    throw new Error('atlassian (the 3LO app) is used only with jiraAuth atlassian-oauth');
  }
  if (mode === 'atlassian-oauth' && (props.atlassian?.clientId ?? '') === '') {
    throw new Error(
      'jiraAuth atlassian-oauth needs atlassian.clientId (the OAuth 2.0 integration in the Atlassian developer console)',
    );
  }
  if (mode === 'personal-token' && props.jiraBaseUrl === undefined) {
    throw new Error("jiraAuth personal-token needs jiraBaseUrl (the site people's tokens are for)");
  }
  const atlassian = props.atlassian;
  return {
    JIRA_AUTH: mode,
    ...(props.jiraBaseUrl === undefined ? {} : { JIRA_BASE_URL: props.jiraBaseUrl }),
    ...(atlassian === undefined ? {} : { ATLASSIAN_CLIENT_ID: atlassian.clientId }),
    ...(atlassian?.authUrl === undefined ? {} : { ATLASSIAN_AUTH_URL: atlassian.authUrl }),
    ...(atlassian?.apiUrl === undefined ? {} : { ATLASSIAN_API_URL: atlassian.apiUrl }),
  };
}

const STAGE_NAME = '$default';

/** The gateway on API Gateway, Lambda, DynamoDB and KMS. */
export class GatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewayStackProps = {}) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    const tableKey = new Key(this, 'TableKey', {
      description: 'jira-mcp-gateway: DynamoDB table encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const jira = jiraSettings(props);
    const credentialKey = new Key(this, 'JiraCredentialKey', {
      description:
        "jira-mcp-gateway: envelope encryption of stored secrets (the Jira credential, people's Jira tokens, client secrets)",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const { partitionKey, sortKey, globalSecondaryIndexes } = tableKeys();
    const table = new Table(this, 'Table', {
      partitionKey,
      ...(sortKey === undefined ? {} : { sortKey }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: tableKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of globalSecondaryIndexes) table.addGlobalSecondaryIndex(index);

    const twoApis = props.mcpApi !== undefined;
    const oauthSide = this.#httpApi({
      id: 'Api',
      description: twoApis
        ? 'jira-mcp-gateway: OAuth 2.1 authorization server'
        : 'jira-mcp-gateway: OAuth 2.1 authorization server and MCP server on one origin',
      ...(props.customDomain === undefined ? {} : { customDomain: props.customDomain }),
      ...(props.publicUrl === undefined ? {} : { publicUrl: props.publicUrl }),
      throttle: props.throttle,
      logRetention,
    });
    const api = oauthSide.api;
    const publicUrl = oauthSide.publicUrl;
    const mcpSide =
      props.mcpApi === undefined
        ? oauthSide
        : this.#httpApi({
            id: 'McpApi',
            description: 'jira-mcp-gateway: MCP server (its authorization server is the other API)',
            ...(props.mcpApi.customDomain === undefined
              ? {}
              : { customDomain: props.mcpApi.customDomain }),
            ...(props.mcpApi.publicUrl === undefined ? {} : { publicUrl: props.mcpApi.publicUrl }),
            throttle: props.throttle,
            logRetention,
          });

    if (props.cognito !== undefined && props.settings?.OIDC_ISSUER !== undefined) {
      throw new Error('cognito and an OIDC_ISSUER setting are two providers: choose one');
    }
    const identity =
      props.cognito === undefined
        ? undefined
        : new CognitoIdentity(this, 'Identity', { ...props.cognito, publicUrl });

    const functions = new GatewayFunctions(this, 'Functions', {
      tableArn: table.tableArn,
      tableKey,
      credentialKey,
      jiraAuth: props.jiraAuth ?? 'service',
      // The stack's own Cognito client is public (no secret); another provider may be confidential.
      oidcClientSecret: props.settings?.OIDC_ISSUER !== undefined,
      logRetention,
      environment: {
        ...props.settings,
        ...identity?.settings,
        ...jira,
        STORAGE: 'dynamodb',
        DYNAMODB_TABLE: table.tableName,
        PUBLIC_URL: publicUrl,
        // Both functions need it: the OAuth one binds tokens to this resource.
        ...(twoApis ? { MCP_PUBLIC_URL: mcpSide.publicUrl } : {}),
      },
      ...(props.code === undefined ? {} : { code: props.code }),
    });

    const integrationTimeout = Duration.seconds(29);
    const mcpIntegration = new HttpLambdaIntegration('McpIntegration', functions.mcp, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      timeout: integrationTimeout,
    });
    for (const path of MCP_ROUTE_PATHS) {
      mcpSide.api.addRoutes({ path, methods: [HttpMethod.ANY], integration: mcpIntegration });
    }
    new HttpRoute(this, 'DefaultRoute', {
      httpApi: api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('OAuthIntegration', functions.oauth, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        timeout: integrationTimeout,
      }),
    });

    new CfnOutput(this, 'PublicUrl', { value: publicUrl, description: 'issuer (PUBLIC_URL)' });
    new CfnOutput(this, 'McpEndpoint', {
      value: `${mcpSide.publicUrl}/mcp`,
      description: twoApis ? 'the MCP server (MCP_PUBLIC_URL/mcp)' : 'the MCP server',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'DYNAMODB_TABLE' });
    new CfnOutput(this, 'JiraCredentialKeyArn', {
      value: credentialKey.keyArn,
      description:
        'KMS_KEY_ID for the CLI: `jira set-credentials`, `oidc set-client-secret`, `atlassian set-client-secret`',
    });
    if (identity !== undefined) {
      new CfnOutput(this, 'UserPoolId', {
        value: identity.userPool.userPoolId,
        description: 'Cognito user pool: add people (and groups) here',
      });
    }
    if (oauthSide.domain !== undefined) {
      new CfnOutput(this, 'DomainTarget', {
        value: oauthSide.domain.regionalDomainName,
        description: 'point the custom domain (CNAME or alias) here',
      });
    }
    if (twoApis && mcpSide.domain !== undefined) {
      new CfnOutput(this, 'McpDomainTarget', {
        value: mcpSide.domain.regionalDomainName,
        description: "point the MCP API's custom domain (CNAME or alias) here",
      });
    }
  }

  /**
   * One HTTP API with its `$default` stage (throttled, access-logged by path
   * only) and, if given, its custom domain; its public URL is that domain's,
   * else the execute-api endpoint.
   */
  #httpApi(options: {
    id: string;
    description: string;
    customDomain?: { domainName: string; certificateArn: string };
    publicUrl?: string;
    throttle: { rateLimit: number; burstLimit: number } | undefined;
    logRetention: RetentionDays;
  }): { api: HttpApi; publicUrl: string; domain: DomainName | undefined } {
    const { id, customDomain } = options;
    const domain =
      customDomain === undefined
        ? undefined
        : new DomainName(this, id === 'Api' ? 'Domain' : `${id}Domain`, {
            domainName: customDomain.domainName,
            certificate: Certificate.fromCertificateArn(
              this,
              id === 'Api' ? 'Certificate' : `${id}Certificate`,
              customDomain.certificateArn,
            ),
          });
    const api = new HttpApi(this, id, {
      apiName: id === 'Api' ? 'jira-mcp-gateway' : 'jira-mcp-gateway-mcp',
      description: options.description,
      createDefaultStage: false,
      // One origin per API: with a custom domain, the execute-api URL would be a second one.
      disableExecuteApiEndpoint: domain !== undefined,
      // No API-level CORS: API Gateway would answer preflights itself and
      // replace the app's per-endpoint CORS headers (public metadata `*`,
      // `/mcp` only for allowed origins) with one policy for every path.
    });
    const publicUrl =
      options.publicUrl ??
      (customDomain === undefined ? api.apiEndpoint : `https://${customDomain.domainName}`);
    const accessLogs = new LogGroup(this, id === 'Api' ? 'ApiAccessLogs' : `${id}AccessLogs`, {
      retention: options.logRetention,
    });
    new HttpStage(this, id === 'Api' ? 'Stage' : `${id}Stage`, {
      httpApi: api,
      stageName: STAGE_NAME,
      autoDeploy: true,
      throttle: options.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Path only: a query string can carry an authorization code or state.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
      ...(domain === undefined ? {} : { domainMapping: { domainName: domain } }),
    });
    return { api, publicUrl, domain };
  }
}
