/**
 * Graceful shutdown of the Node listener: stop accepting connections, let
 * the requests already being answered finish (within a bound), close the
 * connections they leave idle, then cut whatever is still running.
 * @see https://nodejs.org/api/http.html#serverclosecallback
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What this module needs of an `http.Server` or `https.Server` (Node 18.2+). */
export interface DrainableServer {
  prependListener(
    event: 'request',
    listener: (request: IncomingMessage, response: ServerResponse) => void,
  ): unknown;
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

/** How a drain ended. */
export interface DrainResult {
  /** Requests still running when the bound ran out (their connections were cut). */
  cut: number;
  /** Requests running when the drain began. */
  inFlightAtStart: number;
}

export interface RequestTracker {
  /** Requests being answered now. */
  readonly inFlight: number;
  /**
   * Stops accepting connections and waits up to `timeoutMs` for the
   * requests in flight (and any sent meanwhile on already-open
   * connections); then closes every connection. Resolves when the
   * listener is closed. Calling it again returns the same drain.
   */
  drain(timeoutMs: number): Promise<DrainResult>;
  /** Ends the wait of a running drain now (a second SIGTERM): in-flight requests are cut. */
  cutNow(): void;
}

/**
 * Tracks the requests a server is answering, so it can be drained.
 * Responses sent once a drain has begun carry `Connection: close`, so
 * keep-alive clients reconnect (to another replica) instead of reusing a
 * connection that is about to close.
 * @see RFC 9112 §9.6 (Tear-down); https://nodejs.org/api/http.html#serverclosecallback
 */
export function trackRequests(server: DrainableServer): RequestTracker {
  const active = new Set<ServerResponse>();
  let draining: Promise<DrainResult> | undefined;
  let wake: (() => void) | undefined;

  // Prepended: runs before the app's listener, which may answer synchronously.
  server.prependListener('request', (_request, response) => {
    if (draining !== undefined) response.shouldKeepAlive = false;
    active.add(response);
    response.once('close', () => {
      active.delete(response);
      if (draining === undefined) return;
      // The connection this response leaves idle is not needed any more.
      server.closeIdleConnections();
      if (active.size === 0) wake?.();
    });
  });

  async function run(timeoutMs: number): Promise<DrainResult> {
    const inFlightAtStart = active.size;
    for (const response of active) {
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    server.closeIdleConnections();
    if (active.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    const cut = active.size;
    server.closeAllConnections();
    await closed;
    return { cut, inFlightAtStart };
  }

  return {
    get inFlight() {
      return active.size;
    },
    drain(timeoutMs) {
      draining ??= run(timeoutMs);
      return draining;
    },
    cutNow() {
      wake?.();
    },
  };
}
