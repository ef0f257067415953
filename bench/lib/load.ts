/**
 * One measured burst of load with autocannon, from this process, over
 * loopback. Every request can differ (a fresh refresh token, code or
 * bearer each time), and latencies are kept at full resolution:
 * autocannon's own histogram rounds to whole milliseconds, too coarse to
 * see a sub-millisecond check.
 *
 * The burst's length is timed here, to its last response: autocannon only
 * notices that a burst is over on its sampling tick, so its own duration
 * (and the time until its callback) is late by up to one tick, which
 * would make a burst of a fixed `amount` look up to a second longer.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/** One HTTP request of the load. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** Origin of the server, e.g. http://127.0.0.1:40123. */
  url: string;
  connections: number;
  /** Stop after this many seconds… */
  seconds?: number;
  /** …or after exactly this many requests (pools of single-use credentials). */
  amount?: number;
  /** The next request; called once per request sent. */
  next: () => LoadRequest;
}

/** What one burst measured. Latencies are in milliseconds. */
export interface LoadResult {
  /** Successful (2xx) responses per second of the burst. */
  rps: number;
  ok: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  errors: number;
  /** Status codes other than 2xx, with their counts. */
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  seconds: number;
}

/** Runs one burst and resolves with its numbers. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      // Notice the end of a burst within 50 ms rather than a second.
      sampleInt: 50,
      timeout: 20,
      ...(options.amount === undefined
        ? { duration: options.seconds ?? 5 }
        : { amount: options.amount }),
      requests: [
        {
          setupRequest: (request) => ({ ...request, ...options.next() }),
        },
      ],
    },
    (error: unknown, result: autocannon.Result) => {
      if (error === null || error === undefined) finish(result);
      else fail(error);
    },
  );
  let lastResponse = started;
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastResponse = performance.now();
    if (statusCode >= 200 && statusCode < 300) {
      ok += 1;
      latencies.push(responseTime);
    } else {
      statuses[String(statusCode)] = (statuses[String(statusCode)] ?? 0) + 1;
    }
  });
  const result = await done;
  const seconds = (lastResponse - started) / 1000;
  latencies.sort((a, b) => a - b);
  const failed = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    rps: ok / seconds,
    ok,
    errors: failed + result.errors,
    statuses,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds,
  };
}
