/**
 * The Jira sandbox: a Jira-Cloud-compatible REST server with demo data,
 * persisted in SQLite. It is the gateway's zero-config Jira and the Jira
 * peer of the tests.
 *
 * Fixed contract (see catalog.ts and seed.ts): users Alice Admin
 * (alice@example.com) and Bob Builder (bob@example.com) with the tokens in
 * `SANDBOX_API_TOKENS`; projects DEMO (id 10000) and OPS (id 10001);
 * transitions 21 Start Progress, 31 Done, 11 Stop Progress, 41 Reopen.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { createSandboxApp } from './app.js';
import type { SandboxEnv } from './context.js';
import { FaultInjector, REAL_SLEEP, type Sleep } from './faults.js';
import type { RecordedRequest } from './request-log.js';
import { SANDBOX_USERS, seedIfEmpty, type SandboxUser } from './seed.js';
import { SandboxStore } from './store.js';

export type { FaultSpec, Sleep } from './faults.js';
export { FaultInjector } from './faults.js';
export type { RecordedRequest } from './request-log.js';
export type { SandboxEnv } from './context.js';
export { SANDBOX_API_TOKENS, SANDBOX_USERS, type SandboxUser } from './seed.js';
export { PROJECTS, TRANSITIONS } from './catalog.js';

export interface SandboxOptions {
  /** SQLite file path, or ':memory:'. An existing file keeps its data. */
  dbPath: string;
  clock?: Clock;
  /** Origin used in `self` links; defaults to each request's origin. */
  baseUrl?: string;
  /** The newest requests `requests` keeps; default 10,000 (older ones are dropped). */
  requestLogLimit?: number;
  /** How fault delays wait; tests inject a controllable one. Defaults to a real timer. */
  sleep?: Sleep;
}

export interface Sandbox {
  app: Hono<SandboxEnv>;
  /** The seeded users, with email and API token for Basic auth. */
  users: SandboxUser[];
  faults: FaultInjector;
  /** The requests received (the newest `requestLogLimit`), oldest first, with credentials redacted. */
  requests: RecordedRequest[];
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
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const users = [...SANDBOX_USERS];
  const app = createSandboxApp({
    deps: { store, clock },
    users,
    faults,
    requests,
    sleep: options.sleep ?? REAL_SLEEP,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.requestLogLimit === undefined ? {} : { requestLogLimit: options.requestLogLimit }),
  });
  return {
    app,
    users,
    faults,
    requests,
    close: () => {
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
