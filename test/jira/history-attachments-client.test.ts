import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { JiraClient } from '../../src/jira/client.js';
import { JiraError } from '../../src/jira/errors.js';
import { demoCheckoutPng } from '../../src/sandbox/demo-png.js';
import { SANDBOX_API_TOKENS, startSandboxServer, type Sandbox } from '../../src/sandbox/index.js';
import { caught, clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

/**
 * The sandbox on one loopback origin, redirecting attachment downloads (303,
 * like Jira Cloud) to its media host on a second loopback origin.
 */
let site: { url: string; sandbox: Sandbox; close(): Promise<void> };
let mediaServer: ReturnType<typeof serve>;
let mediaUrl: string;
let dir: string;
let jira: JiraClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'at-client-'));
  const late: { app?: { fetch(request: Request): Response | Promise<Response> } } = {};
  const port = await new Promise<number>((resolve) => {
    mediaServer = serve(
      {
        fetch: (request) => late.app?.fetch(request) ?? new Response('not ready', { status: 503 }),
        port: 0,
        hostname: '127.0.0.1',
      },
      (info: AddressInfo) => {
        resolve(info.port);
      },
    );
  });
  mediaUrl = `http://127.0.0.1:${port}`;
  site = await startSandboxServer({ dbPath: join(dir, 'sandbox.db'), mediaBaseUrl: mediaUrl });
  late.app = site.sandbox.app;
  jira = new JiraClient({
    credentials: staticCredentialsProvider({
      baseUrl: site.url,
      email: 'alice@example.com',
      apiToken: SANDBOX_API_TOKENS.alice,
    }),
    sleep: () => Promise.resolve(),
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    mediaServer.close(() => {
      resolve();
    });
  });
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JiraClient.downloadAttachment (GET /rest/api/3/attachment/content/{id})', () => {
  it('follows the 303 to another origin WITHOUT the Jira credential and returns the bytes', async () => {
    const download = await jira.downloadAttachment('DEMO-1', '10000', 1024 * 1024);
    expect(download).toEqual({
      bytes: demoCheckoutPng(),
      truncated: false,
      contentType: 'image/png',
    });
    const requests = site.sandbox.requests;
    const content = requests
      .filter((r) => r.path === '/rest/api/3/attachment/content/10000')
      .at(-1);
    const media = requests.filter((r) => r.path === '/sandbox-media/file/10000/binary').at(-1);
    expect(content?.headers['authorization']).toBe('Basic [REDACTED]');
    expect(media?.status).toBe(200);
    expect(media?.headers['host']).toBe(new URL(mediaUrl).host);
    expect(media?.headers['authorization']).toBeUndefined();
  });

  it('stops at the cap and says the file was truncated', async () => {
    const download = await jira.downloadAttachment('DEMO-1', '10000', 10);
    expect(download.truncated).toBe(true);
    expect(download.bytes).toEqual(demoCheckoutPng().subarray(0, 10));
  });

  it('answers a missing attachment with not_found', async () => {
    const error = await caught(() => jira.downloadAttachment('DEMO-1', '99999', 100));
    expect(error).toBeInstanceOf(JiraError);
    expect((error as JiraError).code).toBe('not_found');
  });

  it('rejects a non-numeric attachment id before any request', async () => {
    const before = site.sandbox.requests.length;
    const error = await caught(() => jira.downloadAttachment('DEMO-1', '../myself', 100));
    expect((error as JiraError).code).toBe('invalid_request');
    expect(site.sandbox.requests.length).toBe(before);
  });
});

describe('JiraTransport download limits against a stub (redirect policy, streaming cap)', () => {
  let stub: StubServer;
  let endless: Server;
  let endlessUrl: string;
  let written = 0;
  let closed: Promise<void>;

  beforeAll(async () => {
    stub = await startStubServer();
    // Streams 64 KiB chunks until the client goes away.
    endless = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 65);
      closed = new Promise((resolve) => {
        res.on('close', () => {
          resolve();
        });
      });
      const pump = (): void => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    endlessUrl = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await stub.close();
    endless.closeAllConnections();
    await new Promise<void>((resolve) => {
      endless.close(() => {
        resolve();
      });
    });
  });

  it('reads an endless body only to the cap + 1 byte, then closes the stream', async () => {
    const { client } = clientFor(endlessUrl);
    const download = await client.downloadAttachment('DEMO-1', '1', 100_000);
    expect(download.truncated).toBe(true);
    expect(download.bytes.byteLength).toBe(100_000);
    await closed;
    // The server could only push what the socket buffers held: far below the 512 MiB it would send.
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a redirect to a URL carrying user info, without quoting it', async () => {
    stub.handle(() => ({
      status: 303,
      headers: { location: `http://user:secret-in-url@127.0.0.1:1/file?token=abc` },
    }));
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.downloadAttachment('DEMO-1', '1', 100));
    expect((error as JiraError).code).toBe('invalid_response');
    expect((error as JiraError).message).toBe(
      'Jira answered GET /rest/api/3/attachment/content/1 with a redirect (HTTP 303) the gateway does not follow (more than 3, or to a non-https or credential-bearing address).',
    );
  });

  it('follows at most 3 redirects, keeping the credential on the same origin', async () => {
    stub.handle((_request, index) => ({ status: 302, headers: { location: `/hop/${index}` } }));
    const before = stub.requests.length;
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.downloadAttachment('DEMO-1', '1', 100));
    expect((error as JiraError).code).toBe('invalid_response');
    const sent = stub.requests.slice(before);
    expect(sent.map((r) => r.url)).toEqual([
      '/rest/api/3/attachment/content/1',
      `/hop/${before}`,
      `/hop/${before + 1}`,
      `/hop/${before + 2}`,
    ]);
    expect(sent.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
  });

  it("does not report the media host's 401 as a refused Jira credential (it never got one)", async () => {
    const media = await startStubServer();
    try {
      media.handle(() => ({
        status: 401,
        headers: { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' },
        body: { message: 'signed URL expired' },
      }));
      stub.handle(() => ({ status: 303, headers: { location: `${media.url}/file/1?token=t` } }));
      const rejections: number[] = [];
      const { client } = clientFor(stub.url, {
        maxRetries: 0,
        credentials: {
          get: () =>
            Promise.resolve({ kind: 'bearer', baseUrl: stub.url, accessToken: 'person-token' }),
          // Would refresh the token (OAuth) or mark the link broken (API token).
          rejected: (_credentials, rejection) => {
            rejections.push(rejection.status);
            return Promise.resolve(true);
          },
        },
      });
      const error = await caught(() => client.downloadAttachment('DEMO-1', '1', 100));
      expect((error as JiraError).code).toBe('unauthorized');
      expect(rejections).toEqual([]);
      expect(media.requests).toHaveLength(1);
      expect(media.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await media.close();
    }
  });

  it('never follows redirects for JSON calls', async () => {
    stub.handle(() => ({ status: 303, headers: { location: '/elsewhere' } }));
    const before = stub.requests.length;
    const { client } = clientFor(stub.url);
    const error = await caught(() => client.getChangelog('DEMO-1'));
    expect((error as JiraError).code).toBe('invalid_response');
    expect(stub.requests.length - before).toBe(1);
  });
});

describe('JiraClient history and attachment calls against the sandbox', () => {
  it('addAttachment sends multipart with X-Atlassian-Token and parses the created attachments', async () => {
    const created = await jira.addAttachment('DEMO-3', {
      fileName: 'trace.json',
      mimeType: 'application/json',
      bytes: new TextEncoder().encode('{"ok":true}'),
    });
    expect(created).toEqual([
      expect.objectContaining({ filename: 'trace.json', mimeType: 'application/json', size: 11 }),
    ]);
    const listed = await jira.getIssueAttachments('DEMO-3');
    expect(listed).toMatchObject({ key: 'DEMO-3', projectKey: 'DEMO' });
    expect(listed.attachments.map((a) => a.id)).toContain(created[0]?.id);
  });

  it('getChangelog pages the history (startAt, maxResults) and accepts Jira nulls', async () => {
    const page = await jira.getChangelog('DEMO-1', { startAt: 1, maxResults: 2 });
    expect(page.startAt).toBe(1);
    expect(page.values).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(4);
    expect(page.isLast).toBe(false);
  });

  it('listWorklogs reads a PageOfWorklogs', async () => {
    const page = await jira.listWorklogs('DEMO-3', { maxResults: 1 });
    expect(page.maxResults).toBe(1);
    expect(page.worklogs.length).toBeLessThanOrEqual(1);
    expect(typeof page.total).toBe('number');
  });
});
