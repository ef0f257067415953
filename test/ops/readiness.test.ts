import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createReadiness, ReadinessTimeoutError } from '../../src/ops/readiness.js';

describe('createReadiness (GET /readyz)', () => {
  it('reuses an answer for the cache period, then asks again', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const readiness = createReadiness({
      checks: [{ name: 'storage', check: () => Promise.resolve(void (calls += 1)) }],
      clock,
    });
    expect(await readiness.probe()).toStrictEqual({ status: 'ready', checks: { storage: 'ok' } });
    clock.advance(1_999);
    await readiness.probe();
    expect(calls).toBe(1);
    clock.advance(1);
    await readiness.probe();
    expect(calls).toBe(2);
  });

  it('counts a check that hangs as failing after the bound, and never starts it again while it hangs', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const failures: unknown[] = [];
    const readiness = createReadiness({
      checks: [
        {
          name: 'storage',
          check: () => {
            calls += 1;
            return new Promise<void>(() => undefined);
          },
        },
        { name: 'jira', check: () => Promise.resolve() },
      ],
      clock,
      timeoutMs: 50,
      onFailure: (name, error) => failures.push([name, error]),
    });
    const started = performance.now();
    expect(await readiness.probe()).toStrictEqual({
      status: 'not_ready',
      checks: { storage: 'failing', jira: 'ok' },
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    clock.advance(5_000);
    expect((await readiness.probe()).status).toBe('not_ready');
    expect(calls).toBe(1);
    // Logged once, when it turned failing, with the timeout as the reason.
    expect(failures).toHaveLength(1);
    expect((failures[0] as [string, unknown])[1]).toBeInstanceOf(ReadinessTimeoutError);
  });

  it('counts a check that throws synchronously as failing, and reports its recovery', async () => {
    const clock = new ManualClock();
    let broken = true;
    const recovered: string[] = [];
    const readiness = createReadiness({
      checks: [
        {
          name: 'storage',
          check: () => {
            if (broken) throw new Error('closed');
            return Promise.resolve();
          },
        },
      ],
      clock,
      onRecovery: (name) => recovered.push(name),
    });
    expect((await readiness.probe()).status).toBe('not_ready');
    broken = false;
    clock.advance(2_000);
    expect((await readiness.probe()).status).toBe('ready');
    expect(recovered).toStrictEqual(['storage']);
  });

  it('answers shutting_down once draining, without probing', async () => {
    let calls = 0;
    const readiness = createReadiness({
      checks: [{ name: 'storage', check: () => Promise.resolve(void (calls += 1)) }],
      clock: new ManualClock(),
    });
    readiness.drain();
    expect(await readiness.probe()).toStrictEqual({ status: 'shutting_down', checks: {} });
    expect(calls).toBe(0);
  });
});
