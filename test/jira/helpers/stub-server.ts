/**
 * A real HTTP server on 127.0.0.1 (port 0) that plays Jira in client tests:
 * each test scripts the answers and reads back exactly what was sent.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent on the wire. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Returns an answer, or `'hang'` to never answer, or `'reset'` to drop the connection. */
export type StubHandler = (
  request: ReceivedRequest,
  index: number,
) => StubAnswer | 'hang' | 'reset';

export interface StubServer {
  url: string;
  requests: ReceivedRequest[];
  /** Replaces the handler (default: 200 `{}`). */
  handle(handler: StubHandler): void;
  /** Resolves when the next request has arrived. */
  nextRequest(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

function send(res: ServerResponse, answer: StubAnswer): void {
  const body =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body !== undefined && typeof answer.body !== 'string') {
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** Starts a stub Jira; close it in `afterAll`/`afterEach`. */
export async function startStubServer(): Promise<StubServer> {
  const requests: ReceivedRequest[] = [];
  let handler: StubHandler = () => ({ status: 200, body: {} });
  let waiters: ((r: ReceivedRequest) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const answer = handler(received, requests.length - 1);
      for (const waiter of waiters) waiter(received);
      waiters = [];
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      send(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    nextRequest() {
      return new Promise((resolve) => {
        waiters.push(resolve);
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      });
    },
  };
}
