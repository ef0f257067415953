import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  linkThroughAtlassian,
  PUBLIC_URL,
  startPersonWorld,
  type PersonWorld,
} from './person-fixture.js';
import type { RefreshWorkerMessage } from './refresh-worker.js';

const WORKER = fileURLToPath(new URL('./refresh-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ALICE = { userId: 'usr_alice', email: 'alice@example.com' };
const PROCESSES = 3;
const CALLS = 4;

let world: PersonWorld;
const children: ChildProcess[] = [];

beforeEach(async () => {
  world = await startPersonWorld();
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await world.close();
});

function next<T extends RefreshWorkerMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<RefreshWorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: RefreshWorkerMessage): void => {
      if (message.type === 'failed') {
        child.off('message', onMessage);
        reject(new Error(`worker failed: ${message.message}`));
      } else if (message.type === type) {
        child.off('message', onMessage);
        resolve(message as Extract<RefreshWorkerMessage, { type: T }>);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      reject(new Error(`worker exited with ${String(code)} before ${type}`));
    });
  });
}

describe('atlassian-oauth: refresh race between gateway processes (one SQLite file)', () => {
  it(`${PROCESSES} processes with ${CALLS} calls each, all finding the access token expired, make one upstream refresh and all succeed`, async () => {
    await linkThroughAtlassian(world.personal('atlassian-oauth'), ALICE.userId, ALICE.email);
    // The processes run on the real clock, far past the sandbox's manual one:
    // the stored access token is expired to them, so every call wants a refresh.
    for (let i = 0; i < PROCESSES; i += 1) {
      children.push(
        fork(
          WORKER,
          [
            world.dbPath,
            world.sandboxUrl,
            world.masterKey.toString('base64'),
            ALICE.userId,
            String(CALLS),
            PUBLIC_URL,
          ],
          {
            cwd: REPO_ROOT,
            execArgv: ['--import', 'tsx'],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          },
        ),
      );
    }
    await Promise.all(children.map((child) => next(child, 'ready')));
    const done = children.map((child) => next(child, 'done'));
    const startAt = Date.now() + 300;
    for (const child of children) child.send({ startAt });
    const results = await Promise.all(done);
    expect(results.flatMap((r) => r.emails)).toStrictEqual(
      Array.from({ length: PROCESSES * CALLS }, () => ALICE.email),
    );
    expect(world.sandbox.atlassian.counters.refreshes).toBe(1);
    expect(world.sandbox.atlassian.counters.reusesWithinLeeway).toBe(0);
    expect(world.sandbox.atlassian.counters.familiesRevoked).toBe(0);
    expect((await world.storage.jiraLinks.get(ALICE.userId))?.lease).toBeUndefined();
  }, 60_000);
});
