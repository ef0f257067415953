/**
 * The lifecycle of what an end-to-end suite starts in `beforeAll` (gateway
 * processes, browsers, servers, temp dirs) and must stop in `afterAll`.
 */

/**
 * What a suite started in `beforeAll` (gateway, browser, servers), stopped
 * in reverse order by {@link SuiteResources.stopAll} in `afterAll`. It also
 * waits for starts still in flight, so a `beforeAll` that failed half-way
 * leaves no process or port behind.
 */
export class SuiteResources {
  readonly #stops: (() => Promise<unknown>)[] = [];
  readonly #pending: Promise<unknown>[] = [];

  /** Resolves to what `starting` resolves to, remembering how to stop it. */
  track<T>(starting: Promise<T>, stop: (value: T) => Promise<unknown>): Promise<T> {
    const tracked = starting.then((value) => {
      this.#stops.push(() => stop(value));
      return value;
    });
    this.#pending.push(tracked.catch(() => undefined));
    return tracked;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#pending);
    for (const stop of this.#stops.reverse()) await stop();
  }
}

/**
 * A handle to something a suite starts in `beforeAll`, usable where the
 * suite is declared: every property read goes to `current()`, which throws
 * until `beforeAll` has run. Methods stay bound to the started value.
 */
export function lateBound<T extends object>(current: () => T): T {
  // The empty target is never read: every property comes from `current()`.
  return new Proxy({} as T, {
    get(_target, key) {
      const started = current();
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(started)
        : value;
    },
  });
}
