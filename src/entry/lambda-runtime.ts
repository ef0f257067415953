/**
 * What both Lambda functions hold for the life of a container: the DynamoDB
 * storage, the audit trail, the clock and the logger. Nothing here opens a
 * connection; the SDK connects on the first request that needs it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AuditLog } from '../audit/audit-log.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { KmsClientLike } from '../crypto/kms-cipher.js';
import { createLogger, type Logger } from '../http/logger.js';
import { createDynamoDbStorage } from '../storage/dynamodb/create-dynamodb-storage.js';
import type { Storage } from '../storage/ports.js';
import type { LambdaConfig } from './lambda-config.js';

/** Replaceable parts, for tests; production uses the defaults. */
export interface LambdaOverrides {
  /** Default: a client for the configured endpoint and region, credentials from the function's role. */
  dynamoDbClient?: DynamoDBClient;
  /** Default: the SDK's KMS client for the key's region. */
  kmsClient?: KmsClientLike;
  clock?: Clock;
  /** Default: JSON lines on stdout, which Lambda sends to CloudWatch Logs. */
  logger?: Logger;
}

export interface LambdaRuntime {
  config: Config;
  storage: Storage;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

/**
 * Builds the container-lifetime parts from a loaded Lambda configuration.
 * Storage is never closed: the container is frozen, not shut down, between
 * invocations, and the next one reuses its connections.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export function openLambdaRuntime(
  loaded: LambdaConfig,
  overrides: LambdaOverrides = {},
): LambdaRuntime {
  const { config, dynamoDb } = loaded;
  const clock = overrides.clock ?? SYSTEM_CLOCK;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const storage = createDynamoDbStorage({
    tableName: dynamoDb.tableName,
    ...(overrides.dynamoDbClient === undefined ? {} : { client: overrides.dynamoDbClient }),
    ...(dynamoDb.endpoint === undefined ? {} : { endpoint: dynamoDb.endpoint }),
    ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
  });
  const audit = new AuditLog(storage.audit, clock, (line) => {
    logger.error('audit', { detail: JSON.stringify(line) });
  });
  return { config, storage, audit, clock, logger };
}
