/**
 * Small HTTP servers the end-to-end suites run on 127.0.0.1, port 0: the
 * loopback redirect endpoint a native MCP client listens on, and a page on
 * another origin for the attacks a browser must stop.
 */
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/** Listens on 127.0.0.1 at a port the system picks; returns that port. */
export async function listenOnLoopback(server: Server | HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}

/** Closes `server`, dropping kept-alive connections so the close does not wait for them. */
export function closeServer(server: Server | HttpsServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}

/** Another web origin on this machine: whatever HTML the test puts at a path. */
export interface StaticSite {
  port: number;
  serve(path: string, html: string): void;
  close(): Promise<void>;
}

/**
 * Starts a plain HTTP site on 127.0.0.1. Reached as `localhost` it is
 * another site; as `127.0.0.1` it is the same site on another origin.
 * @see RFC 6454 §4 (origin); HTML Living Standard §7.1.1 (same site)
 */
export async function startStaticSite(): Promise<StaticSite> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    if (html === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    serve: (path, html) => {
      pages.set(path, html);
    },
    close: () => closeServer(server),
  };
}

/** The redirect endpoint of a native client (RFC 8252 §7.3): loopback IP, any port. */
export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`. */
  redirectUri: string;
  /** Query parameters of the next request to `/callback` (already received or still to come). */
  next(): Promise<URLSearchParams>;
  /** How many requests reached `/callback` so far. */
  count(): number;
  close(): Promise<void>;
}

/**
 * Starts the loopback HTTP server a native MCP client listens on for the
 * authorization response. It answers like such clients do ("you can close
 * this window") and queues every callback's query for the test.
 * @see RFC 8252 §7.3
 */
export async function startLoopbackCallback(): Promise<LoopbackCallback> {
  const received: URLSearchParams[] = [];
  const waiting: ((params: URLSearchParams) => void)[] = [];
  let total = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    total += 1;
    const resolve = waiting.shift();
    if (resolve === undefined) received.push(url.searchParams);
    else resolve(url.searchParams);
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        '<!doctype html><title>Signed in</title><p>Authorization finished. You can close this window.</p>',
      );
  });
  const port = await listenOnLoopback(server);
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    next: () => {
      const ready = received.shift();
      return ready === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(ready);
    },
    count: () => total,
    close: () => closeServer(server),
  };
}
