import { afterEach, describe, expect, it } from 'vitest';
import type { Sleep } from '../../src/sandbox/index.js';
import { jiraErrorBody, readResponse, useTestSandbox } from './sandbox-fixture.js';

/** A sleep the test controls: each call waits until the test releases it. */
function controlledSleep(): {
  sleep: Sleep;
  calls: number[];
  nextCall(): Promise<void>;
  release(): void;
} {
  const calls: number[] = [];
  const waiting: (() => void)[] = [];
  let onCall: (() => void) | undefined;
  return {
    calls,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        calls.push(ms);
        waiting.push(resolve);
        onCall?.();
      }),
    nextCall: () =>
      new Promise<void>((resolve) => {
        onCall = resolve;
      }),
    release: () => {
      waiting.shift()?.();
    },
  };
}

const control = controlledSleep();
const t = useTestSandbox({ sleep: control.sleep });
afterEach(() => {
  t.sandbox.faults.clear();
});

describe('Fault injection: status faults', () => {
  it('answers 429 with Retry-After and rate-limit headers the given number of times, then recovers', async () => {
    t.sandbox.faults.add({ status: 429, times: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i += 1) {
      const res = await t.call('GET', '/rest/api/3/myself');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(res.headers.get('x-ratelimit-reset')).toBe('2026-01-31T12:00:07.000Z');
      expect(res.body).toEqual(jiraErrorBody(['Rate limit exceeded.']));
    }
    expect(t.sandbox.faults.pending).toBe(0);
    expect((await t.call('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('gives a 429 a one-second Retry-After by default', async () => {
    t.sandbox.faults.add({ status: 429 });
    const res = await t.call('GET', '/rest/api/3/myself');
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('answers 500 and 503 with error collections; Retry-After only when asked', async () => {
    t.sandbox.faults.add({ status: 500 });
    t.sandbox.faults.add({ status: 503, retryAfterSeconds: 30 });
    const first = await t.call('GET', '/rest/api/3/myself');
    expect(first.status).toBe(500);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.body).toEqual(jiraErrorBody(['Internal server error.']));
    const second = await t.call('GET', '/rest/api/3/myself');
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('30');
    expect(second.body).toEqual(jiraErrorBody(['Service unavailable.']));
  });

  it('applies only to matching paths and methods', async () => {
    t.sandbox.faults.add({ status: 500, pathPrefix: '/rest/api/3/search', method: 'POST' });
    expect((await t.call('GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await t.call('GET', '/rest/api/3/search/jql?jql=project%3DOPS')).status).toBe(200);
    expect((await t.call('POST', '/rest/api/3/search/jql', { jql: 'project = OPS' })).status).toBe(
      500,
    );
    expect(t.sandbox.faults.pending).toBe(0);
  });

  it('fires before authentication, like a proxy in front of Jira', async () => {
    t.sandbox.faults.add({ status: 429 });
    const res = await readResponse(await fetch(`${t.url}/rest/api/3/myself`));
    expect(res.status).toBe(429);
  });

  it('forgets pending faults on clear()', async () => {
    t.sandbox.faults.add({ status: 500, times: 3 });
    t.sandbox.faults.clear();
    expect(t.sandbox.faults.pending).toBe(0);
    expect((await t.call('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('rejects a non-positive times', () => {
    expect(() => {
      t.sandbox.faults.add({ status: 500, times: 0 });
    }).toThrow(RangeError);
  });
});

describe('Fault injection: slow answers', () => {
  it('holds the response until the delay has passed, then answers normally', async () => {
    t.sandbox.faults.add({ delayMs: 2500, pathPrefix: '/rest/api/3/myself' });
    const called = control.nextCall();
    let settled = false;
    const pending = t.call('GET', '/rest/api/3/myself').then((res) => {
      settled = true;
      return res;
    });
    await called;
    expect(control.calls.at(-1)).toBe(2500);
    expect(settled).toBe(false);
    control.release();
    const res = await pending;
    expect(res.status).toBe(200);
  });

  it('delays and then fails when both are asked', async () => {
    t.sandbox.faults.add({ delayMs: 100, status: 503 });
    const called = control.nextCall();
    const pending = t.call('GET', '/rest/api/3/myself');
    await called;
    expect(control.calls.at(-1)).toBe(100);
    control.release();
    expect((await pending).status).toBe(503);
  });
});
