import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumeCodeResult, Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { describeStorageContract } from './contract.js';
import { aCode, aGrant, aToken, DAY, T0 } from './contract/records.js';
import {
  rotateAll,
  waitUntil,
  type GoMessage,
  type RaceOutcome,
  type RaceTarget,
  type WorkerMessage,
} from './sqlite/rotation-race.js';
import { makeTempDir, type TempDir } from './sqlite/temp-dir.js';

describeStorageContract('SQLite', () => {
  const dir = makeTempDir();
  const storage = openSqliteStorage({ path: dir.file('gateway.db') });
  const peers: Storage[] = [];
  return Promise.resolve({
    storage,
    openPeer: () => {
      const peer = openSqliteStorage({ path: dir.file('gateway.db') });
      peers.push(peer);
      return peer;
    },
    cleanup: async () => {
      await Promise.all(peers.map((peer) => peer.close()));
      await storage.close();
      dir.remove();
    },
  });
});

const WORKER = fileURLToPath(new URL('./sqlite/rotation-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RACE_TARGETS = 300;

/** Resolves with the worker's next message of `type`, or rejects on failure or exit. */
function nextMessage<T extends WorkerMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<WorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'failed') {
        settle();
        reject(new Error(`worker failed: ${message.message}`));
      } else if (message.type === type) {
        settle();
        resolve(message as Extract<WorkerMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      settle();
      reject(new Error(`worker exited with ${String(code)} before sending ${type}`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

describe('SQLite adapter: processes sharing one file (ports.ts: atomic consume/rotate)', () => {
  let dir: TempDir;
  let first: Storage;
  let second: Storage;

  beforeEach(() => {
    dir = makeTempDir();
    first = openSqliteStorage({ path: dir.file('shared.db') });
    second = openSqliteStorage({ path: dir.file('shared.db') });
  });

  afterEach(async () => {
    await first.close();
    await second.close();
    dir.remove();
  });

  it('lets exactly one of 20 redemptions through two connections win', async () => {
    const code = aCode();
    await first.codes.save(code);
    const results: ConsumeCodeResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? first : second).codes.consume(code.codeHash, T0 + 1),
      ),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(19);
  });

  it('reserves exactly 5 of 60 login attempts made through two connections', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? first : second).counters.reserve('login:user:alice', T0, T0 + DAY, 5),
      ),
    );
    expect(results.filter((r) => r.reserved)).toHaveLength(5);
    expect((await second.counters.get('login:user:alice', T0))?.count).toBe(5);
  });

  it('sees through one connection a rotation made through the other', async () => {
    const grant = aGrant();
    const refresh = aToken(grant, { kind: 'refresh' });
    await first.grants.create(grant);
    await first.tokens.save([refresh]);
    const parentHash = refresh.tokenHash;
    const offer = [aToken(grant, { kind: 'refresh', issuedAt: T0 + 1, parentHash })];
    expect((await first.tokens.rotateRefresh(refresh.tokenHash, T0 + 1, offer)).status).toBe('ok');
    const again = [aToken(grant, { kind: 'refresh', issuedAt: T0 + 2, parentHash })];
    expect(await second.tokens.rotateRefresh(refresh.tokenHash, T0 + 2, again)).toStrictEqual({
      status: 'reused',
      token: { ...refresh, rotatedAt: T0 + 1 },
      reason: 'rotated',
    });
  });

  /**
   * Seeds RACE_TARGETS refresh tokens, then this process and a forked one
   * rotate every one of them at the same moment, through their own
   * connections. Returns, per target, what each side saw and offered.
   */
  async function raceSecondProcess(
    reuseIntervalMs: number,
  ): Promise<{ target: RaceTarget; here: RaceOutcome; there: RaceOutcome }[]> {
    const targets: RaceTarget[] = [];
    for (let i = 0; i < RACE_TARGETS; i += 1) {
      const grant = aGrant();
      const refresh = aToken(grant, { kind: 'refresh', expiresAt: T0 + 30 * DAY });
      await first.grants.create(grant);
      await first.tokens.save([refresh]);
      targets.push({ hash: refresh.tokenHash, grantId: grant.id });
    }
    const child = fork(WORKER, [dir.file('shared.db')], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      await nextMessage(child, 'ready');
      const now = T0 + 1;
      const go: GoMessage = {
        type: 'go',
        startAt: Date.now() + 250,
        now,
        targets,
        reuseIntervalMs,
      };
      const childDone = nextMessage(child, 'done');
      // Awaited below; this only keeps an early failure from being reported as unhandled.
      childDone.catch(() => undefined);
      child.send(go);
      await waitUntil(go.startAt);
      const mine = await rotateAll(
        (...args) => second.tokens.rotateRefresh(...args),
        targets,
        now,
        reuseIntervalMs,
      );
      const theirs = new Map((await childDone).results.map((r) => [r.hash, r]));
      expect(theirs.size).toBe(RACE_TARGETS);
      return targets.map((target, index) => {
        const here = mine[index];
        const there = theirs.get(target.hash);
        if (here === undefined || there === undefined) throw new Error('a target was skipped');
        return { target, here, there };
      });
    } finally {
      child.kill();
    }
  }

  it('rotates each refresh token exactly once when a second Node process races this one', async () => {
    for (const { target, here, there } of await raceSecondProcess(0)) {
      expect([here.status, there.status].sort()).toStrictEqual(['ok', 'reused']);
      const winner = here.status === 'ok' ? here : there;
      const loser = here.status === 'ok' ? there : here;
      const stored = (await first.tokens.listByGrant(target.grantId)).map((t) => t.tokenHash);
      expect(stored.sort()).toStrictEqual([target.hash, winner.replacement].sort());
      expect(stored).not.toContain(loser.replacement);
    }
  });

  it('gives both processes tokens when they refresh one token at once within the reuse interval', async () => {
    for (const { target, here, there } of await raceSecondProcess(60_000)) {
      expect([here.status, there.status].sort()).toStrictEqual(['ok', 'reissued']);
      const stored = (await first.tokens.listByGrant(target.grantId)).map((t) => t.tokenHash);
      expect(stored.sort()).toStrictEqual(
        [target.hash, here.replacement, there.replacement].sort(),
      );
      expect((await first.grants.get(target.grantId))?.revokedAt).toBeUndefined();
      for (const replacement of [here.replacement, there.replacement]) {
        expect(await first.tokens.findActive(replacement, 'refresh', T0 + 2)).toBeDefined();
      }
    }
  });
});
