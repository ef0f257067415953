/**
 * The test helper that runs PostgreSQL (test/helpers/postgres-server.ts)
 * runs as root on CI. Its reaper reads pid files from world-writable /tmp
 * (and from a data directory the `postgres` account owns): it must signal
 * only the postmaster of that very cluster, never whatever pid a file names.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_DIR_PREFIX,
  reapClusters,
  startPostgresServer,
  type PostgresServer,
} from './postgres-server.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pid no process has (a child that has exited). */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('spawn gave no pid');
  return child.pid;
}

describe('postgres-server helper: reaping stale clusters', () => {
  const started: PostgresServer[] = [];
  afterAll(async () => {
    for (const server of started) await server.stop();
  });

  it('does not signal a process a planted postmaster.pid names', async () => {
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    const victimPid = victim.pid;
    if (victimPid === undefined) throw new Error('spawn gave no pid');
    try {
      const dir = mkdtempSync(path.join(tmpdir(), CLUSTER_DIR_PREFIX));
      mkdirSync(path.join(dir, 'data'));
      writeFileSync(path.join(dir, 'owner.pid'), String(await deadPid()));
      writeFileSync(path.join(dir, 'data', 'postmaster.pid'), `${String(victimPid)}\n`);
      reapClusters();
      // SIGQUIT would end `sleep` at once; give a delivered signal time to act.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(victim.exitCode).toBeNull();
      expect(victim.signalCode).toBeNull();
      expect(alive(victimPid)).toBe(true);
      expect(readdirSync(tmpdir()).includes(path.basename(dir))).toBe(false);
    } finally {
      victim.kill('SIGKILL');
    }
  });

  it('refuses a connection without the superuser password (no trust on the shared 127.0.0.1)', async () => {
    const server = await startPostgresServer();
    started.push(server);
    const url = new URL(server.url('postgres'));
    url.password = 'not-the-password';
    const client = new pg.Client({ connectionString: url.toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    await client.end().catch(() => undefined);
    const good = new pg.Client({ connectionString: server.url('postgres') });
    await good.connect();
    await good.end();
  });

  it('still stops the postmaster of a cluster whose owner is gone', async () => {
    const server = await startPostgresServer();
    started.push(server);
    const dirs = readdirSync(tmpdir())
      .filter((name) => name.startsWith(CLUSTER_DIR_PREFIX))
      .map((name) => path.join(tmpdir(), name))
      .filter((dir) => {
        try {
          return readFileSync(path.join(dir, 'owner.pid'), 'utf8') === String(process.pid);
        } catch {
          return false;
        }
      })
      .filter((dir) => {
        try {
          return readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8')
            .split('\n')
            .includes(String(server.port));
        } catch {
          return false;
        }
      });
    expect(dirs).toHaveLength(1);
    const dir = dirs[0] ?? '';
    const postmaster = Number(
      readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    writeFileSync(path.join(dir, 'owner.pid'), String(await deadPid()));
    reapClusters();
    const deadline = Date.now() + 10_000;
    while (alive(postmaster) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alive(postmaster)).toBe(false);
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await expect(client.connect()).rejects.toThrow();
    await client.end().catch(() => undefined);
  });
});
