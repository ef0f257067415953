/**
 * Starts a server under test (bench/servers/*.ts) as its own Node process
 * through tsx, with an IPC channel: it reports its URL when listening and
 * mints credentials on request. Memory is read from /proc, so measuring it
 * costs the server nothing.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { CHILD_MESSAGE, type ChildMessage, type MintKind } from '../servers/ipc.js';

/** The V8 heap of a server after a full collection (when it could run one). */
export type HeapSample = Omit<Extract<ChildMessage, { type: 'heap' }>, 'type' | 'id'>;

export const BENCH_ROOT = path.resolve(import.meta.dirname, '..');
const REPO_ROOT = path.resolve(BENCH_ROOT, '..');

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Resident set sizes of a process, in MiB. */
export interface MemorySample {
  rssMiB: number;
  /** The high-water mark of the resident set since the process started. */
  peakRssMiB: number;
}

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  mint(kind: MintKind, count: number): Promise<string[]>;
  /** Durations (ms) of the token checks since the last call (gateways serving /mcp). */
  checkTimings(): Promise<number[]>;
  /** The heap after a full collection (gateway servers). */
  heap(): Promise<HeapSample>;
  memory(): MemorySample;
  stderr(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Environment for the server (added to PATH and HOME only). */
  env: Record<string, string>;
  /**
   * Writes V8 CPU profiles into `<dir>/<name>/` on exit: one per thread
   * (tsx runs its loader in a worker; the largest file is the main thread).
   */
  cpuProfileDir?: string;
  timeoutMs?: number;
}

function statusKiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

/** Starts `bench/servers/<script>` and resolves once it reports that it listens. */
export async function startServer(
  name: string,
  script: string,
  options: StartOptions,
): Promise<ServerProcess> {
  const profile =
    options.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, name)}`];
  const child = spawn(
    process.execPath,
    // --expose-gc costs nothing until gc() is called (only on a `heap` request).
    [...profile, '--expose-gc', '--import', 'tsx', path.join(BENCH_ROOT, 'servers', script)],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the tail only: a misbehaving server must not fill our memory.
    err = (err + chunk.toString('utf8')).slice(-20_000);
  });
  const pending = new Map<number, { resolve(v: string[]): void; reject(e: Error): void }>();
  const pendingTimings = new Map<number, (durations: number[]) => void>();
  const pendingHeaps = new Map<number, (heap: HeapSample) => void>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start in time\n${err}`));
    }, options.timeoutMs ?? 60_000);
    child.on('message', (raw: unknown) => {
      const message = CHILD_MESSAGE.safeParse(raw);
      if (!message.success) return;
      const m = message.data;
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.url);
      } else if (m.type === 'timings') {
        pendingTimings.get(m.id)?.(m.durations);
        pendingTimings.delete(m.id);
      } else if (m.type === 'heap') {
        const { type: _type, id, ...heap } = m;
        pendingHeaps.get(id)?.(heap);
        pendingHeaps.delete(id);
      } else {
        const waiter = pending.get(m.id);
        pending.delete(m.id);
        if (m.type === 'minted') waiter?.resolve(m.values);
        else waiter?.reject(new Error(`${name} could not mint: ${m.message}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${String(code)}\n${err}`));
      for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);

  return {
    name,
    url,
    pid,
    mint(kind, count) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ type: 'mint', id, kind, count });
      });
    },
    checkTimings() {
      const id = nextId++;
      return new Promise((resolve) => {
        pendingTimings.set(id, resolve);
        child.send({ type: 'check-timings', id });
      });
    },
    heap() {
      const id = nextId++;
      return new Promise((resolve) => {
        pendingHeaps.set(id, resolve);
        child.send({ type: 'heap', id });
      });
    },
    memory() {
      return {
        rssMiB: statusKiB(pid, 'VmRSS') / 1024,
        peakRssMiB: statusKiB(pid, 'VmHWM') / 1024,
      };
    },
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
