import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  isAuditedRefusal,
  LoginThrottle,
  type ThrottleDecision,
} from '../../src/accounts/login-throttle.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import type { CounterRepository, Storage } from '../../src/storage/ports.js';

const MINUTE = 60_000;
const IP = '203.0.113.7';

let dir: string;
let storage: Storage;
let counters: CounterRepository;
let clock: ManualClock;
let throttle: LoginThrottle;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'throttle-'));
  storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  counters = storage.counters;
  clock = new ManualClock();
  throttle = new LoginThrottle(counters, clock, { maxFailures: 5 });
});

afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

/** `times` attempts that all fail (a failure needs no call after the reservation). */
async function fail(times: number, username: string, ip = IP, t = throttle): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const decision = await t.reserve(username, ip);
    expect(decision.allowed).toBe(true);
  }
}

function refusal(
  decision: ThrottleDecision,
): Omit<ThrottleDecision & { allowed: false }, 'allowed'> {
  if (decision.allowed) throw new Error('expected a refusal');
  const { allowed: _allowed, ...rest } = decision;
  return rest;
}

describe('LoginThrottle per username (OWASP login throttling)', () => {
  it('allows a first attempt and counts it before the password is checked', async () => {
    expect((await throttle.reserve('alice', IP)).allowed).toBe(true);
    expect(await counters.get('login:user:alice', clock.now())).toStrictEqual({
      count: 1,
      expiresAt: clock.now() + 15 * MINUTE,
    });
  });

  it('allows 5 attempts, then refuses until 15 minutes after the first one', async () => {
    await fail(1, 'alice');
    clock.advance(5 * MINUTE);
    await fail(4, 'alice');
    expect(refusal(await throttle.reserve('alice', IP))).toStrictEqual({
      retryAfterSeconds: 600,
      limitedBy: 'user',
      refusedInWindow: 1,
      audit: true,
    });
    clock.advance(10 * MINUTE - 1);
    expect(refusal(await throttle.reserve('alice', IP)).retryAfterSeconds).toBe(1);
    clock.advance(1);
    expect((await throttle.reserve('alice', IP)).allowed).toBe(true);
  });

  it('does not count a refused attempt against the limit, nor let it move the window', async () => {
    await fail(5, 'alice');
    for (let i = 0; i < 30; i += 1) await throttle.reserve('alice', IP);
    expect((await counters.get('login:user:alice', clock.now()))?.count).toBe(5);
    clock.advance(15 * MINUTE);
    expect((await throttle.reserve('alice', IP)).allowed).toBe(true);
  });

  it('gives the address its slot back when the username refuses', async () => {
    await fail(5, 'alice');
    for (let i = 0; i < 30; i += 1) await throttle.reserve('alice', IP);
    expect((await counters.get('login:ip:203.0.113.7', clock.now()))?.count).toBe(5);
  });

  it('refuses the username from every address', async () => {
    await fail(5, 'alice');
    expect(refusal(await throttle.reserve('alice', '198.51.100.1'))).toMatchObject({
      limitedBy: 'user',
      retryAfterSeconds: 900,
    });
    expect((await throttle.reserve('bob', IP)).allowed).toBe(true);
  });

  it('counts a username in any letter case as one', async () => {
    await fail(3, 'Alice');
    await fail(2, 'ALICE');
    expect((await throttle.reserve('alice', IP)).allowed).toBe(false);
  });

  it('starts a new window at 1 after the old one ends', async () => {
    await fail(4, 'alice');
    clock.advance(15 * MINUTE);
    await fail(5, 'alice');
    expect((await throttle.reserve('alice', IP)).allowed).toBe(false);
  });

  it('clears the username count on a successful login', async () => {
    await fail(4, 'alice');
    const last = await throttle.reserve('Alice', IP);
    if (!last.allowed) throw new Error('the 5th attempt must be allowed');
    await throttle.recordSuccess(last.attempt);
    await fail(5, 'alice');
    expect((await throttle.reserve('alice', IP)).allowed).toBe(false);
  });

  it(`reserves exactly 5 of 40 parallel attempts for one username`, async () => {
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => throttle.reserve('alice', `198.51.100.${i + 1}`)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect((await counters.get('login:user:alice', clock.now()))?.count).toBe(5);
  });
});

describe('LoginThrottle per IP address', () => {
  it('refuses an address after 20 attempts spread over many usernames', async () => {
    for (let i = 0; i < 19; i += 1) await fail(1, `user${i}`);
    await fail(1, 'user19');
    expect(refusal(await throttle.reserve('fresh', IP))).toStrictEqual({
      retryAfterSeconds: 900,
      limitedBy: 'ip',
      refusedInWindow: 1,
      audit: true,
    });
    // The refused attempt wrote no counter for the username it named.
    expect(await counters.get('login:user:fresh', clock.now())).toBeUndefined();
    expect((await throttle.reserve('fresh', '198.51.100.1')).allowed).toBe(true);
  });

  it('writes no username counter for the attempts of an address past its limit', async () => {
    await fail(20, 'alice', IP, new LoginThrottle(counters, clock, { maxFailures: 100 }));
    for (let i = 0; i < 50; i += 1) {
      expect(refusal(await throttle.reserve(`random-name-${i}`, IP)).limitedBy).toBe('ip');
    }
    for (let i = 0; i < 50; i += 1) {
      expect(await counters.get(`login:user:random-name-${i}`, clock.now())).toBeUndefined();
    }
  });

  it('charges nothing to the address for a good password', async () => {
    for (let i = 0; i < 40; i += 1) {
      const decision = await throttle.reserve(`user${i}`, IP);
      if (!decision.allowed) throw new Error(`success ${i} was refused`);
      await throttle.recordSuccess(decision.attempt);
    }
    expect((await counters.get('login:ip:203.0.113.7', clock.now()))?.count).toBe(0);
  });

  it('keeps the address count after a success', async () => {
    await fail(19, 'x', IP, new LoginThrottle(counters, clock, { maxFailures: 100 }));
    const ok = await throttle.reserve('user0', IP);
    if (!ok.allowed) throw new Error('the 20th attempt must be allowed');
    await throttle.recordSuccess(ok.attempt);
    await fail(1, 'user1');
    expect(refusal(await throttle.reserve('user0', IP)).limitedBy).toBe('ip');
  });

  it('counts one IPv6 /64 as one address', async () => {
    for (let i = 0; i < 20; i += 1) await fail(1, `user${i}`, `2001:db8:1:2::${i + 1}`);
    expect((await throttle.reserve('fresh', '2001:db8:1:2:abcd::1')).allowed).toBe(false);
    expect((await throttle.reserve('fresh', '2001:db8:1:3::1')).allowed).toBe(true);
  });

  it('counts names that can never log in against the address too', async () => {
    for (let i = 0; i < 5; i += 1) await fail(1, `not a valid name ${i}`);
    expect((await counters.get('login:ip:203.0.113.7', clock.now()))?.count).toBe(5);
    // They share one username counter, which is now full.
    expect(refusal(await throttle.reserve('also invalid', IP)).limitedBy).toBe('user');
  });

  it('reports the later of the two windows when both are exceeded', async () => {
    for (let i = 0; i < 15; i += 1) await fail(1, `user${i}`);
    clock.advance(5 * MINUTE);
    await fail(5, 'alice');
    clock.advance(1 * MINUTE);
    // The IP window opened at 0 (ends at 15 min), alice's at 5 min (ends at 20).
    expect(refusal(await throttle.reserve('alice', IP))).toMatchObject({
      limitedBy: 'ip',
      retryAfterSeconds: 840,
    });
  });

  it('reserves exactly 20 of 60 parallel attempts from one address at 60 usernames', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => throttle.reserve(`user${i}`, IP)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect((await counters.get('login:ip:203.0.113.7', clock.now()))?.count).toBe(20);
  });
});

describe('LoginThrottle refusal tally (aggregated login.throttled audit)', () => {
  it('marks the 1st, 10th, 100th and 1000th refusal of a window for the audit trail', async () => {
    await fail(5, 'alice');
    const audited: number[] = [];
    // 15 rounds of 100 parallel attempts: a flood, committed in few transactions.
    for (let round = 0; round < 15; round += 1) {
      const decisions = await Promise.all(
        Array.from({ length: 100 }, (_, i) => throttle.reserve('alice', `198.51.100.${i + 1}`)),
      );
      for (const d of decisions) if (!d.allowed && d.audit) audited.push(d.refusedInWindow);
    }
    expect(audited.sort((a, b) => a - b)).toStrictEqual([1, 10, 100, 1000]);
    expect(await counters.get('login:refused:login:user:alice', clock.now())).toStrictEqual({
      count: 1500,
      expiresAt: clock.now() + 15 * MINUTE,
    });
  });

  it('starts a new tally with a new locked window', async () => {
    await fail(5, 'alice');
    expect(refusal(await throttle.reserve('alice', IP)).refusedInWindow).toBe(1);
    expect(refusal(await throttle.reserve('alice', IP)).refusedInWindow).toBe(2);
    clock.advance(15 * MINUTE);
    await fail(5, 'alice', '198.51.100.1');
    expect(refusal(await throttle.reserve('alice', IP))).toMatchObject({
      refusedInWindow: 1,
      audit: true,
    });
  });

  it.each([
    [1, true],
    [2, false],
    [10, true],
    [11, false],
    [100, true],
    [1000, true],
    [1_000_000, true],
    [0, false],
    [-10, false],
    [20, false],
  ])('isAuditedRefusal(%s) is %s', (n, expected) => {
    expect(isAuditedRefusal(n)).toBe(expected);
  });
});

describe('LoginThrottle configuration (LOGIN_MAX_FAILURES)', () => {
  it('uses the configured limit per user and four times it per address', async () => {
    const strict = new LoginThrottle(counters, clock, { maxFailures: 2 });
    await fail(2, 'alice', IP, strict);
    expect((await strict.reserve('alice', IP)).allowed).toBe(false);
    for (let i = 0; i < 8; i += 1) await fail(1, `user${i}`, '198.51.100.9', strict);
    expect(refusal(await strict.reserve('zed', '198.51.100.9')).limitedBy).toBe('ip');
  });

  it('defaults to 5 failures', async () => {
    const byDefault = new LoginThrottle(counters, clock);
    await fail(5, 'alice', IP, byDefault);
    expect((await byDefault.reserve('alice', IP)).allowed).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxFailures %s', (maxFailures) => {
    expect(() => new LoginThrottle(counters, clock, { maxFailures })).toThrow(
      'maxFailures must be a positive integer',
    );
  });
});
