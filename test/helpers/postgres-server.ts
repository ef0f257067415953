/**
 * A real PostgreSQL server for the tests: Debian's `postgresql` binaries
 * (scripts/ensure-postgresql.sh installs them), initialised by `initdb` in a
 * fresh temporary directory and listening on a free 127.0.0.1 port, its
 * unix socket in the same directory. Running as root, it runs as the
 * `postgres` user (PostgreSQL refuses root). Durability is switched off
 * (fsync, synchronous_commit): the cluster is thrown away afterwards.
 *
 * One server per test process: `sharedPostgresServer()` starts it on first
 * use and stops it, deleting its directory, when the process exits; if the
 * process is killed instead, test/helpers/postgres-global-setup.ts stops
 * what it left behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgresStorage } from '../../src/storage/postgres/open-postgres-storage.js';
import { freePort } from './gateway-process.js';

/** Prefix of every cluster directory; the global setup looks for it. */
export const CLUSTER_DIR_PREFIX = 'jmg-pg-';
const SUPERUSER = 'gateway_test';
const TEMPLATE = 'gateway_migrated';

export interface PostgresServer {
  port: number;
  /**
   * The URL of `database` on this server, with the superuser's random
   * password: 127.0.0.1 is shared by every local account, so the server
   * does not trust it (a local superuser could run programs as `postgres`).
   */
  url(database: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** A new database already at the newest schema (copied from a migrated template). */
  createMigratedDatabase(): Promise<string>;
  /** Drops a database made here, closing any connection still open to it. */
  dropDatabase(url: string): Promise<void>;
  stop(): Promise<void>;
}

/** The directory of Debian's PostgreSQL binaries (newest version), or of `initdb` on PATH. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return path.join(root, versions[0], 'bin');
  }
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (initdb !== '') return path.dirname(initdb);
  } catch {
    // Fall through to the explanation below.
  }
  throw new Error(
    'PostgreSQL binaries not found (/usr/lib/postgresql/*/bin); run scripts/ensure-postgresql.sh',
  );
}

/** Root cannot run PostgreSQL: run it as the `postgres` account instead. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  if (uid === undefined || gid === undefined) throw new Error('no postgres account to run as');
  return { uid: Number(uid), gid: Number(gid) };
}

function command(bin: string, args: string[], user: ReturnType<typeof runAs>): [string, string[]] {
  return user === undefined ? [bin, args] : ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

/** The postmaster's pid, from the file it writes in its data directory. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a `postgres` server started on `dataDir` (its command
 * line `postgres -D <dataDir> …`). The pid files are writable by others
 * (/tmp is world-writable; the data directory belongs to `postgres`), and
 * this runs as root: only a process proven to be that cluster's postmaster
 * is signalled, never whatever pid a file names.
 */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    const args = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
    const flag = args.indexOf('-D');
    return path.basename(args[0] ?? '') === 'postgres' && flag !== -1 && args[flag + 1] === dataDir;
  } catch {
    return false;
  }
}

/**
 * Stops the cluster in `dir` at once (immediate shutdown) and deletes the
 * directory; synchronous, for exit hooks. Safe to call twice.
 */
export function killCluster(dir: string): void {
  const dataDir = path.join(dir, 'data');
  const pid = postmasterPid(dataDir);
  if (pid !== undefined && isPostmasterOf(pid, dataDir)) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`postgres exited with ${String(child.exitCode)}\n${log()}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections in time\n${log()}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface PostgresServerOptions {
  /**
   * Server settings (`-c name=value`) applied after the test defaults, so
   * they override them: the benchmark turns durability back on
   * (`fsync`, `full_page_writes`, `synchronous_commit`) to compare with
   * SQLite at `synchronous = FULL`.
   * @see https://www.postgresql.org/docs/current/runtime-config-wal.html
   */
  settings?: Readonly<Record<string, string>>;
}

/** Initialises and starts a cluster; `stop` (or process exit) removes it. */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(path.join(tmpdir(), CLUSTER_DIR_PREFIX));
  // The global setup removes clusters whose owner process is gone.
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const onExit = (): void => {
    killCluster(dir);
  };
  process.once('exit', onExit);
  const dataDir = path.join(dir, 'data');
  const password = randomBytes(18).toString('hex');
  const passwordFile = path.join(dir, 'superuser-password');
  try {
    if (user !== undefined) chownSync(dir, user.uid, user.gid);
    // initdb reads the superuser's password from a file only its user can read.
    writeFileSync(passwordFile, password, { mode: 0o600 });
    if (user !== undefined) chownSync(passwordFile, user.uid, user.gid);
    const [initdb, initArgs] = command(
      path.join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        SUPERUSER,
        '--auth=scram-sha-256',
        `--pwfile=${passwordFile}`,
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      user,
    );
    execFileSync(initdb, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    rmSync(passwordFile);
  } catch (error) {
    process.off('exit', onExit);
    killCluster(dir);
    throw error;
  }
  const port = await freePort();
  const [postgres, args] = command(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=32MB',
      // Later `-c` settings win over earlier ones.
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
    ],
    user,
  );
  const child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8192);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = (database: string): string =>
    `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  try {
    await waitForServer(url('postgres'), child, () => log);
  } catch (error) {
    process.off('exit', onExit);
    killCluster(dir);
    throw error;
  }

  const admin = new pg.Client({ connectionString: url('postgres') });
  // A server stopped under it (reaped, killed) must not crash the test process.
  admin.on('error', () => undefined);
  await admin.connect();
  let databases = 0;
  let template: Promise<void> | undefined;
  const nextName = (): string => {
    databases += 1;
    return `gateway_test_${databases}`;
  };
  const migrateTemplate = async (): Promise<void> => {
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const storage = await openPostgresStorage({ connectionString: url(TEMPLATE), poolSize: 1 });
    await storage.close();
  };
  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    createDatabase: async () => {
      const name = nextName();
      await admin.query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    createMigratedDatabase: async () => {
      template ??= migrateTemplate();
      await template;
      const name = nextName();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      return url(name);
    },
    dropDatabase: async (databaseUrl) => {
      const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
      if (!/^gateway_test_\d+$/.test(name)) throw new Error(`not a test database: ${name}`);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    stop: () => {
      stopped ??= (async () => {
        await admin.end().catch(() => undefined);
        const pid = postmasterPid(dataDir);
        // SIGINT: fast shutdown (disconnects clients, no recovery needed).
        if (pid !== undefined) process.kill(pid, 'SIGINT');
        else child.kill('SIGINT');
        const timer = setTimeout(() => {
          killCluster(dir);
        }, 10_000);
        await exited;
        clearTimeout(timer);
        process.off('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

let shared: Promise<PostgresServer> | undefined;

/**
 * The one server of this test process, started on first use. Stop it in
 * `afterAll` (`stopSharedPostgresServer`); process exit stops it regardless.
 */
export function sharedPostgresServer(): Promise<PostgresServer> {
  shared ??= startPostgresServer();
  return shared;
}

/** Stops the shared server, if one was started. */
export async function stopSharedPostgresServer(): Promise<void> {
  const server = shared;
  shared = undefined;
  if (server !== undefined) await (await server).stop();
}

/** Whether a process with this pid is alive (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Stops and deletes every cluster under the temp dir whose owning test
 * process is gone (killed before its exit hook ran). Clusters of live
 * processes (another test run on the same machine) are left alone.
 */
export function reapClusters(): number {
  let reaped = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CLUSTER_DIR_PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    let owner: number | undefined;
    try {
      owner = Number(readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      owner = undefined;
    }
    if (owner === undefined || !Number.isInteger(owner) || !alive(owner)) {
      killCluster(dir);
      reaped += 1;
    }
  }
  return reaped;
}
