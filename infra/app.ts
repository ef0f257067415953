/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (see docs/deploy-aws.md).
 * Context (cdk.json or `-c key=value`): `publicUrl`, `domainName` with
 * `certificateArn`, `twoApis=true` (the MCP server on a second HTTP API,
 * with optional `mcpPublicUrl`, `mcpDomainName` with `mcpCertificateArn`), `settings` (JSON object of extra non-secret settings),
 * `rateLimit` and `burstLimit`, `cognitoDomainPrefix` (with
 * `cognitoProviderName`, `cognitoAllowedGroups`: a Cognito user pool as
 * the OpenID provider; docs/identity.md), `jiraAuth` (`service`,
 * `atlassian-oauth`, `personal-token`) with `jiraBaseUrl` and
 * `atlassianClientId`, `atlassianAuthUrl`, `atlassianApiUrl` (per-person
 * Jira; docs/deploy-aws.md). Synth makes no AWS call: the account and
 * region stay unresolved unless the CLI supplies them.
 */
import { App } from 'aws-cdk-lib';
import type { JiraAuthMode } from '../src/jira/person/personal-jira.js';
import { GatewayStack, type GatewayStackProps } from './gateway-stack.js';
import { parseExtraSettings } from './settings.js';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);

function optionalString(key: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context "${key}" must be a string`);
  return value;
}

function optionalNumber(key: string): number | undefined {
  const value = context(key);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`context "${key}" must be a positive number`);
  return n;
}

const publicUrl = optionalString('publicUrl');
const domainName = optionalString('domainName');
const certificateArn = optionalString('certificateArn');
if ((domainName === undefined) !== (certificateArn === undefined)) {
  throw new Error('context "domainName" and "certificateArn" go together');
}
const twoApis = context('twoApis');
if (
  twoApis !== undefined &&
  twoApis !== 'true' &&
  twoApis !== 'false' &&
  typeof twoApis !== 'boolean'
) {
  throw new Error('context "twoApis" must be true or false');
}
const mcpPublicUrl = optionalString('mcpPublicUrl');
const mcpDomainName = optionalString('mcpDomainName');
const mcpCertificateArn = optionalString('mcpCertificateArn');
if ((mcpDomainName === undefined) !== (mcpCertificateArn === undefined)) {
  throw new Error('context "mcpDomainName" and "mcpCertificateArn" go together');
}
const mcpApi = twoApis === true || twoApis === 'true';
if (!mcpApi && (mcpPublicUrl !== undefined || mcpDomainName !== undefined)) {
  throw new Error('context "mcpPublicUrl" and "mcpDomainName" need "twoApis=true"');
}
const cognitoDomainPrefix = optionalString('cognitoDomainPrefix');
const rateLimit = optionalNumber('rateLimit');
const burstLimit = optionalNumber('burstLimit');
const JIRA_AUTH_MODES: readonly JiraAuthMode[] = ['service', 'atlassian-oauth', 'personal-token'];
const jiraAuthContext = optionalString('jiraAuth');
const jiraAuth = JIRA_AUTH_MODES.find((mode) => mode === jiraAuthContext);
if (jiraAuthContext !== undefined && jiraAuth === undefined) {
  throw new Error(`context "jiraAuth" must be one of ${JIRA_AUTH_MODES.join(', ')}`);
}
const jiraBaseUrl = optionalString('jiraBaseUrl');
const atlassianClientId = optionalString('atlassianClientId');
const atlassianAuthUrl = optionalString('atlassianAuthUrl');
const atlassianApiUrl = optionalString('atlassianApiUrl');
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

const props: GatewayStackProps = {
  description: 'jira-mcp-gateway: OAuth 2.1 + MCP server for Jira on Lambda, DynamoDB and KMS',
  settings: parseExtraSettings(context('settings')),
  ...(account === undefined && region === undefined
    ? {}
    : {
        env: {
          ...(account === undefined ? {} : { account }),
          ...(region === undefined ? {} : { region }),
        },
      }),
  ...(publicUrl === undefined ? {} : { publicUrl }),
  ...(domainName === undefined || certificateArn === undefined
    ? {}
    : { customDomain: { domainName, certificateArn } }),
  ...(mcpApi
    ? {
        mcpApi: {
          ...(mcpPublicUrl === undefined ? {} : { publicUrl: mcpPublicUrl }),
          ...(mcpDomainName === undefined || mcpCertificateArn === undefined
            ? {}
            : { customDomain: { domainName: mcpDomainName, certificateArn: mcpCertificateArn } }),
        },
      }
    : {}),
  ...(cognitoDomainPrefix === undefined
    ? {}
    : {
        cognito: {
          domainPrefix: cognitoDomainPrefix,
          ...(optionalString('cognitoProviderName') === undefined
            ? {}
            : { providerName: optionalString('cognitoProviderName') ?? '' }),
          allowedGroups: (optionalString('cognitoAllowedGroups') ?? '')
            .split(',')
            .map((g) => g.trim())
            .filter((g) => g !== ''),
        },
      }),
  ...(jiraAuth === undefined ? {} : { jiraAuth }),
  ...(jiraBaseUrl === undefined ? {} : { jiraBaseUrl }),
  ...(atlassianClientId === undefined &&
  atlassianAuthUrl === undefined &&
  atlassianApiUrl === undefined
    ? {}
    : {
        atlassian: {
          clientId: atlassianClientId ?? '',
          ...(atlassianAuthUrl === undefined ? {} : { authUrl: atlassianAuthUrl }),
          ...(atlassianApiUrl === undefined ? {} : { apiUrl: atlassianApiUrl }),
        },
      }),
  ...(rateLimit === undefined && burstLimit === undefined
    ? {}
    : { throttle: { rateLimit: rateLimit ?? 50, burstLimit: burstLimit ?? 100 } }),
};

new GatewayStack(app, optionalString('stackName') ?? 'JiraMcpGateway', props);
app.synth();
