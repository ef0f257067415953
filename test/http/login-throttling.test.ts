/**
 * The login limits through the real HTTP app (in-process `app.request`) over
 * a real SQLite file: a parallel burst of POSTs must not get more passwords
 * checked than the limit, and a flood of refused attempts must not flood the
 * audit trail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import type { AuditEvent } from '../../src/storage/ports.js';
import { inputValue, PageAgent } from '../helpers/browser.js';
import { createTestGateway, TEST_ISSUER, TEST_USER, type TestGateway } from '../helpers/gateway.js';
import {
  authorizeUrl,
  LOOPBACK_REDIRECT,
  newPkce,
  registerClient,
} from '../helpers/oauth-client.js';

const PARALLEL = 40;

let gw: TestGateway;
let agent: PageAgent;
let form: { csrf_token: string; request: string };

beforeEach(async () => {
  gw = await createTestGateway({ LOGIN_MAX_FAILURES: '5' });
  const client = await registerClient(gw);
  agent = new PageAgent(gw.fetch, TEST_ISSUER);
  const page = await agent.get(
    authorizeUrl({
      client_id: client.client_id,
      redirect_uri: LOOPBACK_REDIRECT,
      response_type: 'code',
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
    }),
  );
  const html = await page.text();
  form = { csrf_token: inputValue(html, 'csrf_token'), request: inputValue(html, 'request') };
});

afterEach(async () => {
  await gw.close();
});

function login(username: string, password: string): Promise<Response> {
  return agent.post('/authorize/login', { ...form, username, password });
}

async function events(type: string): Promise<AuditEvent[]> {
  return (await gw.audit.tail(10_000)).filter((e) => e.type === type);
}

function statuses(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('POST /authorize/login throttling under concurrency (OWASP login throttling)', () => {
  it(`checks exactly 5 passwords of ${PARALLEL} parallel guesses for one user, and refuses the right one as guess 21`, async () => {
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        login(TEST_USER.username, i === 20 ? TEST_USER.password : `wrong guess ${i}`),
      ),
    );
    expect(statuses(responses)).toStrictEqual({ 401: 5, 429: PARALLEL - 5 });
    expect(responses[20]?.status).toBe(429);
    expect(responses[20]?.headers.get('retry-after')).toBe('900');
    expect(agent.cookie('session')).toBeUndefined();
    expect(await events(AUDIT_EVENT.loginFailed)).toHaveLength(5);
    expect(await events(AUDIT_EVENT.loginSucceeded)).toHaveLength(0);
    // The window is full: the right password is still refused, without being checked.
    const late = await login(TEST_USER.username, TEST_USER.password);
    expect(late.status).toBe(429);
    expect(agent.cookie('session')).toBeUndefined();
  });

  it(`checks exactly 20 passwords of ${PARALLEL + 20} parallel guesses from one address at as many usernames`, async () => {
    const responses = await Promise.all(
      Array.from({ length: PARALLEL + 20 }, (_, i) => login(`user${i}`, 'wrong password here')),
    );
    expect(statuses(responses)).toStrictEqual({ 401: 20, 429: PARALLEL });
    expect(await events(AUDIT_EVENT.loginFailed)).toHaveLength(20);
  });

  it('counts no good sign-in against the address: 30 in a row from one address all succeed', async () => {
    for (let i = 0; i < 30; i += 1) {
      const response = await login(TEST_USER.username, TEST_USER.password);
      expect(response.status).toBe(303);
    }
  });

  it('writes a handful of login.throttled rows, with counts, for 1,500 refused attempts', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await login(TEST_USER.username, 'wrong password here')).status).toBe(401);
    }
    // 15 rounds of 100 parallel attempts, from one address, at the locked user.
    for (let round = 0; round < 15; round += 1) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, () => login(TEST_USER.username, TEST_USER.password)),
      );
      expect(statuses(responses)).toStrictEqual({ 429: 100 });
    }
    // In a parallel burst, attempts in flight hold address slots for a moment, so
    // some refusals are the address's; each limit keeps its own tally, and each
    // tally writes rows only at its 1st, 10th, 100th and 1000th refusal.
    const now = gw.clock.now();
    const tallies = {
      user: (await gw.storage.counters.get('login:refused:login:user:alice', now))?.count ?? 0,
      ip: (await gw.storage.counters.get('login:refused:login:ip:203.0.113.7', now))?.count ?? 0,
    };
    expect(tallies.user + tallies.ip).toBe(1500);
    const throttled = await events(AUDIT_EVENT.loginThrottled);
    for (const scope of ['user', 'ip'] as const) {
      const written = throttled
        .filter((e) => e.detail?.limitedBy === scope)
        .map((e) => Number(e.detail?.refusedInWindow))
        .sort((a, b) => a - b);
      expect(written).toStrictEqual([1, 10, 100, 1000].filter((n) => n <= tallies[scope]));
    }
    expect(throttled.length).toBeLessThanOrEqual(8);
    expect(
      throttled.every((e) => e.username === TEST_USER.username && e.outcome === 'failure'),
    ).toBe(true);
    expect(await events(AUDIT_EVENT.loginFailed)).toHaveLength(5);
  });
});
