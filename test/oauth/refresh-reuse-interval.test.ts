/**
 * The refresh-token reuse interval at /token: parallel refreshes with one
 * token all get working tokens of the same grant; any other reuse still
 * revokes the whole grant. Time moves only on the injected clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.js';
import { PageAgent } from '../helpers/browser.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  obtainCode,
  redeem,
  registerClient,
  signedInAgent,
  tokenRequest,
} from '../helpers/oauth-client.js';
import { waitUntil } from '../storage/sqlite/rotation-race.js';
import {
  refreshEach,
  type RefreshAnswer,
  type RefreshGo,
  type RefreshWorkerMessage,
} from './refresh-race.js';

const WORKER = fileURLToPath(new URL('./refresh-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CROSS_PROCESS_GRANTS = 12;

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  error?: string;
}

interface Session {
  gw: TestGateway;
  clientId: string;
  agent: PageAgent;
}

async function openSession(env: Record<string, string> = {}): Promise<Session> {
  const gw = await createTestGateway(env);
  const clientId = (await registerClient(gw)).client_id;
  return { gw, clientId, agent: await signedInAgent(gw, clientId) };
}

/** A fresh grant: the tokens of a redeemed code. */
async function signIn(s: Session): Promise<{ refresh: string; grantId: string }> {
  const { code, pkce } = await obtainCode(s.agent, s.clientId);
  const body = (await (await redeem(s.gw, s.clientId, code, pkce.verifier)).json()) as TokenBody;
  const refresh = body.refresh_token ?? '';
  const record = await s.gw.storage.tokens.get(hashSecret(refresh));
  if (record === undefined) throw new Error('the redeemed refresh token is not stored');
  return { refresh, grantId: record.grantId };
}

async function refresh(s: Session, token: string): Promise<{ status: number; body: TokenBody }> {
  const response = await tokenRequest(s.gw, {
    grant_type: 'refresh_token',
    client_id: s.clientId,
    refresh_token: token,
  });
  expect(response.headers.get('cache-control')).toBe('no-store');
  return { status: response.status, body: (await response.json()) as TokenBody };
}

/** True when the access token would be let into /mcp now. */
async function accessWorks(s: Session, accessToken: string | undefined): Promise<boolean> {
  const found = await s.gw.storage.tokens.findActive(
    hashSecret(accessToken ?? ''),
    'access',
    s.gw.clock.now(),
  );
  return found !== undefined;
}

async function revokedReason(s: Session, grantId: string): Promise<string | undefined> {
  return (await s.gw.storage.grants.get(grantId))?.revokedReason;
}

async function reuseEvents(s: Session, grantId: string): Promise<unknown[]> {
  return (await s.gw.audit.tail(200))
    .filter((e) => e.type === 'refresh.reuse_detected' && e.grantId === grantId)
    .map((e) => e.detail);
}

function expectRefused(answer: { status: number; body: TokenBody }): void {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toBe('invalid_grant');
}

describe('POST /token refresh_token within REFRESH_REUSE_INTERVAL (default 60 s; RFC 9700 §4.14.2)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession();
  });
  afterAll(async () => s.gw.close());

  it('answers two parallel refreshes with one token with working tokens, and the grant stays live', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const [one, two] = await Promise.all([refresh(s, token), refresh(s, token)]);
    for (const answer of [one, two]) {
      expect(answer.status).toBe(200);
      expect(await accessWorks(s, answer.body.access_token)).toBe(true);
    }
    expect(one.body.refresh_token).not.toBe(two.body.refresh_token);
    expect(await revokedReason(s, grantId)).toBeUndefined();
    expect(await reuseEvents(s, grantId)).toStrictEqual([]);
    const refreshed = (await s.gw.audit.tail(200)).filter(
      (e) => e.type === 'token.refreshed' && e.grantId === grantId,
    );
    expect(refreshed.map((e) => e.detail?.reuseInterval ?? false).sort()).toStrictEqual([
      false,
      true,
    ]);
    // Whichever refresh token the client kept goes on working.
    const next = await refresh(s, two.body.refresh_token ?? '');
    expect(next.status).toBe(200);
    expect(await revokedReason(s, grantId)).toBeUndefined();
  });

  it('also lets a refresh at the last millisecond of the interval through', async () => {
    const { refresh: token, grantId } = await signIn(s);
    expect((await refresh(s, token)).status).toBe(200);
    s.gw.clock.advance(60_000 - 1);
    const late = await refresh(s, token);
    expect(late.status).toBe(200);
    expect(await accessWorks(s, late.body.access_token)).toBe(true);
    expect(await revokedReason(s, grantId)).toBeUndefined();
  });

  it('revokes the grant when a rotated token comes back after the interval', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const first = await refresh(s, token);
    s.gw.clock.advance(60_000);
    expectRefused(await refresh(s, token));
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
    expect(await reuseEvents(s, grantId)).toStrictEqual([
      { action: 'grant revoked', reason: 'rotated' },
    ]);
    expectRefused(await refresh(s, first.body.refresh_token ?? ''));
    expect(await accessWorks(s, first.body.access_token)).toBe(false);
  });

  it('revokes the grant when a rotated token comes back after it expired, while the grant lives', async () => {
    // Its own gateway: the clock jumps a month, past every other test's session.
    const own = await openSession();
    try {
      const { refresh: token, grantId } = await signIn(own);
      await refresh(own, token);
      // Past REFRESH_TOKEN_TTL (30 days), within GRANT_TTL (90 days).
      own.gw.clock.advance(31 * 24 * 3600 * 1000);
      expectRefused(await refresh(own, token));
      expect(await revokedReason(own, grantId)).toBe('refresh token reused');
      expect(await reuseEvents(own, grantId)).toStrictEqual([
        { action: 'grant revoked', reason: 'rotated' },
      ]);
    } finally {
      await own.gw.close();
    }
  });

  it('revokes the grant for a rotated token after the interval even when the request is otherwise bad', async () => {
    const { refresh: token, grantId } = await signIn(s);
    expect((await refresh(s, token)).status).toBe(200);
    s.gw.clock.advance(60_000);
    const response = await tokenRequest(s.gw, {
      grant_type: 'refresh_token',
      client_id: s.clientId,
      refresh_token: token,
      resource: 'https://other.example/mcp',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as TokenBody).error).toBe('invalid_grant');
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
  });

  it('revokes the grant when a rotated token comes back, within the interval, after its successor was used', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const first = await refresh(s, token);
    const second = await refresh(s, first.body.refresh_token ?? '');
    expect(second.status).toBe(200);
    expectRefused(await refresh(s, token));
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
    expect(await reuseEvents(s, grantId)).toStrictEqual([
      { action: 'grant revoked', reason: 'rotated' },
    ]);
    expectRefused(await refresh(s, second.body.refresh_token ?? ''));
    expect(await accessWorks(s, second.body.access_token)).toBe(false);
  });

  it('ends the other sibling when one is used: presenting it afterwards revokes the grant', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const [one, two] = await Promise.all([refresh(s, token), refresh(s, token)]);
    const kept = await refresh(s, one.body.refresh_token ?? '');
    expect(kept.status).toBe(200);
    expectRefused(await refresh(s, two.body.refresh_token ?? ''));
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
    expect(await reuseEvents(s, grantId)).toStrictEqual([
      { action: 'grant revoked', reason: 'superseded' },
    ]);
    expect(await accessWorks(s, kept.body.access_token)).toBe(false);
  });

  it('does not extend the interval by reissuing: it runs from the first rotation', async () => {
    const { refresh: token, grantId } = await signIn(s);
    expect((await refresh(s, token)).status).toBe(200);
    s.gw.clock.advance(59_000);
    expect((await refresh(s, token)).status).toBe(200);
    s.gw.clock.advance(1_000);
    expectRefused(await refresh(s, token));
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
  });
});

describe('POST /token refresh_token with REFRESH_REUSE_INTERVAL=0 (strict rotation)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession({ REFRESH_REUSE_INTERVAL: '0' });
  });
  afterAll(async () => s.gw.close());

  it('revokes the grant on a second presentation at the same instant', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const first = await refresh(s, token);
    expect(first.status).toBe(200);
    expectRefused(await refresh(s, token));
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
    expectRefused(await refresh(s, first.body.refresh_token ?? ''));
  });

  it('lets exactly one of two parallel refreshes through and revokes the grant', async () => {
    const { refresh: token, grantId } = await signIn(s);
    const answers = await Promise.all([refresh(s, token), refresh(s, token)]);
    expect(answers.map((a) => a.status).sort()).toStrictEqual([200, 400]);
    expect(await revokedReason(s, grantId)).toBe('refresh token reused');
    const winner = answers.find((a) => a.status === 200);
    expect(await accessWorks(s, winner?.body.access_token)).toBe(false);
  });
});

/** Resolves with the worker's next message of `type`, or rejects on failure or exit. */
function nextMessage<T extends RefreshWorkerMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<RefreshWorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: RefreshWorkerMessage): void => {
      if (message.type === 'failed') {
        settle();
        reject(new Error(`worker failed: ${message.message}`));
      } else if (message.type === type) {
        settle();
        resolve(message as Extract<RefreshWorkerMessage, { type: T }>);
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

/**
 * Signs in CROSS_PROCESS_GRANTS times, then this process and a second real
 * gateway process on the same SQLite file refresh every token at the same
 * moment. Returns per grant this process's and the other's answer.
 */
async function raceSecondGateway(
  s: Session,
  reuseInterval: string,
): Promise<{ grantId: string; here: RefreshAnswer; there: RefreshAnswer }[]> {
  const grants = [];
  for (let i = 0; i < CROSS_PROCESS_GRANTS; i += 1) grants.push(await signIn(s));
  const child = fork(WORKER, [s.gw.dir, reuseInterval], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await nextMessage(child, 'ready');
    const tokens = grants.map((g) => g.refresh);
    const go: RefreshGo = {
      type: 'go',
      startAt: Date.now() + 250,
      now: s.gw.clock.now(),
      clientId: s.clientId,
      tokens,
    };
    const done = nextMessage(child, 'done');
    // Awaited below; this only keeps an early failure from being reported as unhandled.
    done.catch(() => undefined);
    child.send(go);
    await waitUntil(go.startAt);
    const mine = await refreshEach((input, init) => s.gw.fetch(input, init), s.clientId, tokens);
    const theirs = (await done).answers;
    return grants.map((g, i) => {
      const here = mine[i];
      const there = theirs[i];
      if (here === undefined || there === undefined) throw new Error('a refresh was skipped');
      return { grantId: g.grantId, here, there };
    });
  } finally {
    child.kill();
  }
}

describe('POST /token refresh_token across two gateway processes sharing one SQLite file', () => {
  it('answers both processes with working tokens within REFRESH_REUSE_INTERVAL; every grant stays live', async () => {
    const s = await openSession();
    try {
      for (const { grantId, here, there } of await raceSecondGateway(s, '60')) {
        expect([here.status, there.status]).toStrictEqual([200, 200]);
        expect(here.refreshToken).not.toBe(there.refreshToken);
        expect(await revokedReason(s, grantId)).toBeUndefined();
        for (const answer of [here, there]) {
          expect(await accessWorks(s, answer.accessToken)).toBe(true);
        }
      }
    } finally {
      await s.gw.close();
    }
  });

  it('lets one process through and revokes the grant with REFRESH_REUSE_INTERVAL=0', async () => {
    const s = await openSession({ REFRESH_REUSE_INTERVAL: '0' });
    try {
      for (const { grantId, here, there } of await raceSecondGateway(s, '0')) {
        expect([here.status, there.status].sort()).toStrictEqual([200, 400]);
        expect([here.error, there.error]).toContain('invalid_grant');
        expect(await revokedReason(s, grantId)).toBe('refresh token reused');
      }
    } finally {
      await s.gw.close();
    }
  });
});
