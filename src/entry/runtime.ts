import { mkdirSync } from 'node:fs';
import { AuditLog } from '../audit/audit-log.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { createLocalCipher } from '../crypto/local-cipher.js';
import { loadOrCreateMasterKey } from '../crypto/master-key.js';
import type { SecretCipher } from '../crypto/secret-cipher.js';
import type { Logger } from '../http/logger.js';
import { openSqliteStorage } from '../storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../storage/ports.js';

/** The stateful parts a local process needs: storage, cipher, audit trail. */
export interface LocalRuntime {
  clock: Clock;
  storage: Storage;
  cipher: SecretCipher;
  audit: AuditLog;
  /** Where the master key came from, for the start-up banner. */
  masterKeySource: 'env' | 'file' | 'created';
  close(): Promise<void>;
}

/**
 * Opens the SQLite store under `DATA_DIR` (created 0700) and the local
 * master key (created 0600 on first start unless MASTER_KEY is set).
 */
export async function openLocalRuntime(config: Config, logger?: Logger): Promise<LocalRuntime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = openSqliteStorage({ path: config.databasePath });
  let master;
  try {
    master = await loadOrCreateMasterKey({
      ...(config.masterKey === undefined ? {} : { keyFromEnv: config.masterKey }),
      keyPath: config.masterKeyPath,
    });
  } catch (error) {
    // A refused key file must not leave the database connection open behind it.
    await storage.close();
    throw error;
  }
  const cipher = createLocalCipher(master.key);
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
    masterKeySource: master.source,
    close: () => storage.close(),
  };
}
