/**
 * The Jira sandbox: a Jira-Cloud-compatible REST server with demo data,
 * persisted in SQLite. It is the gateway's zero-config Jira and the Jira
 * peer of the tests.
 *
 * Fixed contract (see catalog.ts, directory.ts and seed.ts): accounts Alice
 * Admin (alice@example.com, site admin, every project) and Bob Builder
 * (bob@example.com, DEMO only) with the tokens in `SANDBOX_API_TOKENS`
 * (`sandbox-token-<name>`); projects DEMO (id 10000) and OPS (id 10001);
 * transitions 21 Start Progress, 31 Done, 11 Stop Progress, 41 Reopen.
 * Tests add accounts with `addUser` (in memory, per instance).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { createSandboxApp } from './app.js';
import {
  createAtlassianEmulator,
  type AtlassianEmulator,
  type AtlassianOptions,
} from './atlassian/index.js';
import type { SandboxEnv } from './context.js';
import { FaultInjector, REAL_SLEEP, type Sleep } from './faults.js';
import type { RecordedRequest } from './request-log.js';
import { SandboxDirectory, type NewSandboxUser, type SandboxUser } from './directory.js';
import { seedIfEmpty } from './seed.js';
import { seedHistoryIfEmpty } from './seed-history.js';
import { seedStructureIfEmpty } from './seed-structure.js';
import { SandboxStore } from './store.js';

export type { FaultSpec, Sleep } from './faults.js';
export { FaultInjector } from './faults.js';
export type { RecordedRequest } from './request-log.js';
export type { SandboxEnv } from './context.js';
export { SANDBOX_API_TOKENS } from './seed.js';
export {
  PROJECT_ROLES,
  SANDBOX_USERS,
  SandboxDirectory,
  sandboxToken,
  type NewSandboxUser,
  type ProjectRoleName,
  type SandboxUser,
} from './directory.js';
export { PROJECTS, TRANSITIONS } from './catalog.js';
export {
  SANDBOX_ATLASSIAN_APP,
  SANDBOX_CLOUD_ID,
  SANDBOX_PASSWORD,
  SANDBOX_SITE_NAME,
  type AtlassianEmulator,
  type AtlassianOptions,
  type GrantCounters,
  type GrantLifetimes,
} from './atlassian/index.js';

export interface SandboxOptions {
  /** SQLite file path, or ':memory:'. An existing file keeps its data. */
  dbPath: string;
  clock?: Clock;
  /** Origin used in `self` links; defaults to each request's origin. */
  baseUrl?: string;
  /**
   * Origin attachment downloads redirect to (303, like Jira Cloud's media
   * host); default: the sandbox's own origin. Tests point it at a second listener.
   */
  mediaBaseUrl?: string;
  /** The newest requests `requests` keeps; default 10,000 (older ones are dropped). */
  requestLogLimit?: number;
  /** How fault delays wait; tests inject a controllable one. Defaults to a real timer. */
  sleep?: Sleep;
  /** Tuning of the Atlassian (3LO) emulation, which is always mounted; see atlassian/index.ts. */
  atlassian?: AtlassianOptions;
}

export interface Sandbox {
  app: Hono<SandboxEnv>;
  /** Every account (seeded, then added), with email and API token for Basic auth. Live. */
  users: SandboxUser[];
  /** Accounts, groups and lookups; what other front doors (e.g. Atlassian OAuth) authenticate against. */
  directory: SandboxDirectory;
  /** The account with this e-mail address (case-insensitive), if any. */
  findUserByEmail(email: string): SandboxUser | undefined;
  /**
   * Adds an account (in memory, for this instance only) with the given
   * project access and groups; its API token is `sandbox-token-<name>`.
   */
  addUser(spec: NewSandboxUser): SandboxUser;
  faults: FaultInjector;
  /** The requests received (the newest `requestLogLimit`), oldest first, with credentials redacted. */
  requests: RecordedRequest[];
  /** The sandbox playing Atlassian's OAuth server and API gateway: counters, lifetimes, redirect URIs. */
  atlassian: AtlassianEmulator;
  close(): void;
}

/**
 * Opens (and on first use seeds) a sandbox on the given SQLite database.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const store = new SandboxStore(options.dbPath);
  seedIfEmpty(store, clock);
  seedStructureIfEmpty(store, clock);
  seedHistoryIfEmpty(store, clock);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const directory = new SandboxDirectory();
  const atlassian = createAtlassianEmulator({
    dbPath: options.dbPath,
    clock,
    users: directory.users,
    ...(options.atlassian === undefined ? {} : { options: options.atlassian }),
  });
  const app = createSandboxApp({
    deps: { store, clock, directory },
    faults,
    requests,
    sleep: options.sleep ?? REAL_SLEEP,
    atlassian,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.mediaBaseUrl === undefined ? {} : { mediaBaseUrl: options.mediaBaseUrl }),
    ...(options.requestLogLimit === undefined ? {} : { requestLogLimit: options.requestLogLimit }),
  });
  return {
    app,
    users: directory.users,
    directory,
    findUserByEmail: (email) => directory.findUserByEmail(email),
    addUser: (spec) => directory.addUser(spec),
    faults,
    requests,
    atlassian,
    close: () => {
      atlassian.close();
      store.close();
    },
  };
}

/**
 * Serves a sandbox on 127.0.0.1 (port 0 picks a free one) and resolves
 * once it is listening. `close()` stops the server and closes the database.
 */
export async function startSandboxServer(
  options: SandboxOptions & { port?: number },
): Promise<{ url: string; sandbox: Sandbox; close(): Promise<void> }> {
  const sandbox = createSandbox(options);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve(
        { fetch: sandbox.app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => {
          resolve({ server, port: info.port });
        },
      );
    },
  );
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    sandbox.close();
  };
  return { url: `http://127.0.0.1:${port}`, sandbox, close };
}
