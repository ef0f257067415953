/**
 * The two Lambda functions and exactly the permissions each needs: its own
 * log group, its DynamoDB actions on the table (and indexes, if it queries), the table
 * key through DynamoDB only, and on the secrets key only the KMS calls and
 * encryption-context purposes its JIRA_AUTH mode needs (kms-grants.ts).
 */
import path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Function as LambdaFunction,
  Runtime,
  type Code,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { JiraAuthMode } from '../src/jira/person/personal-jira.js';
import { kmsGrants, type KmsGrants } from './kms-grants.js';
import { LAMBDA_ENTRIES, nodejsBundling, REPO_ROOT } from './lambda-bundling.js';
import type { GatewayFunction } from './routes.js';
import {
  MCP_TABLE_ACTIONS,
  OAUTH_QUERY_INDEXES,
  OAUTH_TABLE_ACTIONS,
  TABLE_KEY_ACTIONS,
} from './table-actions.js';

export interface GatewayFunctionsProps {
  /** The table's ARN; its indexes are `<arn>/index/*`. */
  tableArn: string;
  tableKey: IKey;
  /** The secrets key (KMS_KEY_ID): the Jira credential, people's Jira tokens, client secrets. */
  credentialKey: IKey;
  /** JIRA_AUTH of both functions; decides their KMS grants (kms-grants.ts). */
  jiraAuth: JiraAuthMode;
  /** Sign-in goes through an OpenID provider that may have a confidential client (not Cognito's public one). */
  oidcClientSecret: boolean;
  /** Environment of both functions (no secrets: see settings.ts). */
  environment: Readonly<Record<string, string>>;
  logRetention: RetentionDays;
  /** Prebuilt code per function (tests); default: bundle each entry with the local esbuild. */
  code?: Readonly<Record<GatewayFunction, Code>>;
}

interface FunctionSpec {
  fn: GatewayFunction;
  id: string;
  description: string;
  /** argon2id at login wants memory and the CPU that comes with it. */
  memorySize: number;
  timeout: Duration;
  tableActions: readonly string[];
  /** The indexes it may Query (with `dynamodb:Query` among its actions). */
  queryIndexes: readonly string[];
  kms: KmsGrants;
  environment: Readonly<Record<string, string>>;
}

/** Both functions, arm64 on `nodejs22.x`, each with a role of its own. */
export class GatewayFunctions extends Construct {
  readonly oauth: LambdaFunction;
  readonly mcp: LambdaFunction;

  constructor(scope: Construct, id: string, props: GatewayFunctionsProps) {
    super(scope, id);
    const grants = { jiraAuth: props.jiraAuth, oidcClientSecret: props.oidcClientSecret };
    this.oauth = this.#function(props, {
      fn: 'oauth',
      id: 'OAuth',
      description: 'jira-mcp-gateway authorization server (OAuth 2.1)',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      tableActions: OAUTH_TABLE_ACTIONS,
      queryIndexes: OAUTH_QUERY_INDEXES,
      kms: kmsGrants('oauth', grants),
      environment: {},
    });
    this.mcp = this.#function(props, {
      fn: 'mcp',
      id: 'Mcp',
      description: 'jira-mcp-gateway MCP resource server (/mcp)',
      memorySize: 512,
      // Under the HTTP API's 30 s integration limit, with room for one Jira retry.
      timeout: Duration.seconds(28),
      tableActions: MCP_TABLE_ACTIONS,
      queryIndexes: [],
      kms: kmsGrants('mcp', grants),
      environment: {
        JIRA_TIMEOUT_MS: '8000',
        JIRA_MAX_RETRIES: '1',
      },
    });
  }

  #function(props: GatewayFunctionsProps, spec: FunctionSpec): LambdaFunction {
    const logGroup = new LogGroup(this, `${spec.id}Logs`, { retention: props.logRetention });
    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log
    // permissions cover every log group in the account.
    const role = new Role(this, `${spec.id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${spec.description}: execution role`,
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...spec.tableActions],
        // Indexes are reachable only through Query: the ones it lists by, else none.
        resources: [
          props.tableArn,
          ...(spec.tableActions.includes('dynamodb:Query')
            ? spec.queryIndexes.map((index) => `${props.tableArn}/index/${index}`)
            : []),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...TABLE_KEY_ACTIONS],
        resources: [props.tableKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
    // KMS lets the function unwrap, or have data keys made, only under the
    // purposes listed: one statement per call, no other key, no other purpose.
    const kmsStatements: [string, readonly string[]][] = [
      ['kms:Decrypt', spec.kms.decrypt],
      ['kms:GenerateDataKey', spec.kms.encrypt],
    ];
    for (const [action, purposes] of kmsStatements) {
      if (purposes.length === 0) continue;
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [action],
          resources: [props.credentialKey.keyArn],
          conditions: {
            StringEquals: {
              'kms:EncryptionContext:purpose': purposes.length === 1 ? purposes[0] : [...purposes],
            },
          },
        }),
      );
    }
    const usesKey = spec.kms.decrypt.length > 0 || spec.kms.encrypt.length > 0;
    const common = {
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      role,
      logGroup,
      environment: {
        ...props.environment,
        ...(usesKey ? { KMS_KEY_ID: props.credentialKey.keyArn } : {}),
        ...spec.environment,
      },
    };
    const prebuilt = props.code?.[spec.fn];
    if (prebuilt !== undefined) {
      return new LambdaFunction(this, spec.id, {
        ...common,
        code: prebuilt,
        handler: 'index.handler',
      });
    }
    return new NodejsFunction(this, spec.id, {
      ...common,
      entry: LAMBDA_ENTRIES[spec.fn],
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: nodejsBundling('arm64'),
    });
  }
}
