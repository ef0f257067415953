/**
 * A second gateway process for the cross-process refresh test: it opens the
 * same SQLite file as the test's gateway, builds the same app with its own
 * injected clock, reports ready, waits for the shared start time, refreshes
 * every token at /token in order and reports the answers.
 * Run as `node --import tsx <this> <data dir> <REFRESH_REUSE_INTERVAL>`.
 */
import { AuditLog } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { composeGateway } from '../../src/entry/compose.js';
import { createLogger } from '../../src/http/logger.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { waitUntil } from '../storage/sqlite/rotation-race.js';
import { TEST_ISSUER } from '../helpers/gateway.js';
import { refreshEach, type RefreshGo, type RefreshWorkerMessage } from './refresh-race.js';

function send(message: RefreshWorkerMessage): void {
  process.send?.(message);
}

const [dataDir, reuseInterval] = process.argv.slice(2);
if (dataDir === undefined || reuseInterval === undefined || process.send === undefined) {
  throw new Error('usage: fork this script with an IPC channel, the data dir and the interval');
}
const config = loadConfig({
  PUBLIC_URL: TEST_ISSUER,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  REFRESH_REUSE_INTERVAL: reuseInterval,
});
const storage = openSqliteStorage({ path: config.databasePath });
process.once('message', (go: RefreshGo) => {
  const clock = new ManualClock(go.now);
  const app = composeGateway({
    config,
    storage,
    audit: new AuditLog(storage.audit, clock),
    clock,
    logger: createLogger('silent'),
    peerAddress: () => '203.0.113.8',
  });
  waitUntil(go.startAt)
    .then(() => refreshEach((input, init) => app.request(input, init), go.clientId, go.tokens))
    .then((answers) => {
      send({ type: 'done', answers });
    })
    .catch((error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => {
      void storage.close().then(() => {
        process.disconnect();
      });
    });
});
send({ type: 'ready' });
