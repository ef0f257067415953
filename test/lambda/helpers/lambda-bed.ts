/**
 * The AWS shape of the gateway, in one test process: both Lambda handlers
 * (built by `createLambdaHandlers`, as the deployed functions build theirs)
 * over a real DynamoDB-API server (dynalite on 127.0.0.1), the Jira
 * credential stored in the table and encrypted through the KMS cipher with a
 * node:crypto KMS stand-in, and the Jira sandbox as the Jira site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UserService } from '../../../src/accounts/users.js';
import { ManualClock } from '../../../src/clock.js';
import { createKmsCipher, type KmsClientLike } from '../../../src/crypto/kms-cipher.js';
import { createLambdaHandlers, type LambdaHandlers } from '../../../src/entry/lambda.js';
import type { Logger } from '../../../src/http/logger.js';
import { JiraCredentialStore } from '../../../src/jira/credentials.js';
import {
  SANDBOX_API_TOKENS,
  startSandboxServer,
  type Sandbox,
} from '../../../src/sandbox/index.js';
import { createDynamoDbStorage } from '../../../src/storage/dynamodb/create-dynamodb-storage.js';
import { createTable } from '../../../src/storage/dynamodb/create-table.js';
import type { Storage } from '../../../src/storage/ports.js';
import type { GatewayFunction } from '../../../infra/routes.js';
import { FakeKms, type FakeKmsCall } from '../../helpers/fake-kms.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../storage/dynamodb/local-dynamodb.js';
import { HttpApiAgent, type Dispatch } from './http-api-event.js';

export const PUBLIC_URL = 'https://mcp.example.test';
export const KEY_ARN =
  'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9';
export const USER = { username: 'alice', password: 'correct horse battery staple' };

/** Log lines the handlers wrote, for assertions (nothing is printed). */
export interface CapturedLog {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export interface LambdaBed {
  handlers: LambdaHandlers;
  /** The environment the handlers were built from (what the CDK app sets). */
  env: Record<string, string>;
  storage: Storage;
  clock: ManualClock;
  kms: FakeKms;
  credentials: JiraCredentialStore;
  tableName: string;
  jiraUrl: string;
  /** The sandbox behind `jiraUrl` (Jira, and Atlassian's OAuth server and API gateway), on the bed's clock. */
  sandbox: Sandbox;
  logs: CapturedLog[];
  /** DynamoDB API actions each function sent (`dynamodb:GetItem` form). */
  actions: Record<GatewayFunction, Set<string>>;
  /** KMS calls each function made (the administrator's own calls are in `kms.calls` only). */
  kmsCalls: Record<GatewayFunction, FakeKmsCall[]>;
  /** Invokes one function with an event, recording its DynamoDB actions. */
  invoke: Dispatch;
  /** A fresh browser-like agent over both handlers. */
  agent(): HttpApiAgent;
  local: LocalDynamoDb;
  close(): Promise<void>;
}

function capturingLogger(logs: CapturedLog[]): Logger {
  const log =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      logs.push({ level, msg, fields });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Records the DynamoDB API action of every request a client sends, charged
 * to the function being invoked (invocations run one at a time).
 */
function recordActions(client: DynamoDBClient, charge: (action: string) => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      const target = request?.headers?.['x-amz-target'];
      if (target !== undefined) charge(`dynamodb:${target.replace(/^DynamoDB_\d+\./, '')}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordDynamoDbAction' },
  );
}

/**
 * Starts dynalite, the sandbox and both handlers; `close` in afterAll.
 * `extraEnv` may depend on the sandbox's URL (the per-person modes name it).
 */
export async function startLambdaBed(
  extraEnv: Record<string, string> | ((peer: { jiraUrl: string }) => Record<string, string>) = {},
): Promise<LambdaBed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-lambda-'));
  const local = await startLocalDynamoDb();
  const admin = local.newClient();
  const tableName = local.freshTableName();
  await createTable(admin, tableName);
  const storage = createDynamoDbStorage({ tableName, client: admin });
  const clock = new ManualClock(Date.now());
  const kms = new FakeKms(KEY_ARN);
  const jira = await startSandboxServer({ dbPath: path.join(dir, 'sandbox.db'), clock });

  // What an administrator does once from their machine (docs/deploy-aws.md).
  await new UserService(storage.users, clock).create(USER.username, USER.password);
  const credentials = new JiraCredentialStore(
    storage.secrets,
    createKmsCipher({ keyId: KEY_ARN, client: kms }),
    clock,
  );
  await credentials.set({
    baseUrl: jira.url,
    email: 'alice@example.com',
    apiToken: SANDBOX_API_TOKENS.alice,
  });

  const env = {
    STORAGE: 'dynamodb',
    DYNAMODB_TABLE: tableName,
    PUBLIC_URL,
    KMS_KEY_ID: KEY_ARN,
    AWS_REGION: 'eu-west-1',
    LOG_LEVEL: 'info',
    JIRA_MAX_RETRIES: '0',
    ...(typeof extraEnv === 'function' ? extraEnv({ jiraUrl: jira.url }) : extraEnv),
  };
  const logs: CapturedLog[] = [];
  const actions: Record<GatewayFunction, Set<string>> = { oauth: new Set(), mcp: new Set() };
  const kmsCalls: Record<GatewayFunction, FakeKmsCall[]> = { oauth: [], mcp: [] };
  let current: GatewayFunction | undefined;
  // The functions' KMS client: the same key, each call charged to the function invoked.
  const charged = <T>(call: () => Promise<T>): Promise<T> => {
    const before = kms.calls.length;
    const caller = current;
    return call().finally(() => {
      if (caller !== undefined) kmsCalls[caller].push(...kms.calls.slice(before, before + 1));
    });
  };
  const functionKms: KmsClientLike = {
    generateDataKey: (input) => charged(() => kms.generateDataKey(input)),
    encrypt: (input) => charged(() => kms.encrypt(input)),
    decrypt: (input) => charged(() => kms.decrypt(input)),
  };
  const functionClient = local.newClient();
  recordActions(functionClient, (action) => {
    if (current !== undefined) actions[current].add(action);
  });
  const handlers = createLambdaHandlers(env, {
    dynamoDbClient: functionClient,
    kmsClient: functionKms,
    clock,
    logger: capturingLogger(logs),
  });

  const invoke: Dispatch = async (target, event) => {
    current = target;
    try {
      return await handlers[target](event);
    } finally {
      current = undefined;
    }
  };

  return {
    handlers,
    env,
    storage,
    clock,
    kms,
    credentials,
    tableName,
    jiraUrl: jira.url,
    sandbox: jira.sandbox,
    logs,
    actions,
    kmsCalls,
    local,
    invoke,
    agent: () => new HttpApiAgent(invoke, PUBLIC_URL),
    async close() {
      functionClient.destroy();
      await storage.close();
      await jira.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
