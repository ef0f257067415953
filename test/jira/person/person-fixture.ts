/**
 * Per-person Jira against real parts: the sandbox (playing Jira and
 * Atlassian's OAuth server and API gateway) over HTTP on 127.0.0.1, a real
 * SQLite file (or dynalite) for the gateway's storage, the local envelope
 * cipher, and a manual clock shared by both sides so token expiry is
 * decided without sleeping.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import {
  ATLASSIAN_SCOPES,
  JIRA_OAUTH_CALLBACK_PATH,
  loadConfig,
  type AtlassianSettings,
} from '../../../src/config/config.js';
import { createLocalCipher } from '../../../src/crypto/local-cipher.js';
import type { SecretCipher } from '../../../src/crypto/secret-cipher.js';
import {
  createPersonalJira,
  type PersonalJira,
  type PersonalJiraDeps,
} from '../../../src/jira/person/personal-jira.js';
import {
  SANDBOX_ATLASSIAN_APP,
  startSandboxServer,
  type Sandbox,
} from '../../../src/sandbox/index.js';
import type { Storage } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';

/** The gateway's public URL in these tests; any loopback callback is pre-registered in the sandbox. */
export const PUBLIC_URL = 'http://127.0.0.1:4999';
export const REDIRECT_URI = `${PUBLIC_URL}${JIRA_OAUTH_CALLBACK_PATH}`;
export const T0 = Date.UTC(2026, 0, 31, 12, 0, 0);

export interface PersonWorld {
  sandbox: Sandbox;
  sandboxUrl: string;
  clock: ManualClock;
  cipher: SecretCipher;
  /** The raw key behind `cipher`, for gateway processes started by a test. */
  masterKey: Buffer;
  dir: string;
  /** The gateway's SQLite file (for more connections to it). */
  dbPath: string;
  /** The first storage connection. */
  storage: Storage;
  atlassian: AtlassianSettings;
  /** A PersonalJira on `storage` (or another storage) for a mode. */
  personal(
    mode: 'atlassian-oauth' | 'personal-token',
    overrides?: Partial<PersonalJiraDeps>,
  ): PersonalJira;
  /** Another connection to the same SQLite file (another gateway process's view). */
  openConnection(): Storage;
  close(): Promise<void>;
}

/** Starts the sandbox and opens the gateway's storage in a fresh temp dir. */
export async function startPersonWorld(): Promise<PersonWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'person-jira-'));
  const clock = new ManualClock(T0);
  const started = await startSandboxServer({ dbPath: join(dir, 'sandbox.db'), clock });
  const dbPath = join(dir, 'gateway.db');
  const storage = openSqliteStorage({ path: dbPath });
  const connections: Storage[] = [storage];
  const masterKey = randomBytes(32);
  const cipher = createLocalCipher(masterKey);
  const atlassian: AtlassianSettings = {
    clientId: SANDBOX_ATLASSIAN_APP.clientId,
    clientSecret: SANDBOX_ATLASSIAN_APP.clientSecret,
    authUrl: started.url,
    apiUrl: started.url,
    scopes: [...ATLASSIAN_SCOPES],
    redirectUri: REDIRECT_URI,
  };
  return {
    sandbox: started.sandbox,
    sandboxUrl: started.url,
    clock,
    cipher,
    masterKey,
    dir,
    dbPath,
    storage,
    atlassian,
    personal(mode, overrides = {}) {
      return createPersonalJira({
        config: loadConfig({ JIRA_AUTH: mode, PUBLIC_URL, JIRA_MAX_RETRIES: '0' }),
        storage,
        cipher,
        clock,
        atlassian,
        ...(mode === 'personal-token' ? { siteUrl: started.url } : {}),
        ...overrides,
      });
    },
    openConnection() {
      const another = openSqliteStorage({ path: dbPath });
      connections.push(another);
      return another;
    },
    async close() {
      for (const connection of connections) await connection.close();
      await started.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const HIDDEN = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Plays the person at Atlassian's consent screen (the sandbox's): opens
 * `authorizeUrl`, signs in as `email`, and accepts or declines. Returns
 * the callback's query, as the gateway's callback route would receive it.
 */
export async function consentAt(
  authorizeUrl: string,
  email: string,
  decision: 'accept' | 'deny' = 'accept',
  redirectUri: string = REDIRECT_URI,
): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const fields: Record<string, string> = {};
  for (const match of (await page.text()).matchAll(HIDDEN)) {
    fields[unescapeHtml(match[1] ?? '')] = unescapeHtml(match[2] ?? '');
  }
  const target = new URL(authorizeUrl);
  const answer = await fetch(`${target.origin}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: target.origin },
    body: new URLSearchParams({ ...fields, email, password: 'sandbox', decision }).toString(),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return location.searchParams;
}

/** Links `userId` to the sandbox account `email` through the full 3LO dance. */
export async function linkThroughAtlassian(
  personal: PersonalJira,
  userId: string,
  email: string,
  returnTo = '/authorize?client_id=c1',
): Promise<Awaited<ReturnType<PersonalJira['completeLink']>>> {
  const { url } = await personal.startLink(userId, returnTo);
  const query = await consentAt(url, email);
  return personal.completeLink(userId, query);
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
