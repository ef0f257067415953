import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

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

export interface GatewayProcess {
  /** Where it listens, e.g. http://127.0.0.1:40123. */
  url: string;
  /** PUBLIC_URL (the issuer). */
  publicUrl: string;
  /** The first-run admin password parsed from the banner (role all/oauth). */
  adminPassword?: string;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  /** Sends the process a signal (SIGTERM to test graceful shutdown). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts the gateway as a real process, as `npm start` does (through tsx, so
 * no build step), on a free port with a fresh DATA_DIR unless one is given,
 * and waits for its start-up banner. A port found free can be taken by
 * another suite's server (a PostgreSQL cluster, another gateway) in the
 * seconds before the process binds it; when the caller did not fix PORT,
 * such a start is tried again on another free port.
 */
export async function startGatewayProcess(
  env: Record<string, string> = {},
  options: { args?: string[]; timeoutMs?: number } = {},
): Promise<GatewayProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, options);
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!portTaken || env.PORT !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startOnce(
  env: Record<string, string>,
  options: { args?: string[]; timeoutMs?: number },
): Promise<GatewayProcess> {
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
  const ownDataDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'jmg-proc-'));
  const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src/entry/node.ts'), 'serve', ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        ...env,
        PORT: String(port),
        DATA_DIR: dataDir,
        PUBLIC_URL: publicUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));

  let started = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      reject(new Error(`gateway did not start in time\n${out}\n${err}`));
    }, options.timeoutMs ?? 30_000);
    const poll = setInterval(() => {
      if (/listening on /.test(out) && (!/First run/.test(out) || /shown only now/.test(out))) {
        started = true;
        clearTimeout(deadline);
        clearInterval(poll);
        resolve();
      }
    }, 25);
    void exited.then((code) => {
      clearTimeout(deadline);
      clearInterval(poll);
      // Only a start that failed: a started process's directory is stop()'s.
      if (ownDataDir && !started) rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`gateway exited with ${String(code)}\n${out}\n${err}`));
    });
  });
  const url = /listening on (\S+)/.exec(out)?.[1] ?? `http://127.0.0.1:${port}`;
  const adminPassword = /created user "admin" with password\s+(\S+)/.exec(out)?.[1];
  return {
    url,
    publicUrl,
    ...(adminPassword === undefined ? {} : { adminPassword }),
    dataDir,
    stdout: () => out,
    stderr: () => err,
    signal: (signal) => {
      child.kill(signal);
    },
    exited,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
