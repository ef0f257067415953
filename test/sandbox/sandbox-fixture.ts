/**
 * A sandbox served over real HTTP on 127.0.0.1, backed by a real SQLite file
 * in a fresh temp dir, with a manual clock. Shared by the sandbox suites.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  SANDBOX_API_TOKENS,
  startSandboxServer,
  type Sandbox,
  type Sleep,
} from '../../src/sandbox/index.js';
import { validateResponse } from '../helpers/openapi-validator.js';
import { lateBound } from '../helpers/suite-resources.js';

/** The sandbox's "now" in the suites: Saturday 2026-01-31 12:00 UTC. */
export const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

export const ALICE_ID = '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const BOB_ID = '712020:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

/** A sandbox account by name: a seeded one, or one a test added with the default e-mail. */
export type Who = 'alice' | 'bob' | (string & {});

/** `Authorization` for an account: `<name>@example.com` with its documented token. */
export function basic(who: Who): string {
  const token =
    who === 'alice'
      ? SANDBOX_API_TOKENS.alice
      : who === 'bob'
        ? SANDBOX_API_TOKENS.bob
        : `sandbox-token-${who}`;
  return `Basic ${Buffer.from(`${who}@example.com:${token}`).toString('base64')}`;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

export interface TestSandbox {
  url: string;
  sandbox: Sandbox;
  clock: ManualClock;
  dir: string;
  dbPath: string;
  /** Sends a request as `who` (default Alice); a body is sent as JSON. */
  call(method: string, path: string, body?: unknown, who?: Who): Promise<JsonResponse>;
  close(): Promise<void>;
}

/** Reads a fetch response as JSON (or nothing). */
export async function readResponse(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    text,
  };
}

/** Starts a sandbox on a new SQLite file; `close()` stops it and deletes the file. */
export async function startTestSandbox(
  options: { sleep?: Sleep; dir?: string } = {},
): Promise<TestSandbox> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sandbox-test-'));
  const dbPath = join(dir, 'sandbox.db');
  const clock = new ManualClock(NOW);
  const server = await startSandboxServer({
    dbPath,
    clock,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  return {
    url: server.url,
    sandbox: server.sandbox,
    clock,
    dir,
    dbPath,
    async call(method, path, body, who = 'alice') {
      const headers: Record<string, string> = {
        authorization: basic(who),
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return readResponse(response);
    },
    async close() {
      await server.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The suite's sandbox: started in `beforeAll`, closed in `afterAll`. The
 * handle can be kept at module level; it reaches the running sandbox once
 * `beforeAll` has run, and throws if used before.
 */
export function useTestSandbox(options: { sleep?: Sleep } = {}): TestSandbox {
  let started: TestSandbox | undefined;
  beforeAll(async () => {
    started = await startTestSandbox(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return lateBound(() => {
    if (started === undefined) throw new Error('the test sandbox starts in beforeAll');
    return started;
  });
}

/** Narrows an unknown JSON value to an object for property access in assertions. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Narrows an unknown JSON value to an array. */
export function arr(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

/** The description's validation errors for this response (empty when it conforms). */
export function specErrors(method: string, pathTemplate: string, response: JsonResponse): string[] {
  return validateResponse(method, pathTemplate, response.status, response.body).errors;
}

/** Jira's error body. */
export function jiraErrorBody(
  errorMessages: string[],
  errors: Record<string, string> = {},
): unknown {
  return { errorMessages, errors };
}
