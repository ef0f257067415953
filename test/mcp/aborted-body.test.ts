import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';

describe('/mcp: a request body the client abandons (client fault, RFC 9112 §8)', () => {
  let bed: McpTestBed;
  let token: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    bed = await startMcpTestBed({
      log: (line) => lines.push(line as Record<string, unknown>),
    });
    token = (await bed.mint(['jira:read'])).token;
  });
  afterAll(async () => {
    await bed.close();
  });

  /** Sends the head and part of a body over a raw socket, then drops the connection. */
  async function abandon(framing: string, partialBody: string): Promise<void> {
    const { port } = bed.mcpUrl;
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    await new Promise<void>((resolve) => {
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
          `${framing}\r\n\r\n${partialBody}`,
        () => {
          resolve();
        },
      );
    });
    // Let the server start reading the body before the client goes away.
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
  }

  /** Waits for the endpoint's line about the abandoned body (a hang guard, not a timing). */
  async function abortLine(from: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i += 1) {
      const line = lines.slice(from).find((l) => l.msg === 'request body aborted by the client');
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('no line about the abandoned body');
  }

  it.each([
    ['Content-Length: 1000', '{"jsonrpc":"2.0",'],
    ['Transfer-Encoding: chunked', '5\r\n{"jso\r\n'],
  ])(
    'logs an abandoned body (%s) at debug level only, never as a fault',
    async (framing, partial) => {
      const from = lines.length;
      await abandon(framing, partial);
      expect(await abortLine(from)).toMatchObject({ level: 'debug' });
      expect(lines.slice(from).filter((l) => l.level !== 'debug')).toEqual([]);
    },
  );
});
