/**
 * A second gateway process for the cross-process rotation race: it opens the
 * same SQLite file, reports ready, waits for the shared start time, rotates
 * every target and reports what it saw. Run as `node --import tsx <this> <db>`.
 */
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';
import { rotateAll, waitUntil, type GoMessage, type WorkerMessage } from './rotation-race.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

const file = process.argv[2];
if (file === undefined || process.send === undefined) {
  throw new Error('usage: fork this script with an IPC channel and the database path');
}
const storage = openSqliteStorage({ path: file });
process.once('message', (go: GoMessage) => {
  waitUntil(go.startAt)
    .then(() =>
      rotateAll(
        (...args) => storage.tokens.rotateRefresh(...args),
        go.targets,
        go.now,
        go.reuseIntervalMs,
      ),
    )
    .then((results) => {
      send({ type: 'done', results });
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
