import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { LoginThrottle } from '../../src/accounts/login-throttle.js';
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

async function fail(times: number, username: string, ip = IP): Promise<void> {
  for (let i = 0; i < times; i += 1) await throttle.recordFailure(username, ip);
}

describe('LoginThrottle per username (OWASP login throttling)', () => {
  it('allows a first attempt', async () => {
    expect(await throttle.check('alice', IP)).toEqual({ allowed: true });
  });

  it('still allows the attempt after 4 failures', async () => {
    await fail(4, 'alice');
    expect(await throttle.check('alice', IP)).toEqual({ allowed: true });
  });

  it('refuses after 5 failures until 15 minutes after the first one', async () => {
    await fail(1, 'alice');
    clock.advance(5 * MINUTE);
    await fail(4, 'alice');
    expect(await throttle.check('alice', IP)).toEqual({ allowed: false, retryAfterSeconds: 600 });
    clock.advance(10 * MINUTE - 1);
    expect(await throttle.check('alice', IP)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1);
    expect(await throttle.check('alice', IP)).toEqual({ allowed: true });
  });

  it('refuses the username from every address', async () => {
    await fail(5, 'alice');
    expect(await throttle.check('alice', '198.51.100.1')).toEqual({
      allowed: false,
      retryAfterSeconds: 900,
    });
    expect(await throttle.check('bob', IP)).toEqual({ allowed: true });
  });

  it('counts a username in any letter case as one', async () => {
    await fail(3, 'Alice');
    await fail(2, 'ALICE');
    expect((await throttle.check('alice', IP)).allowed).toBe(false);
  });

  it('starts a new window at 1 after the old one ends', async () => {
    await fail(4, 'alice');
    clock.advance(15 * MINUTE);
    await fail(4, 'alice');
    expect(await throttle.check('alice', IP)).toEqual({ allowed: true });
  });

  it('clears the username count on a successful login', async () => {
    await fail(4, 'alice');
    await throttle.recordSuccess('Alice');
    await fail(4, 'alice');
    expect(await throttle.check('alice', IP)).toEqual({ allowed: true });
  });
});

describe('LoginThrottle per IP address', () => {
  it('refuses an address after 20 failures spread over many usernames', async () => {
    for (let i = 0; i < 19; i += 1) await fail(1, `user${i}`);
    expect(await throttle.check('fresh', IP)).toEqual({ allowed: true });
    await fail(1, 'user19');
    expect(await throttle.check('fresh', IP)).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(await throttle.check('fresh', '198.51.100.1')).toEqual({ allowed: true });
  });

  it('keeps the address count after a success', async () => {
    for (let i = 0; i < 20; i += 1) await fail(1, `user${i}`);
    await throttle.recordSuccess('user0');
    expect((await throttle.check('user0', IP)).allowed).toBe(false);
  });

  it('counts one IPv6 /64 as one address', async () => {
    for (let i = 0; i < 20; i += 1) await fail(1, `user${i}`, `2001:db8:1:2::${i + 1}`);
    expect((await throttle.check('fresh', '2001:db8:1:2:abcd::1')).allowed).toBe(false);
    expect((await throttle.check('fresh', '2001:db8:1:3::1')).allowed).toBe(true);
  });

  it('counts names that can never log in against the address too', async () => {
    for (let i = 0; i < 20; i += 1) await fail(1, `not a valid name ${i}`);
    expect((await throttle.check('alice', IP)).allowed).toBe(false);
  });

  it('reports the later of the two windows when both are exceeded', async () => {
    for (let i = 0; i < 16; i += 1) await fail(1, `user${i}`);
    clock.advance(5 * MINUTE);
    await fail(4, 'alice');
    clock.advance(1 * MINUTE);
    await fail(1, 'alice');
    // The IP window opened at 0 (ends at 15 min), alice's at 5 min (ends at 20).
    expect(await throttle.check('alice', IP)).toEqual({ allowed: false, retryAfterSeconds: 840 });
  });
});

describe('LoginThrottle configuration (LOGIN_MAX_FAILURES)', () => {
  it('uses the configured limit per user and four times it per address', async () => {
    const strict = new LoginThrottle(counters, clock, { maxFailures: 2 });
    await strict.recordFailure('alice', IP);
    expect((await strict.check('alice', IP)).allowed).toBe(true);
    await strict.recordFailure('alice', IP);
    expect((await strict.check('alice', IP)).allowed).toBe(false);
    for (let i = 0; i < 7; i += 1) await strict.recordFailure(`user${i}`, '198.51.100.9');
    expect((await strict.check('zed', '198.51.100.9')).allowed).toBe(true);
    await strict.recordFailure('user7', '198.51.100.9');
    expect((await strict.check('zed', '198.51.100.9')).allowed).toBe(false);
  });

  it('defaults to 5 failures', async () => {
    const byDefault = new LoginThrottle(counters, clock);
    for (let i = 0; i < 4; i += 1) await byDefault.recordFailure('alice', IP);
    expect((await byDefault.check('alice', IP)).allowed).toBe(true);
    await byDefault.recordFailure('alice', IP);
    expect((await byDefault.check('alice', IP)).allowed).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxFailures %s', (maxFailures) => {
    expect(() => new LoginThrottle(counters, clock, { maxFailures })).toThrow(
      'maxFailures must be a positive integer',
    );
  });
});
