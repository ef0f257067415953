import { mkdirSync } from 'node:fs';
import { AuditLog } from '../audit/audit-log.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { ConfigError, type Config } from '../config/config.js';
import { createLocalCipher } from '../crypto/local-cipher.js';
import { loadOrCreateMasterKey } from '../crypto/master-key.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';
import type { Logger } from '../http/logger.js';
import { openSqliteStorage } from '../storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../storage/ports.js';
import type { GatewayMetrics } from '../metrics/metrics.js';

/** The stateful parts a local process needs: storage, cipher, audit trail. */
export interface LocalRuntime {
  clock: Clock;
  storage: Storage;
  cipher: SecretCipher;
  audit: AuditLog;
  /**
   * The process's metrics (METRICS=true in `serve`), handed to the Jira
   * clients and `/mcp`; absent: nothing is counted.
   */
  metrics?: GatewayMetrics;
  /** Where the master key came from, for the start-up banner (`kms`: KMS_KEY_ID). */
  masterKeySource: 'env' | 'file' | 'created' | 'kms';
  close(): Promise<void>;
}

// What the operating system or SQLite says when DATA_DIR cannot hold our
// files: not a directory, no permission, read-only, full, not a database.
const DATA_DIR_FAULT =
  /^(E(NOTDIR|EXIST|ACCES|PERM|ROFS|NOSPC|DQUOT|NOENT|LOOP|NAMETOOLONG|ISDIR|IO)|SQLITE_(CANTOPEN|READONLY|IOERR|FULL|PERM|NOTADB|CORRUPT))/;

/**
 * A refusal to use DATA_DIR as a {@link ConfigError} naming the setting, so
 * the operator is told what to change rather than shown a stack; anything
 * else passes through unchanged.
 */
function dataDirError(error: unknown, config: Config): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !DATA_DIR_FAULT.test(code) || !(error instanceof Error)) {
    return error;
  }
  return new ConfigError(
    `DATA_DIR: cannot keep data in ${config.dataDir}: ${error.message.includes(code) ? error.message : `${error.message} (${code})`}; set DATA_DIR or --data-dir to a directory this user can write`,
  );
}

async function openStorage(config: Config): Promise<Storage> {
  if (config.postgres !== undefined) {
    // Imported only here, so other deployments never load the pg driver.
    const { openPostgresStorage } = await import('../storage/postgres/open-postgres-storage.js');
    const { describeDatabaseUrl } = await import('../storage/postgres/database-url.js');
    try {
      return await openPostgresStorage({
        connectionString: config.postgres.url,
        poolSize: config.postgres.poolSize,
      });
    } catch (error) {
      // Named for the operator, without the credentials the URL holds.
      throw new ConfigError(
        `DATABASE_URL: cannot use ${describeDatabaseUrl(config.postgres.url)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (config.dynamoDb !== undefined) {
    // Imported only here, so local (SQLite) commands never load the AWS SDK.
    const { createDynamoDbStorage } =
      await import('../storage/dynamodb/create-dynamodb-storage.js');
    return createDynamoDbStorage({
      tableName: config.dynamoDb.tableName,
      ...(config.dynamoDb.endpoint === undefined ? {} : { endpoint: config.dynamoDb.endpoint }),
      ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
    });
  }
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    return openSqliteStorage({
      path: config.databasePath,
      synchronous: config.sqliteSynchronous,
    });
  } catch (error) {
    throw dataDirError(error, config);
  }
}

async function openCipher(
  config: Config,
): Promise<{ cipher: SecretCipher; source: LocalRuntime['masterKeySource'] }> {
  if (config.kmsKeyId !== undefined) {
    // The Encryption SDK's own KMS client, in the region the key ARN names.
    const { createKmsCipher } = await import('../crypto/kms-cipher.js');
    return { cipher: createKmsCipher({ keyId: config.kmsKeyId }), source: 'kms' };
  }
  let master;
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    master = await loadOrCreateMasterKey({
      ...(config.masterKey === undefined ? {} : { keyFromEnv: config.masterKey }),
      keyPath: config.masterKeyPath,
    });
  } catch (error) {
    throw dataDirError(error, config);
  }
  return { cipher: createLocalCipher(master.key), source: master.source };
}

/**
 * Opens the store the configuration names (the SQLite file under `DATA_DIR`,
 * created 0700, the DynamoDB table of STORAGE=dynamodb, or the PostgreSQL
 * database of STORAGE=postgres, migrated on the way) and the cipher
 * (the KMS key of KMS_KEY_ID, else the local master key, created 0600 on
 * first start unless MASTER_KEY is set). A DATA_DIR it cannot use is a
 * {@link ConfigError} naming DATA_DIR.
 */
export async function openLocalRuntime(config: Config, logger?: Logger): Promise<LocalRuntime> {
  const storage = await openStorage(config);
  let keys;
  try {
    keys = await openCipher(config);
  } catch (error) {
    // A refused key file must not leave the database connection open behind it.
    await storage.close();
    throw error;
  }
  const { cipher } = keys;
  const audit = new AuditLog(
    storage.audit,
    SYSTEM_CLOCK,
    logger === undefined
      ? undefined
      : (line) => {
          logger.error('audit', { detail: JSON.stringify(line) });
        },
  );
  return {
    clock: SYSTEM_CLOCK,
    storage,
    cipher,
    audit,
    masterKeySource: keys.source,
    close: () => storage.close(),
  };
}
