import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserService } from '../../src/accounts/users.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { composeGateway, type ComposeOptions } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import type { GatewayApp } from '../../src/http/types.js';
import type { PersonalJira } from '../../src/jira/person/personal-jira.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../src/storage/ports.js';

export const TEST_ISSUER = 'https://gateway.test';
export const TEST_USER = { username: 'alice', password: 'correct horse battery staple' };

export interface TestGateway {
  app: GatewayApp;
  config: Config;
  storage: Storage;
  clock: ManualClock;
  audit: AuditLog;
  dir: string;
  databasePath: string;
  /** A fetch that answers from the app in-process (no socket). */
  fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * A whole gateway over a real SQLite file in a fresh temp dir, with a manual
 * clock and one user (`alice`). Requests go to the app in-process.
 */
export async function createTestGateway(
  env: Record<string, string> = {},
  extra: Partial<
    Pick<ComposeOptions, 'mountMcp' | 'metadataDocumentCa' | 'accountSections' | 'ops' | 'metrics'>
  > = {},
  jira: {
    /** Whose Jira account acts (JIRA_AUTH), built on the gateway's own storage and clock. */
    personalJira?: (parts: {
      config: Config;
      storage: Storage;
      clock: ManualClock;
    }) => PersonalJira;
    jiraSiteUrl?: string;
  } = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-test-'));
  const config = loadConfig({
    PUBLIC_URL: TEST_ISSUER,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const storage = openSqliteStorage({ path: config.databasePath });
  const clock = new ManualClock(Date.now());
  const audit = new AuditLog(storage.audit, clock);
  await new UserService(storage.users, clock).create(TEST_USER.username, TEST_USER.password);
  const app = composeGateway({
    config,
    storage,
    audit,
    clock,
    logger: createLogger('silent'),
    peerAddress: () => '203.0.113.7',
    ...extra,
    ...(jira.personalJira === undefined
      ? {}
      : { personalJira: jira.personalJira({ config, storage, clock }) }),
    ...(jira.jiraSiteUrl === undefined ? {} : { jiraSiteUrl: jira.jiraSiteUrl }),
  });
  const inProcessFetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof Request ? input : String(input), init)) as typeof fetch;
  return {
    app,
    config,
    storage,
    clock,
    audit,
    dir,
    databasePath: config.databasePath,
    fetch: inProcessFetch,
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
